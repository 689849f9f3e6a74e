import * as tf from '@tensorflow/tfjs-core';
import { activate, activationKernels, fusableActivation, need, num, padding } from './common.js';
import type { OpModule } from './types.js';

/**
 * TFLite weights are [1, kh, kw, in * multiplier] with channel c*multiplier+m; tfjs wants
 * [kh, kw, in, multiplier]: the same bytes, so a reshape is enough.
 */
function tfjsFilterShape(weightsShape: readonly number[], inChannels: number): [number, number, number, number] {
  const [, kh, kw, total] = weightsShape as [number, number, number, number];
  return [kh, kw, inChannels, total / inChannels];
}

const depthwiseConv2d: OpModule = {
  opcode: 'DEPTHWISE_CONV_2D',
  kernels: (ctx) => [
    'FusedDepthwiseConv2D',
    ...(ctx.constant(1) ? [] : ['Reshape']),
    ...(fusableActivation(ctx.op) ? [] : activationKernels(ctx.op)),
  ],
  prepare(ctx) {
    const w = ctx.constant(1);
    const x = ctx.inputTensor(0);
    if (!w || !x) return undefined;
    return { 1: { ...w, shape: tfjsFilterShape(w.shape, x.shape[3]!) } };
  },
  run(ctx, inputs, op) {
    const x = need(inputs, 0, op) as tf.Tensor4D;
    // Constant weights were reshaped at load (prepare); run-time weights are reshaped here.
    const raw = need(inputs, 1, op);
    const w = ctx.constant(1) ? raw : tf.reshape(raw, tfjsFilterShape(raw.shape, x.shape[3]));
    const fused = fusableActivation(op);
    const y = tf.fused.depthwiseConv2d({
      x,
      filter: w as tf.Tensor4D,
      strides: [num(op, 'strideH', 1), num(op, 'strideW', 1)],
      pad: padding(op),
      dilations: [num(op, 'dilationHFactor', 1), num(op, 'dilationWFactor', 1)],
      bias: inputs[2],
      activation: fused ?? 'linear',
    });
    return [fused ? y : activate(y, op)];
  },
};
export default depthwiseConv2d;
