import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../errors.js';
import { activate, activationKernels, fusableActivation, need, num, padding } from './common.js';
import { transposeHost } from './host-layout.js';
import type { OpModule } from './types.js';

/** TFLite weights are OHWI [out, kh, kw, in]; tfjs wants HWIO [kh, kw, in, out]. */
const OHWI_TO_HWIO = [1, 2, 3, 0];

const conv2d: OpModule = {
  opcode: 'CONV_2D',
  kernels: (ctx) => {
    const fused = fusableActivation(ctx.op);
    const weightsAtRun = ctx.constant(1) ? [] : ['Transpose'];
    return fused ? ['FusedConv2D', ...weightsAtRun] : ['FusedConv2D', ...weightsAtRun, ...activationKernels(ctx.op)];
  },
  prepare(ctx) {
    // A grouped convolution (TFLite CONV_2D v6: input channels a multiple of the filters') is valid, but tfjs
    // has no grouped kernel: refused at load, so auto picks the interpreter (found by the semantic fuzz).
    const inChannels = ctx.inputTensor(0)?.shape[3];
    const filterChannels = ctx.inputTensor(1)?.shape[3];
    if (inChannels !== filterChannels) {
      throw new ModelError(`CONV_2D: grouped convolution (input has ${inChannels} channels, filters take ${filterChannels}) has no tfjs kernel; run it on the interpreter (backend 'litert-wasm')`);
    }
    const w = ctx.constant(1);
    return w ? { 1: transposeHost(w, OHWI_TO_HWIO) } : undefined;
  },
  run(ctx, inputs, op) {
    const x = need(inputs, 0, op) as tf.Tensor4D;
    const w = ctx.constant(1)
      ? (need(inputs, 1, op) as tf.Tensor4D)
      : tf.transpose(need(inputs, 1, op), OHWI_TO_HWIO) as tf.Tensor4D;
    const fused = fusableActivation(op);
    const y = tf.fused.conv2d({
      x,
      filter: w,
      strides: [num(op, 'strideH', 1), num(op, 'strideW', 1)],
      pad: padding(op),
      dilations: [num(op, 'dilationHFactor', 1), num(op, 'dilationWFactor', 1)],
      bias: inputs[2],
      activation: fused ?? 'linear',
    });
    return [fused ? y : activate(y, op)];
  },
};
export default conv2d;
