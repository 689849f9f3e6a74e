import * as tf from '@tensorflow/tfjs-core';
import { activate, activationKernels, ints, need, num, padding } from './common.js';
import { transposeHost } from './host-layout.js';
import { OHWI_TO_HWOI, TRANSPOSED_CONV_KERNELS, transposedConv } from './transposed-conv.js';
import type { OpModule } from './types.js';

/**
 * Inputs: output_shape, weights OHWI, input, optional bias. Padding as TFLite computes it: the forward
 * conv's SAME padding from the output size back to the input size, top/left getting the smaller half.
 */
const transposeConv: OpModule = {
  opcode: 'TRANSPOSE_CONV',
  kernels: (ctx) => [
    ...TRANSPOSED_CONV_KERNELS,
    ...(ctx.constant(1) ? [] : ['Transpose']),
    ...(ctx.op.inputs[3] !== undefined && ctx.op.inputs[3] >= 0 ? ['Add'] : []),
    ...activationKernels(ctx.op),
  ],
  prepare(ctx) {
    const w = ctx.constant(1);
    return w ? { 1: transposeHost(w, OHWI_TO_HWOI) } : undefined;
  },
  run(ctx, inputs, op) {
    const [, outH, outW] = ints(ctx, inputs, 0) as [number, number, number, number];
    const x = need(inputs, 2, op) as tf.Tensor4D;
    const w = (ctx.constant(1) ? need(inputs, 1, op) : tf.transpose(need(inputs, 1, op), OHWI_TO_HWOI)) as tf.Tensor4D;
    const strides: [number, number] = [num(op, 'strideH', 1), num(op, 'strideW', 1)];
    const [kh, kw] = w.shape;
    const padFor = (inSize: number, outSize: number, stride: number, k: number): number =>
      padding(op) === 'valid' ? 0 : Math.floor(Math.max((inSize - 1) * stride + k - outSize, 0) / 2);
    let y: tf.Tensor = transposedConv(
      x, w, strides, outH, outW, padFor(x.shape[1], outH, strides[0], kh), padFor(x.shape[2], outW, strides[1], kw),
    );
    if (inputs[3]) y = tf.add(y, inputs[3]);
    return [activate(y, op)];
  },
};
export default transposeConv;
