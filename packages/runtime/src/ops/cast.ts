import * as tf from '@tensorflow/tfjs-core';
import { valueDType } from '../host-tensor.js';
import { need } from './common.js';
import type { OpModule } from './types.js';

/** To the output tensor's type (float to int truncates toward zero, as TFLite's CAST does). */
const cast: OpModule = {
  opcode: 'CAST',
  kernels: ['Cast'],
  run: (ctx, inputs, op) => [tf.cast(need(inputs, 0, op), valueDType(ctx.outputTensor(0)))],
};
export default cast;
