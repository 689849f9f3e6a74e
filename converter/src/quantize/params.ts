/**
 * Quantization parameters exactly as the TFLite quantizer computes them
 * (tensorflow/lite/tools/optimize/quantization_utils.cc), so files match what the TFLite converter writes.
 * real = (q - zeroPoint) * scale.
 */
import { roundHalfAwayFromZero } from '@borde/runtime';

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

export const INT8_MIN = -128;
export const INT8_MAX = 127;

// TFLite's one rounding rule (C's std::round: halves away from zero), shared with the runtime.
export { roundHalfAwayFromZero };

/** Float32 as the interpreter stores it: parameters are computed in float32 in TFLite. */
export const f32 = Math.fround;

/**
 * Asymmetric per-tensor int8 parameters for an activation range. The range is widened to contain 0, so
 * that 0 (padding, ReLU) is exact. A point range at 0 gets scale 1 where TFLite writes 0, a scale no kernel
 * can divide by.
 */
export function activationParams(min: number, max: number, qmin = INT8_MIN, qmax = INT8_MAX): QuantParams {
  const lo = f32(Math.min(min, 0));
  const hi = f32(Math.max(max, 0));
  const scale = f32((hi - lo) / (qmax - qmin));
  if (!(scale > 0)) return { scale: 1, zeroPoint: 0 };
  const zeroFromMin = qmin - lo / scale;
  const zeroPoint = zeroFromMin < qmin ? qmin : zeroFromMin > qmax ? qmax : roundHalfAwayFromZero(zeroFromMin);
  return { scale, zeroPoint };
}

/** Symmetric scale for weights in [-127, 127] (zero point 0), from the largest magnitude. */
export function symmetricScale(maxAbs: number): number {
  const scale = f32(maxAbs / 127);
  return scale > 0 ? scale : 1;
}

/**
 * Quantizes `values` with one scale per slice along `axis` of `shape` (axis -1: one scale for all). No scale
 * goes below `minScale`: a channel of (near-)zero weights would otherwise get a scale like 1e-26, and the
 * kernel's requantization multiplier (input x weight scale / output scale) would leave the 2^-31..2^31 an
 * integer kernel can represent (LiteRT aborts). Such a channel's weights round to the same few steps either way.
 */
export function quantizeSymmetric(
  values: Float32Array,
  shape: readonly number[],
  axis: number,
  minScale = 0,
): { data: Int8Array; scales: number[] } {
  const channels = axis < 0 ? 1 : shape[axis]!;
  const inner = axis < 0 ? values.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis < 0 ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(values[i]!));
  }
  const scales = Array.from(maxAbs, (m) => Math.max(symmetricScale(m), f32(minScale)));
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAwayFromZero(values[i]! / scales[channelOf(i)]!);
    data[i] = Math.max(-127, Math.min(127, q));
  }
  return { data, scales };
}

/** int32 bias with scale inputScale * weightScale[c] and zero point 0, as TFLite's integer kernels expect. */
export function quantizeBias(values: Float32Array, inputScale: number, weightScales: readonly number[]): {
  data: Int32Array;
  scales: number[];
} {
  const perChannel = weightScales.length > 1;
  const scales = perChannel ? weightScales.map((w) => f32(inputScale * w)) : [f32(inputScale * weightScales[0]!)];
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAwayFromZero(values[i]! / scales[perChannel ? i : 0]!);
    data[i] = Math.max(-(2 ** 31) + 1, Math.min(2 ** 31 - 1, q));
  }
  return { data, scales };
}

/** Asymmetric per-tensor quantization of a float constant that is read as an activation (e.g. ADD's operand). */
export function quantizeAsymmetric(values: Float32Array, params: QuantParams): Int8Array {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAwayFromZero(values[i]! / params.scale) + params.zeroPoint;
    out[i] = Math.max(INT8_MIN, Math.min(INT8_MAX, q));
  }
  return out;
}
