import type { DType } from '../dtypes.js';
import type { Tensor } from '../graph.js';
import type { OpCheck } from './check.js';

/** Range of the stored integers of each quantized type. */
const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], int32: [-0x80000000, 0x7fffffff],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], int4: [-8, 7], uint4: [0, 15], uint16: [0, 65535],
};

/** Largest float32 value; a dequantized value beyond it is Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The tensor carries scales (quantized). */
export function isQuantized(t: Tensor | undefined): boolean {
  return (t?.quantization?.scale.length ?? 0) > 0;
}

export function scales(t: Tensor): number[] {
  return t.quantization?.scale ?? [];
}

/**
 * Rules every quantized integer tensor obeys, whatever reads it: each scale positive and finite, every
 * dequantized value a finite float32, zero points inside the stored type's range. `fail` reports at the
 * first operator that touches the tensor.
 */
export function checkTensorQuantization(check: OpCheck, t: Tensor): void {
  const q = t.quantization;
  if (!q || q.scale.length === 0) return;
  const range = INT_RANGE[t.dtype];
  if (!range) return; // float tensors may carry recorded ranges; nothing reads them as integers
  const [lo, hi] = range;
  q.scale.forEach((scale, c) => {
    if (!(scale > 0) || !Number.isFinite(scale)) {
      check.fail('quantization.scale', `tensor '${t.name}' scale[${c}] is ${scale}; a scale must be positive and finite`, { tensor: t.name, channel: c, scale });
    }
    const zeroPoint = q.zeroPoint[c] ?? 0;
    if (zeroPoint < lo || zeroPoint > hi) {
      check.fail('quantization.zero-point', `tensor '${t.name}' zero point[${c}] is ${zeroPoint}, outside the ${t.dtype} range ${lo}..${hi}`, { tensor: t.name, channel: c, zeroPoint, dtype: t.dtype });
    }
    // TFLite's int16x8 mode: int16 activations are symmetric; the kernels check it and assume it.
    if (t.dtype === 'int16' && zeroPoint !== 0) {
      check.fail('quantization.symmetric', `int16 tensor '${t.name}' zero point[${c}] is ${zeroPoint}; int16 quantization is symmetric (0)`, { tensor: t.name, channel: c, zeroPoint });
    }
    const extent = Math.max(Math.abs(hi - zeroPoint), Math.abs(lo - zeroPoint)) * scale;
    if (!(extent < FLOAT32_MAX) || (t.dtype !== 'int32' && t.dtype !== 'int64' && scale < 1e-30)) {
      check.fail('quantization.scale', `tensor '${t.name}' scale[${c}] ${scale} gives dequantized values that float32 cannot hold`, { tensor: t.name, channel: c, scale });
    }
  });
}

/** The tensor is quantized per tensor or per channel along `axis` (one scale per channel). */
export function checkQuantizedAxis(check: OpCheck, t: Tensor, axis: number, what: string): void {
  const n = scales(t).length;
  if (n <= 1) return;
  const q = t.quantization!;
  if (q.quantizedDimension !== axis || n !== t.shape[axis]) {
    check.fail('quantization.per-channel', `${what} '${t.name}' has ${n} scales along dimension ${q.quantizedDimension}; ${check.opcode} needs one scale, or one per channel along dimension ${axis} (${t.shape[axis]})`, { tensor: t.name, scales: n, quantizedDimension: q.quantizedDimension, axis });
  }
}

/** Symmetric quantization: every zero point 0 (int8 weights, int16 activations, int32/int64 biases). */
export function checkSymmetric(check: OpCheck, t: Tensor, what: string): void {
  const zeroPoints = t.quantization?.zeroPoint ?? [];
  const bad = zeroPoints.findIndex((z) => z !== 0);
  if (bad >= 0) {
    check.fail('quantization.symmetric', `${what} '${t.name}' zero point[${bad}] is ${zeroPoints[bad]}; ${check.opcode} needs 0 here`, { tensor: t.name, channel: bad, zeroPoint: zeroPoints[bad] });
  }
}

/** Input and output of a quantized op must both carry quantization. */
export function requireQuantized(check: OpCheck, t: Tensor, what: string): void {
  if (!isQuantized(t)) check.fail('quantization.missing', `${what} '${t.name}' is ${t.dtype} without scale and zero point`, { tensor: t.name, dtype: t.dtype });
}

/** The output keeps the input's scale and zero point (ops that move values without rescaling). */
export function checkSameQuantization(check: OpCheck, input: Tensor, output: Tensor): void {
  if (!QUANT_INT.has(input.dtype) || !isQuantized(input) || !isQuantized(output)) return;
  const a = input.quantization!;
  const b = output.quantization!;
  if (!close(a.scale[0]!, b.scale[0]!) || a.zeroPoint[0] !== b.zeroPoint[0]) {
    check.fail('quantization.same-as-input', `output '${output.name}' (scale ${b.scale[0]}, zero point ${b.zeroPoint[0]}) must keep input '${input.name}''s scale ${a.scale[0]} and zero point ${a.zeroPoint[0]}`, { input: [a.scale[0], a.zeroPoint[0]], output: [b.scale[0], b.zeroPoint[0]] });
  }
}

