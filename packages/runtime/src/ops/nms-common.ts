import type * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import type { OpContext } from './types.js';

/** The parameters shared by NON_MAX_SUPPRESSION_V4 and V5: boxes, scores, then scalar settings. */
export interface NmsInputs {
  boxes: tf.Tensor2D;
  scores: tf.Tensor1D;
  maxOutputSize: number;
  iouThreshold: number;
  scoreThreshold: number;
}

/** A scalar input's value: constant at load, or read back (these are tiny and usually constant). */
export function scalarInput(ctx: OpContext, inputs: (tf.Tensor | undefined)[], position: number): number {
  const c = ctx.constant(position);
  if (c) return Number(c.data[0]);
  return Number(need(inputs, position, ctx.op).dataSync()[0]);
}

export function nmsInputs(ctx: OpContext, inputs: (tf.Tensor | undefined)[]): NmsInputs {
  return {
    boxes: need(inputs, 0, ctx.op) as tf.Tensor2D,
    scores: need(inputs, 1, ctx.op) as tf.Tensor1D,
    maxOutputSize: scalarInput(ctx, inputs, 2),
    iouThreshold: scalarInput(ctx, inputs, 3),
    scoreThreshold: scalarInput(ctx, inputs, 4),
  };
}
