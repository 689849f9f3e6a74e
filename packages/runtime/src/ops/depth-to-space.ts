import * as tf from '@tensorflow/tfjs-core';
import { need, num } from './common.js';
import type { OpModule } from './types.js';

/** NHWC, depth-column-row order like TF's DepthToSpace. */
const depthToSpace: OpModule = {
  opcode: 'DEPTH_TO_SPACE',
  kernels: ['DepthToSpace'],
  run: (_ctx, inputs, op) => [tf.depthToSpace(need(inputs, 0, op) as tf.Tensor4D, num(op, 'blockSize', 1), 'NHWC')],
};
export default depthToSpace;
