import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../errors.js';
import { activate, activationKernels, bool, need, num } from './common.js';
import { transposeHost } from './host-layout.js';
import type { OpModule } from './types.js';

/**
 * y = x · Wᵀ + b with W [out, in]. The input is flattened to [-1, in]; `keepNumDims` keeps its leading
 * dimensions ([..., out]) instead of [batch, out]. Constant weights are transposed to [in, out] once at load.
 * Plain BatchMatMul + Add rather than _FusedMatMul: tfjs-backend-wasm 4.22's fused kernel adds the bias
 * wrongly when the batch exceeds 1 (found by this op's test).
 */
const fullyConnected: OpModule = {
  opcode: 'FULLY_CONNECTED',
  kernels: (ctx) => [
    'BatchMatMul',
    'Reshape',
    ...(ctx.inputTensor(2) ? ['Add'] : []),
    ...activationKernels(ctx.op),
  ],
  prepare(ctx) {
    const w = ctx.constant(1);
    return w ? { 1: transposeHost(w, [1, 0]) } : undefined;
  },
  run(ctx, inputs, op) {
    if (num(op, 'weightsFormat', 0) !== 0) {
      throw new ModelError(`FULLY_CONNECTED: shuffled weights format ${num(op, 'weightsFormat')} is not supported`);
    }
    const x = need(inputs, 0, op);
    const w = need(inputs, 1, op) as tf.Tensor2D;
    const prepared = ctx.constant(1) !== undefined;
    const inDepth = prepared ? w.shape[0] : w.shape[1];
    const units = prepared ? w.shape[1] : w.shape[0];
    let y: tf.Tensor = tf.matMul(tf.reshape(x, [-1, inDepth]) as tf.Tensor2D, w, false, !prepared);
    if (inputs[2]) y = tf.add(y, inputs[2]);
    y = activate(y, op);
    if (bool(op, 'keepNumDims')) y = tf.reshape(y, [...x.shape.slice(0, -1), units]);
    return [y];
  },
};
export default fullyConnected;
