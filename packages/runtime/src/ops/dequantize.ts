import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import type { OpModule } from './types.js';

/**
 * The executor already holds quantized and float16 values as real float32 numbers, so DEQUANTIZE is the
 * identity. Constant inputs (float16 / int8 weights) are decoded once at load and folded here.
 */
const dequantize: OpModule = {
  opcode: 'DEQUANTIZE',
  kernels: ['Identity'],
  fold(ctx, inputs) {
    const src = inputs[0]!;
    return [{ dtype: 'float32', shape: [...ctx.outputTensor(0).shape], data: Float32Array.from(src.data) }];
  },
  run: (_ctx, inputs, op) => [tf.clone(need(inputs, 0, op))],
};
export default dequantize;
