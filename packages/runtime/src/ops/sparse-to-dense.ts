import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import type { OpModule } from './types.js';

/** SPARSE_TO_DENSE(indices, output_shape, values, default_value). */
const sparseToDense: OpModule = {
  opcode: 'SPARSE_TO_DENSE',
  kernels: ['SparseToDense'],
  run: (ctx, inputs, op) => [tf.sparseToDense(need(inputs, 0, op), need(inputs, 2, op), ints(ctx, inputs, 1), need(inputs, 3, op) as tf.Scalar)],
};
export default sparseToDense;
