import type * as tf from '@tensorflow/tfjs';
import type { OpContext } from './context.js';
import type { Value } from './types.js';

/**
 * How one TensorFlow op becomes TFLite. `convert` emits operators (or returns constants); `fold`, when
 * present, computes the op with tfjs kernels when every input is a constant, so shape arithmetic
 * (Shape -> StridedSlice -> Pack -> Reshape) disappears at import with TensorFlow's exact semantics.
 */
export interface OpDef {
  convert(ctx: OpContext): Value | Value[];
  fold?(ctx: OpContext, inputs: tf.Tensor[]): tf.Tensor | tf.Tensor[];
}

export type OpTable = Record<string, OpDef>;
