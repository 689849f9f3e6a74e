import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import { pairsAt } from './pad-common.js';
import type { OpModule } from './types.js';

/** BATCH_TO_SPACE_ND(input, block_shape [M], crops [M, 2]). */
const batchToSpaceNd: OpModule = {
  opcode: 'BATCH_TO_SPACE_ND',
  kernels: ['BatchToSpaceND'],
  run: (ctx, inputs, op) => [tf.batchToSpaceND(need(inputs, 0, op), ints(ctx, inputs, 1), pairsAt(ctx, inputs, 2))],
};
export default batchToSpaceNd;
