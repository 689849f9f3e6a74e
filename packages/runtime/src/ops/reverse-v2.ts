import * as tf from '@tensorflow/tfjs-core';
import { axisOf, ints, need } from './common.js';
import type { OpModule } from './types.js';

const reverseV2: OpModule = {
  opcode: 'REVERSE_V2',
  kernels: ['Reverse'],
  run(ctx, inputs, op) {
    const x = need(inputs, 0, op);
    return [tf.reverse(x, ints(ctx, inputs, 1).map((a) => axisOf(a, x.rank)))];
  },
};
export default reverseV2;
