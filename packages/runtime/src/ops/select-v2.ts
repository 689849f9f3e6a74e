import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import type { OpModule } from './types.js';

/** SELECT_V2: condition, x and y broadcast together (tfjs' where broadcasts with Tile). */
const selectV2: OpModule = {
  opcode: 'SELECT_V2',
  kernels: ['Select', 'Reshape', 'Tile'],
  run: (_ctx, inputs, op) => [tf.where(need(inputs, 0, op), need(inputs, 1, op), need(inputs, 2, op))],
};
export default selectV2;
