import * as tf from '@tensorflow/tfjs-core';
import { need, num } from './common.js';
import type { OpModule } from './types.js';

/** NHWC; tfjs has no SpaceToDepth kernel, so it is TensorFlow's definition: reshape, transpose, reshape. */
const spaceToDepth: OpModule = {
  opcode: 'SPACE_TO_DEPTH',
  kernels: ['Reshape', 'Transpose'],
  run(_ctx, inputs, op) {
    const x = need(inputs, 0, op);
    const b = num(op, 'blockSize', 1);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const blocks = tf.reshape(x, [n, h / b, b, w / b, b, c]);
    return [tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), [n, h / b, w / b, b * b * c])];
  },
};
export default spaceToDepth;
