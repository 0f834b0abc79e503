// Original file: ../../proto/sibyl/v1/study.proto


/**
 * A parameter that Sibyl sets as a trial's budget.
 */
export interface BudgetParameter {
  /**
   * Name of the parameter. Required: a DOUBLE, INTEGER or DISCRETE parameter of the
   * spec that is not conditional and that no condition refers to. Its budgets are a
   * DISCRETE parameter's values, or a DOUBLE or INTEGER parameter's max_value divided
   * by reduction_factor^k (k = 0, 1, ...) down to its min_value, which must be above 0
   * (INTEGER ones rounded); there must be at least two.
   */
  'parameter'?: (string);
  /**
   * The ratio between consecutive budgets of a DOUBLE or INTEGER parameter, and how
   * selective each promotion is: the best 1/reduction_factor of a budget's trials run
   * at the next. Unset or 0: 3. Between 2 and 10.
   */
  'reductionFactor'?: (number);
}

/**
 * A parameter that Sibyl sets as a trial's budget.
 */
export interface BudgetParameter__Output {
  /**
   * Name of the parameter. Required: a DOUBLE, INTEGER or DISCRETE parameter of the
   * spec that is not conditional and that no condition refers to. Its budgets are a
   * DISCRETE parameter's values, or a DOUBLE or INTEGER parameter's max_value divided
   * by reduction_factor^k (k = 0, 1, ...) down to its min_value, which must be above 0
   * (INTEGER ones rounded); there must be at least two.
   */
  'parameter': (string);
  /**
   * The ratio between consecutive budgets of a DOUBLE or INTEGER parameter, and how
   * selective each promotion is: the best 1/reduction_factor of a budget's trials run
   * at the next. Unset or 0: 3. Between 2 and 10.
   */
  'reductionFactor': (number);
}
