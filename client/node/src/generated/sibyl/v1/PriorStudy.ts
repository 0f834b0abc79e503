// Original file: ../../proto/sibyl/v1/study.proto


/**
 * An earlier study whose trials inform a study's model.
 */
export interface PriorStudy {
  /**
   * Resource name of the prior, `teams/{team}/studies/{study}`. Required. It must be
   * a study of the same team (any other is NOT_FOUND, like a study that does not
   * exist) with a parameter of this study's (same name, both numeric or both
   * categorical). Parameters only the prior has are ignored; a trial of the prior with
   * a value outside this study's domain is left out.
   */
  'study'?: (string);
  /**
   * The prior's objective that measures this study's first objective, when the prior
   * names it differently (e.g. "val_error" for "error"); its goal is the prior's own.
   * Unset: the prior's metric named like this study's first objective. It must be an
   * objective of the prior.
   */
  'objective'?: (string);
}

/**
 * An earlier study whose trials inform a study's model.
 */
export interface PriorStudy__Output {
  /**
   * Resource name of the prior, `teams/{team}/studies/{study}`. Required. It must be
   * a study of the same team (any other is NOT_FOUND, like a study that does not
   * exist) with a parameter of this study's (same name, both numeric or both
   * categorical). Parameters only the prior has are ignored; a trial of the prior with
   * a value outside this study's domain is left out.
   */
  'study': (string);
  /**
   * The prior's objective that measures this study's first objective, when the prior
   * names it differently (e.g. "val_error" for "error"); its goal is the prior's own.
   * Unset: the prior's metric named like this study's first objective. It must be an
   * objective of the prior.
   */
  'objective': (string);
}
