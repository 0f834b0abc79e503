// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Study as _sibyl_v1_Study, Study__Output as _sibyl_v1_Study__Output } from '../../sibyl/v1/Study';

export interface ListStudiesResponse {
  /**
   * The studies, oldest first.
   */
  'studies'?: (_sibyl_v1_Study)[];
  /**
   * Token for the next page; empty when this is the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListStudiesResponse__Output {
  /**
   * The studies, oldest first.
   */
  'studies': (_sibyl_v1_Study__Output)[];
  /**
   * Token for the next page; empty when this is the last page.
   */
  'nextPageToken': (string);
}
