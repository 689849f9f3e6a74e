import * as tf from '@tensorflow/tfjs-core';
import { axisOf, ints, need } from './common.js';
import type { OpModule } from './types.js';

/** SPLIT_V(input, size_splits, axis); one size may be -1 (the rest), which tfjs' split resolves too. */
const splitV: OpModule = {
  opcode: 'SPLIT_V',
  kernels: ['SplitV'],
  run(ctx, inputs, op) {
    const x = need(inputs, 0, op);
    return tf.split(x, ints(ctx, inputs, 1), axisOf(ints(ctx, inputs, 2)[0] ?? 0, x.rank));
  },
};
export default splitV;
