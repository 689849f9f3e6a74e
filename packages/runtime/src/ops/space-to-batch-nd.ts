import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import { pairsAt } from './pad-common.js';
import type { OpModule } from './types.js';

/** SPACE_TO_BATCH_ND(input, block_shape [M], paddings [M, 2]). */
const spaceToBatchNd: OpModule = {
  opcode: 'SPACE_TO_BATCH_ND',
  kernels: ['SpaceToBatchND'],
  run: (ctx, inputs, op) => [tf.spaceToBatchND(need(inputs, 0, op), ints(ctx, inputs, 1), pairsAt(ctx, inputs, 2))],
};
export default spaceToBatchNd;
