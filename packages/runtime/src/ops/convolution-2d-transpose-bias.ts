import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../errors.js';
import { need } from './common.js';
import { transposeHost } from './host-layout.js';
import { OHWI_TO_HWOI, TRANSPOSED_CONV_KERNELS, transposedConv } from './transposed-conv.js';
import type { OpModule } from './types.js';

/** The custom options are MediaPipe's raw TfLiteTransposeConvParams: int32 padding (1 SAME, 2 VALID), stride_w, stride_h. */
function params(custom: Uint8Array | undefined): { same: boolean; strideW: number; strideH: number } {
  if (!custom || custom.byteLength < 12) {
    throw new ModelError('Convolution2DTransposeBias: custom options must hold padding, stride_w, stride_h (12 bytes)');
  }
  const view = new DataView(custom.buffer, custom.byteOffset, custom.byteLength);
  return { same: view.getInt32(0, true) === 1, strideW: view.getInt32(4, true), strideH: view.getInt32(8, true) };
}

/**
 * MediaPipe's custom op: inputs (x NHWC, weights OHWI, bias [O]). Output size s·(in−1) + k − pad, where SAME
 * pads max(0, k − (in−1) mod s − 1) in total and the top/left side gets half of it (rounded down).
 */
const convolution2dTransposeBias: OpModule = {
  opcode: 'Convolution2DTransposeBias',
  kernels: (ctx) => [...TRANSPOSED_CONV_KERNELS, 'Add', ...(ctx.constant(1) ? [] : ['Transpose'])],
  prepare(ctx) {
    const w = ctx.constant(1);
    return w ? { 1: transposeHost(w, OHWI_TO_HWOI) } : undefined;
  },
  run(ctx, inputs, op) {
    const { same, strideW, strideH } = params(op.customOptions);
    const x = need(inputs, 0, op) as tf.Tensor4D;
    const w = (ctx.constant(1) ? need(inputs, 1, op) : tf.transpose(need(inputs, 1, op), OHWI_TO_HWOI)) as tf.Tensor4D;
    const [kh, kw] = w.shape;
    const padTotal = (inSize: number, stride: number, k: number): number =>
      same ? Math.max(0, k - ((inSize - 1) % stride) - 1) : 0;
    const padH = padTotal(x.shape[1], strideH, kh);
    const padW = padTotal(x.shape[2], strideW, kw);
    const outH = strideH * (x.shape[1] - 1) + kh - padH;
    const outW = strideW * (x.shape[2] - 1) + kw - padW;
    const y = transposedConv(x, w, [strideH, strideW], outH, outW, Math.floor(padH / 2), Math.floor(padW / 2));
    return [tf.add(y, need(inputs, 2, op))];
  },
};
export default convolution2dTransposeBias;
