// Original file: ../../proto/sibyl/v1/study.proto

/**
 * How an algorithm measures distance along a numeric parameter.
 */
export const ScaleType = {
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  SCALE_TYPE_UNSPECIFIED: 'SCALE_TYPE_UNSPECIFIED',
  /**
   * Equal differences matter equally (e.g. dropout 0.1 vs 0.2 and 0.5 vs 0.6).
   */
  SCALE_TYPE_LINEAR: 'SCALE_TYPE_LINEAR',
  /**
   * Equal ratios matter equally (e.g. learning rate 1e-4 vs 1e-3 and 1e-2 vs
   * 1e-1). Needs a positive lower bound.
   */
  SCALE_TYPE_LOG: 'SCALE_TYPE_LOG',
} as const;

/**
 * How an algorithm measures distance along a numeric parameter.
 */
export type ScaleType =
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  | 'SCALE_TYPE_UNSPECIFIED'
  | 0
  /**
   * Equal differences matter equally (e.g. dropout 0.1 vs 0.2 and 0.5 vs 0.6).
   */
  | 'SCALE_TYPE_LINEAR'
  | 1
  /**
   * Equal ratios matter equally (e.g. learning rate 1e-4 vs 1e-3 and 1e-2 vs
   * 1e-1). Needs a positive lower bound.
   */
  | 'SCALE_TYPE_LOG'
  | 2

/**
 * How an algorithm measures distance along a numeric parameter.
 */
export type ScaleType__Output = typeof ScaleType[keyof typeof ScaleType]
