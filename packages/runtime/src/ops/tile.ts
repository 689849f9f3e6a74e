import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import type { OpModule } from './types.js';

const tile: OpModule = {
  opcode: 'TILE',
  kernels: ['Tile'],
  run: (ctx, inputs, op) => [tf.tile(need(inputs, 0, op), ints(ctx, inputs, 1))],
};
export default tile;
