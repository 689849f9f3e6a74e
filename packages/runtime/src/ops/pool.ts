import * as tf from '@tensorflow/tfjs-core';
import { activate, activationKernels, need, num, padding } from './common.js';
import type { OpModule } from './types.js';

/** AVERAGE_POOL_2D / MAX_POOL_2D; both exclude padded cells, like TFLite. */
export function poolOp(opcode: string, kernel: 'AvgPool' | 'MaxPool'): OpModule {
  return {
    opcode,
    kernels: (ctx) => [kernel, ...activationKernels(ctx.op)],
    run(_ctx, inputs, op) {
      const x = need(inputs, 0, op) as tf.Tensor4D;
      const size: [number, number] = [num(op, 'filterHeight', 1), num(op, 'filterWidth', 1)];
      const strides: [number, number] = [num(op, 'strideH', 1), num(op, 'strideW', 1)];
      const y = kernel === 'AvgPool'
        ? tf.avgPool(x, size, strides, padding(op))
        : tf.maxPool(x, size, strides, padding(op));
      return [activate(y, op)];
    },
  };
}