/** The kernel's fixed output quantization (SOFTMAX/LOGISTIC 1/256, TANH 1/128, ...). */
export function checkFixedOutput(check: OpCheck, output: Tensor, fixed: Partial<Record<DType, [number, number]>>): void {
  const want = fixed[output.dtype];
  if (!want || !isQuantized(output)) return;
  const q = output.quantization!;
  if (!close(q.scale[0]!, want[0]) || q.zeroPoint[0] !== want[1]) {
    check.fail('quantization.fixed-output', `${output.dtype} output '${output.name}' has scale ${q.scale[0]}, zero point ${q.zeroPoint[0]}; ${check.opcode} needs scale ${want[0]}, zero point ${want[1]}`, { scale: q.scale[0], zeroPoint: q.zeroPoint[0], expected: want });
  }
}

/**
 * The bias of an integer convolution or fully connected layer: int32 (int8 activations) or int64/int32
 * (int16 activations), zero point 0, scale[c] = input scale * weight scale[c] (TFLite's kernels take the
 * bias as already in that scale; a different one silently shifts every output).
 */
export function checkBiasScale(check: OpCheck, input: Tensor, weights: Tensor, bias: Tensor | undefined): void {
  if (!bias) return;
  const int16 = input.dtype === 'int16';
  check.dtype(bias, int16 ? ['int64', 'int32'] : ['int32'], 'bias');
  if (!isQuantized(bias)) return; // kernels derive the bias scale themselves
  checkSymmetric(check, bias, 'bias');
  const inputScale = scales(input)[0]!;
  const weightScales = scales(weights);
  const biasScales = scales(bias);
  biasScales.forEach((s, c) => {
    const w = weightScales[weightScales.length === 1 ? 0 : c] ?? weightScales[0]!;
    const expected = inputScale * w;
    // TFLite's GetQuantizedConvolutionMultipler allows 1e-6 relative; float32 storage of each factor adds a little.
    if (Math.abs(s - expected) > 1e-5 * expected) {
      check.fail('quantization.bias-scale', `bias '${bias.name}' scale[${c}] is ${s}; it must be input scale ${inputScale} x weight scale ${w} = ${expected}`, { channel: c, biasScale: s, inputScale, weightScale: w, expected });
    }
  });
}

const QUANT_INT = new Set<DType>(['int8', 'uint8', 'int16']);

/** 2^-31 and 2^31: the range a requantization multiplier (int32 significand and shift) can express. */
const MIN_MULTIPLIER = 2 ** -31;
const MAX_MULTIPLIER = 2 ** 31;

/**
 * Integer kernels rescale with a fixed-point multiplier (significand and shift) computed at prepare; some
 * abort the process when it is out of range (QuantizeMultiplierSmallerThanOneExp's checks, found when the
 * semantic fuzz set an activation's scale to 1e30). Every quantized integer input must be within 2^31 of the
 * output's scale, and ADD/SUB need 2 max(input scales) / (2^left_shift output scale) < 1 (left shift 20 for
 * 8-bit, 15 for int16), as TFLite's add.cc computes.
 */
export function checkRescale(check: OpCheck, inputs: readonly (Tensor | undefined)[], output: Tensor): void {
  if (!QUANT_INT.has(output.dtype) || !isQuantized(output)) return;
  const out = output.quantization!.scale[0]!;
  for (const t of inputs) {
    if (!t || !QUANT_INT.has(t.dtype) || !isQuantized(t) || t.data) continue;
    const ratio = t.quantization!.scale[0]! / out;
    if (!(ratio >= MIN_MULTIPLIER && ratio < MAX_MULTIPLIER)) {
      check.fail('quantization.rescale', `input '${t.name}' scale ${t.quantization!.scale[0]} and output '${output.name}' scale ${out} differ by ${ratio}, beyond what an integer kernel can rescale (2^-31..2^31)`, { input: t.quantization!.scale[0], output: out, ratio });
    }
  }
  if (check.op.opcode === 'ADD' || check.op.opcode === 'SUB') {
    const scalesIn = inputs.filter((t): t is Tensor => !!t && isQuantized(t)).map((t) => t.quantization!.scale[0]!);
    const leftShift = output.dtype === 'int16' ? 15 : 20;
    const multiplier = (2 * Math.max(...scalesIn)) / (2 ** leftShift * out);
    if (scalesIn.length > 0 && !(multiplier < 1)) {
      check.fail('quantization.rescale', `output scale ${out} is too small for inputs of scale ${Math.max(...scalesIn)}: the ${check.op.opcode} kernel needs 2 x ${Math.max(...scalesIn)} / (2^${leftShift} x ${out}) < 1`, { inputs: scalesIn, output: out, multiplier });
    }
  }
}

/** The per-channel multiplier of an integer convolution or fully connected layer: input x weight / output. */
export function checkWeightedRescale(check: OpCheck, input: Tensor, weights: Tensor, output: Tensor): void {
  const out = scales(output)[0];
  const inScale = scales(input)[0];
  if (out === undefined || inScale === undefined) return;
  scales(weights).forEach((w, c) => {
    const m = (inScale * w) / out;
    if (!(m >= MIN_MULTIPLIER && m < MAX_MULTIPLIER)) {
      check.fail('quantization.rescale', `channel ${c}: input scale ${inScale} x weight scale ${w} / output scale ${out} = ${m}, beyond what an integer kernel can rescale (2^-31..2^31)`, { channel: c, input: inScale, weight: w, output: out, multiplier: m });
    }
  });
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}
