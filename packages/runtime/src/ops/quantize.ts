import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import type { OpModule } from './types.js';

/**
 * Emulated: the output is returned as DEQUANTIZED values, (clamp(round(x/scale)+zp) − zp)·scale. The
 * rounding itself is the executor's step for every op whose output tensor is quantized (executor.ts), so
 * this op only hands the value through. Int outputs of the model are re-encoded to integers at the end.
 */
const quantize: OpModule = {
  opcode: 'QUANTIZE',
  kernels: ['Identity'],
  run: (_ctx, inputs, op) => [tf.clone(need(inputs, 0, op))],
};
export default quantize;
