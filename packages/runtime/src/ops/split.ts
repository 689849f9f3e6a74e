import * as tf from '@tensorflow/tfjs-core';
import { axisOf, ints, need, num } from './common.js';
import type { OpModule } from './types.js';

/** SPLIT(axis, input) into numSplits equal parts. */
const split: OpModule = {
  opcode: 'SPLIT',
  kernels: ['SplitV'],
  run(ctx, inputs, op) {
    const x = need(inputs, 1, op);
    return tf.split(x, num(op, 'numSplits', 1), axisOf(ints(ctx, inputs, 0)[0] ?? 0, x.rank));
  },
};
export default split;
