import * as tf from '@tensorflow/tfjs-core';
import { axisOf, ints, need } from './common.js';
import type { OpModule } from './types.js';

/** ARG_MAX / ARG_MIN: input 1 holds the axis; the index type comes from the output tensor. */
export function argReduceOp(opcode: 'ARG_MAX' | 'ARG_MIN'): OpModule {
  return {
    opcode,
    kernels: [opcode === 'ARG_MAX' ? 'ArgMax' : 'ArgMin'],
    run(ctx, inputs, op) {
      const x = need(inputs, 0, op);
      const axis = axisOf(ints(ctx, inputs, 1)[0] ?? 0, x.rank);
      return [opcode === 'ARG_MAX' ? tf.argMax(x, axis) : tf.argMin(x, axis)];
    },
  };
}
