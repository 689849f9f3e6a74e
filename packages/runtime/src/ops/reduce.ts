import * as tf from '@tensorflow/tfjs-core';
import { axisOf, bool, ints, need } from './common.js';
import type { OpModule } from './types.js';

/** MEAN, REDUCE_MAX, SUM...: input 1 holds the axes, option keepDims. */
export function reduceOp(
  opcode: string,
  kernel: string,
  fn: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor,
): OpModule {
  return {
    opcode,
    kernels: [kernel],
    run(ctx, inputs, op) {
      const x = need(inputs, 0, op);
      const axes = [...new Set(ints(ctx, inputs, 1).map((a) => axisOf(a, x.rank)))];
      return [fn(x, axes, bool(op, 'keepDims'))];
    },
  };
}
