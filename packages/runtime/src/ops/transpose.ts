import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import type { OpModule } from './types.js';

const transpose: OpModule = {
  opcode: 'TRANSPOSE',
  kernels: ['Transpose'],
  run: (ctx, inputs, op) => [tf.transpose(need(inputs, 0, op), ints(ctx, inputs, 1))],
};
export default transpose;
