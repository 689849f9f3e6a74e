import * as tf from '@tensorflow/tfjs-core';

/** Weights OHWI [out, kh, kw, in] -> tfjs' conv2dTranspose layout [kh, kw, out, in]. */
export const OHWI_TO_HWOI = [1, 2, 0, 3];

export const TRANSPOSED_CONV_KERNELS = ['Conv2DBackpropInput', 'Slice', 'PadV2'];

/**
 * TFLite's transposed convolution: out[iy·s − padTop + fy][ix·s − padLeft + fx][o] += x[iy][ix][i]·w[o][fy][fx][i].
 * Computed as tfjs' full ("valid") transposed conv of size (in−1)·s + k, then cropped at (padTop, padLeft) to
 * outH × outW (zero-filled where the output reaches past the full result).
 */
export function transposedConv(
  x: tf.Tensor4D,
  filterHWOI: tf.Tensor4D,
  strides: [number, number],
  outH: number,
  outW: number,
  padTop: number,
  padLeft: number,
): tf.Tensor4D {
  const [n, inH, inW] = x.shape;
  const [kh, kw, outC] = filterHWOI.shape;
  const fullH = (inH - 1) * strides[0] + kh;
  const fullW = (inW - 1) * strides[1] + kw;
  let y = tf.conv2dTranspose(x, filterHWOI, [n, fullH, fullW, outC], strides, 'valid');
  if (padTop !== 0 || padLeft !== 0 || outH !== fullH || outW !== fullW) {
    const h = Math.min(outH, fullH - padTop);
    const w = Math.min(outW, fullW - padLeft);
    y = tf.slice(y, [0, padTop, padLeft, 0], [n, h, w, outC]);
    if (h < outH || w < outW) y = tf.pad(y, [[0, 0], [0, outH - h], [0, outW - w], [0, 0]]);
  }
  return y;
}
