import * as tf from '@tensorflow/tfjs-core';
import { bool, need } from './common.js';
import type { OpModule } from './types.js';

/** Batched matrix product with broadcast batch axes; adjX / adjY transpose the last two axes. */
const batchMatmul: OpModule = {
  opcode: 'BATCH_MATMUL',
  kernels: ['BatchMatMul'],
  run: (_ctx, inputs, op) => [tf.matMul(need(inputs, 0, op), need(inputs, 1, op), bool(op, 'adjX'), bool(op, 'adjY'))],
};
export default batchMatmul;
