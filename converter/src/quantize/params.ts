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
export const INT16_MAX = 32767;

/** Storage of quantized activations: int8 (the int8 spec) or int16 (TFLite's 16x8 mode). */
export type ActivationType = 'int8' | 'int16';

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

/**
 * Symmetric int16 activation parameters (TFLite's 16x8 mode: zero point 0, scale max|range| / 32767, as
 * quantization_utils.cc's SymmetricPerLayerQuantization computes them for int16).
 */
export function int16ActivationParams(min: number, max: number): QuantParams {
  const scale = f32(Math.max(Math.abs(min), Math.abs(max)) / INT16_MAX);
  return { scale: scale > 0 ? scale : 1, zeroPoint: 0 };
}

/** Activation parameters for the storage type. */
export function activationParamsFor(type: ActivationType, min: number, max: number): QuantParams {
  return type === 'int16' ? int16ActivationParams(min, max) : activationParams(min, max);
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

/** Bias levels at scale inputScale * weightScale[c] (zero point 0), as TFLite's integer kernels expect. */
function biasLevels(values: Float32Array, inputScale: number, weightScales: readonly number[]): { levels: number[]; scales: number[] } {
  const perChannel = weightScales.length > 1;
  const scales = perChannel ? weightScales.map((w) => f32(inputScale * w)) : [f32(inputScale * weightScales[0]!)];
  const levels = Array.from(values, (v, i) => roundHalfAwayFromZero(v / scales[perChannel ? i : 0]!));
  return { levels, scales };
}

/** int32 bias for int8 activations. */
export function quantizeBias(values: Float32Array, inputScale: number, weightScales: readonly number[]): {
  data: Int32Array;
  scales: number[];
} {
  const { levels, scales } = biasLevels(values, inputScale, weightScales);
  return { data: Int32Array.from(levels, (q) => Math.max(-(2 ** 31) + 1, Math.min(2 ** 31 - 1, q))), scales };
}

/**
 * int64 bias for 16x8 convolutions and fully connected layers (TFLite's 16x8 spec: int16 x int8 sums
 * outgrow what an int32 bias can offset): the same scales, no int32 clamp.
 */
export function quantizeBias64(values: Float32Array, inputScale: number, weightScales: readonly number[]): {
  data: BigInt64Array;
  scales: number[];
} {
  const { levels, scales } = biasLevels(values, inputScale, weightScales);
  return { data: BigInt64Array.from(levels, (q) => BigInt(q)), scales };
}

/** Per-tensor quantization of a float constant that is read as an activation (e.g. ADD's operand). */
export function quantizeAsymmetric(values: Float32Array, params: QuantParams, type: ActivationType = 'int8'): Int8Array | Int16Array {
  const out = type === 'int16' ? new Int16Array(values.length) : new Int8Array(values.length);
  const [lo, hi] = type === 'int16' ? [-INT16_MAX - 1, INT16_MAX] : [INT8_MIN, INT8_MAX];
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAwayFromZero(values[i]! / params.scale) + params.zeroPoint;
    out[i] = Math.max(lo, Math.min(hi, q));
  }
  return out;
}
