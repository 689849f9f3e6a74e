import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import type { OpModule } from './types.js';

/** begin (input 1) and size (input 2; -1 = to the end). */
const slice: OpModule = {
  opcode: 'SLICE',
  kernels: ['Slice'],
  run: (ctx, inputs, op) => [tf.slice(need(inputs, 0, op), ints(ctx, inputs, 1), ints(ctx, inputs, 2))],
};
export default slice;
