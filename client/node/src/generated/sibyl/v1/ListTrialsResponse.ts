// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';

export interface ListTrialsResponse {
  /**
   * The trials, by increasing id.
   */
  'trials'?: (_sibyl_v1_Trial)[];
  /**
   * Token for the next page; empty when this is the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListTrialsResponse__Output {
  /**
   * The trials, by increasing id.
   */
  'trials': (_sibyl_v1_Trial__Output)[];
  /**
   * Token for the next page; empty when this is the last page.
   */
  'nextPageToken': (string);
}
