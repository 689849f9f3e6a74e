// Hand-built models: small float and int8 graphs made with GraphBuilder, written with writeModel, run in the
// official LiteRT interpreter, and checked against values computed here with plain loops (float math for
// float models; for int8 models the integer accumulation and TFLite's fixed-point requantization).
import { describe, expect, it } from 'vitest';
import { assertOutputsClose, createRng, runLiteRt } from '@borde/test/harness';
import {
  ActivationFunctionType,
  GraphBuilder,
  Padding,
  summarize,
  writeModel,
  type DType,
  type Quantization,
} from '@borde/tflite';

/** The harness's tensor value (dtype, shape, typed-array data, name). */
type HarnessTensor = Parameters<typeof runLiteRt>[1][number];
type Shape = number[];
const Act = ActivationFunctionType;

// ---------------------------------------------------------------------------------------------------------
// Reference math (NHWC, row-major), written from the TFLite kernel definitions.

const size = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

interface Window {
  stride: number;
  padding: Padding;
  dilation?: number;
}

/** Output size and leading padding of one spatial dimension, as TFLite computes them. */
function spatial(inSize: number, kernel: number, w: Window): { out: number; pad: number } {
  const dilation = w.dilation ?? 1;
  const effective = (kernel - 1) * dilation + 1;
  if (w.padding === Padding.VALID) return { out: Math.floor((inSize - effective) / w.stride) + 1, pad: 0 };
  const out = Math.ceil(inSize / w.stride);
  const total = Math.max((out - 1) * w.stride + effective - inSize, 0);
  return { out, pad: Math.floor(total / 2) };
}

/**
 * Convolution accumulators: sum over the window of x * w (+ bias). Out-of-bounds positions contribute 0,
 * which for quantized inputs means the caller passes x - zeroPoint. Depthwise: filter [1, KH, KW, C * M].
 */
function convolve(
  x: ArrayLike<number>, xs: Shape, w: ArrayLike<number>, ws: Shape, bias: ArrayLike<number>,
  win: Window, depthwise: boolean,
): { acc: number[]; shape: Shape } {
  const [n, h, wd, c] = xs as [number, number, number, number];
  const [, kh, kw] = ws as [number, number, number, number];
  const outC = depthwise ? ws[3]! : ws[0]!;
  const multiplier = depthwise ? outC / c : 1;
  const dilation = win.dilation ?? 1;
  const sh = spatial(h, kh, win);
  const sw = spatial(wd, kw, win);
  const acc: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < sh.out; oy++) {
      for (let ox = 0; ox < sw.out; ox++) {
        for (let oc = 0; oc < outC; oc++) {
          let sum = bias[oc]!;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * win.stride - sh.pad + ky * dilation;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * win.stride - sw.pad + kx * dilation;
              if (ix < 0 || ix >= wd) continue;
              const base = ((b * h + iy) * wd + ix) * c;
              if (depthwise) {
                const ic = Math.floor(oc / multiplier);
                sum += x[base + ic]! * w[(ky * kw + kx) * outC + oc]!;
              } else {
                for (let ic = 0; ic < c; ic++) sum += x[base + ic]! * w[((oc * kh + ky) * kw + kx) * c + ic]!;
              }
            }
          }
          acc.push(sum);
        }
      }
    }
  }
  return { acc, shape: [n, sh.out, sw.out, outC] };
}

/** FULLY_CONNECTED accumulators: out[b][o] = sum_i x[b][i] * w[o][i] + bias[o]. */
function fullyConnected(x: ArrayLike<number>, batches: number, w: ArrayLike<number>, units: number, depth: number, bias: ArrayLike<number>): number[] {
  const acc: number[] = [];
  for (let b = 0; b < batches; b++) {
    for (let o = 0; o < units; o++) {
      let sum = bias[o]!;
      for (let i = 0; i < depth; i++) sum += x[b * depth + i]! * w[o * depth + i]!;
      acc.push(sum);
    }
  }
  return acc;
}

/** Pooling over valid positions only (TFLite's average divides by the count of in-bounds elements). */
function pool(x: ArrayLike<number>, xs: Shape, k: number, win: Window, reduce: (values: number[]) => number): { out: number[]; shape: Shape } {
  const [n, h, wd, c] = xs as [number, number, number, number];
  const sh = spatial(h, k, win);
  const sw = spatial(wd, k, win);
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < sh.out; oy++) {
      for (let ox = 0; ox < sw.out; ox++) {
        for (let ch = 0; ch < c; ch++) {
          const values: number[] = [];
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const iy = oy * win.stride - sh.pad + ky;
              const ix = ox * win.stride - sw.pad + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < wd) values.push(x[((b * h + iy) * wd + ix) * c + ch]!);
            }
          }
          out.push(reduce(values));
        }
      }
    }
  }
  return { out, shape: [n, sh.out, sw.out, c] };
}

const floatActivation = (act: ActivationFunctionType) => (v: number) =>
  act === Act.RELU ? Math.max(0, v) : act === Act.RELU6 ? Math.min(6, Math.max(0, v)) : v;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
function softmaxRows(x: readonly number[], depth: number, beta = 1): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / depth; r++) {
    const row = x.slice(r * depth, (r + 1) * depth);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(beta * (v - max)));
    const total = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / total));
  }
  return out;
}

// TFLite's fixed-point requantization (kernels/internal/quantization_util.cc and common.h).

/** QuantizeMultiplier: real multiplier -> (int32 fixed-point in [2^30, 2^31), power-of-two shift). */
function quantizeMultiplier(real: number): { multiplier: bigint; shift: number } {
  if (real === 0) return { multiplier: 0n, shift: 0 };
  let shift = Math.floor(Math.log2(real)) + 1;
  let fraction = real / 2 ** shift; // frexp: fraction in [0.5, 1)
  if (fraction >= 1) { fraction /= 2; shift++; }
  if (fraction < 0.5) { fraction *= 2; shift--; }
  let q = BigInt(Math.round(fraction * 2 ** 31));
  if (q === 1n << 31n) { q /= 2n; shift++; }
  if (shift < -31) return { multiplier: 0n, shift: 0 };
  return { multiplier: q, shift };
}

/** MultiplyByQuantizedMultiplier: SaturatingRoundingDoublingHighMul then RoundingDivideByPOT. */
function multiplyByQuantizedMultiplier(x: number, { multiplier, shift }: { multiplier: bigint; shift: number }): number {
  const left = Math.max(shift, 0);
  const right = Math.max(-shift, 0);
  const a = BigInt(x) * (1n << BigInt(left));
  const ab = a * multiplier;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  const high = (ab + nudge) / (1n << 31n); // BigInt division truncates toward zero, as C++ does
  if (right === 0) return Number(high);
  const mask = (1n << BigInt(right)) - 1n;
  const remainder = high & mask;
  const threshold = (mask >> 1n) + (high < 0n ? 1n : 0n);
  return Number((high >> BigInt(right)) + (remainder > threshold ? 1n : 0n));
}

const clampInt8 = (v: number, lo = -128, hi = 127) => Math.min(hi, Math.max(lo, v));

/** Output quantization covering `values` (and 0), as a calibrator would choose it. */
function quantizationFor(values: readonly number[]): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const scale = Math.fround((hi - lo) / 255 || 1e-3);
  return { scale, zeroPoint: clampInt8(Math.round(-128 - lo / scale)) };
}

const q = (scale: number | number[], zeroPoint: number | number[], quantizedDimension = 0): Quantization => {
  const scales = Array.isArray(scale) ? scale.map(Math.fround) : [Math.fround(scale)];
  const zeroPoints = Array.isArray(zeroPoint) ? zeroPoint : scales.map(() => zeroPoint as number);
  return { scale: scales, zeroPoint: zeroPoints, quantizedDimension };
};

// ---------------------------------------------------------------------------------------------------------
// Seeded data and running.

function randomFloats(rng: () => number, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());
}
function randomInts(rng: () => number, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => lo + Math.floor(rng() * (hi - lo + 1)));
}

/** Writes the builder's graph, runs it in LiteRT, and returns the outputs by name. */
async function run(b: GraphBuilder, inputs: HarnessTensor[]): Promise<Map<string, HarnessTensor>> {
  const bytes = writeModel(b.build());
  const outputs = await runLiteRt(bytes, inputs);
  return new Map(outputs.map((o) => [o.name!, o]));
}

function floatTensor(shape: Shape, values: ArrayLike<number>): HarnessTensor {
  return { dtype: 'float32', shape, data: Float32Array.from(values) };
}
function int8Tensor(shape: Shape, values: ArrayLike<number>): HarnessTensor {
  return { dtype: 'int8', shape, data: Int8Array.from(values) };
}

function expectClose(actual: HarnessTensor | undefined, expected: HarnessTensor, atol: number): void {
  expect(actual, 'output missing').toBeDefined();
  assertOutputsClose([actual!], [expected], { atol });
}

/** A one-input model: `x` in, outputs named out0, out1, ... (signature names sort in that order). */
function modelWith(dtype: DType, shape: Shape, quantization?: Quantization) {
  const b = new GraphBuilder();
  const x = b.input('in0', dtype, shape, quantization ? { quantization } : {});
  return {
    b,
    x,
    finish(...outputs: number[]) {
      b.output(...outputs);
      b.signature('serving_default', { in0: x }, Object.fromEntries(outputs.map((t, i) => [`out${i}`, t])));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

describe('hand-built float models in LiteRT', () => {
  const rng = createRng(20240601);

  it('FULLY_CONNECTED (with bias, RELU)', async () => {
    const [batches, depth, units] = [3, 6, 4];
    const x = randomFloats(rng, batches * depth);
    const w = randomFloats(rng, units * depth);
    const bias = randomFloats(rng, units);
    const m = modelWith('float32', [batches, depth]);
    const y = m.b.op('FULLY_CONNECTED', [m.x, m.b.constant('w', 'float32', [units, depth], w), m.b.constant('b', 'float32', [units], bias)],
      { optionsType: 'FullyConnectedOptions', options: { fusedActivationFunction: Act.RELU } },
      { name: 'out0', dtype: 'float32', shape: [batches, units] });
    m.finish(y);
    const out = await run(m.b, [floatTensor([batches, depth], x)]);
    const expected = fullyConnected(x, batches, w, units, depth, bias).map(floatActivation(Act.RELU));
    expectClose(out.get('out0'), floatTensor([batches, units], expected), 1e-5);
  });

  it('CONV_2D (SAME stride 2 with RELU6; VALID with dilation 2)', async () => {
    const xs = [1, 7, 7, 3];
    const ws = [4, 3, 3, 3];
    const x = randomFloats(rng, size(xs), -2, 2);
    const w = randomFloats(rng, size(ws));
    const bias = randomFloats(rng, 4);
    const m = modelWith('float32', xs);
    const wt = m.b.constant('w', 'float32', ws, w);
    const bt = m.b.constant('b', 'float32', [4], bias);
    const same = { stride: 2, padding: Padding.SAME };
    const valid = { stride: 1, padding: Padding.VALID, dilation: 2 };
    const r1 = convolve(x, xs, w, ws, bias, same, false);
    const r2 = convolve(x, xs, w, ws, bias, valid, false);
    const y1 = m.b.op('CONV_2D', [m.x, wt, bt], { optionsType: 'Conv2DOptions', options: { padding: Padding.SAME, strideW: 2, strideH: 2, fusedActivationFunction: Act.RELU6 } },
      { name: 'out0', dtype: 'float32', shape: r1.shape });
    const y2 = m.b.op('CONV_2D', [m.x, wt, bt], { optionsType: 'Conv2DOptions', options: { padding: Padding.VALID, strideW: 1, strideH: 1, dilationWFactor: 2, dilationHFactor: 2 } },
      { name: 'out1', dtype: 'float32', shape: r2.shape });
    m.finish(y1, y2);
    const out = await run(m.b, [floatTensor(xs, x)]);
    expect(r1.shape).toEqual([1, 4, 4, 4]);
    expect(r2.shape).toEqual([1, 3, 3, 4]);
    expectClose(out.get('out0'), floatTensor(r1.shape, r1.acc.map(floatActivation(Act.RELU6))), 1e-5);
    expectClose(out.get('out1'), floatTensor(r2.shape, r2.acc), 1e-5);
  });

  it('DEPTHWISE_CONV_2D (multiplier 2, SAME, RELU; dilation 2 writes version 2)', async () => {
    const xs = [1, 6, 6, 2];
    const ws = [1, 3, 3, 4];
    const x = randomFloats(rng, size(xs));
    const w = randomFloats(rng, size(ws));
    const bias = randomFloats(rng, 4);
    const m = modelWith('float32', xs);
    const wt = m.b.constant('w', 'float32', ws, w);
    const bt = m.b.constant('b', 'float32', [4], bias);
    const r1 = convolve(x, xs, w, ws, bias, { stride: 1, padding: Padding.SAME }, true);
    const r2 = convolve(x, xs, w, ws, bias, { stride: 2, padding: Padding.SAME, dilation: 2 }, true);
    const dw = (dilation: number, stride: number, act: ActivationFunctionType) => ({
      optionsType: 'DepthwiseConv2DOptions',
      options: { padding: Padding.SAME, strideW: stride, strideH: stride, depthMultiplier: 2, dilationWFactor: dilation, dilationHFactor: dilation, fusedActivationFunction: act },
    });
    const y1 = m.b.op('DEPTHWISE_CONV_2D', [m.x, wt, bt], dw(1, 1, Act.RELU), { name: 'out0', dtype: 'float32', shape: r1.shape });
    const y2 = m.b.op('DEPTHWISE_CONV_2D', [m.x, wt, bt], dw(2, 2, Act.NONE), { name: 'out1', dtype: 'float32', shape: r2.shape });
    m.finish(y1, y2);
    expect(summarize(m.b.build()).operators.map((o) => o.version)).toEqual([1, 2]);
    const out = await run(m.b, [floatTensor(xs, x)]);
    expectClose(out.get('out0'), floatTensor(r1.shape, r1.acc.map(floatActivation(Act.RELU))), 1e-5);
    expectClose(out.get('out1'), floatTensor(r2.shape, r2.acc), 1e-5);
  });

  it('MAX_POOL_2D and AVERAGE_POOL_2D (VALID 2x2 stride 2; SAME 3x3 stride 1)', async () => {
    const xs = [1, 6, 6, 3];
    const x = randomFloats(rng, size(xs));
    const m = modelWith('float32', xs);
    const maxRef = pool(x, xs, 2, { stride: 2, padding: Padding.VALID }, (v) => Math.max(...v));
    const avgRef = pool(x, xs, 3, { stride: 1, padding: Padding.SAME }, (v) => v.reduce((a, b) => a + b, 0) / v.length);
    const poolOptions = (k: number, stride: number, padding: Padding) => ({
      optionsType: 'Pool2DOptions', options: { padding, strideW: stride, strideH: stride, filterWidth: k, filterHeight: k },
    });
    const y1 = m.b.op('MAX_POOL_2D', [m.x], poolOptions(2, 2, Padding.VALID), { name: 'out0', dtype: 'float32', shape: maxRef.shape });
    const y2 = m.b.op('AVERAGE_POOL_2D', [m.x], poolOptions(3, 1, Padding.SAME), { name: 'out1', dtype: 'float32', shape: avgRef.shape });
    m.finish(y1, y2);
    const out = await run(m.b, [floatTensor(xs, x)]);
    expectClose(out.get('out0'), floatTensor(maxRef.shape, maxRef.out), 0);
    expectClose(out.get('out1'), floatTensor(avgRef.shape, avgRef.out), 1e-6);
  });

  it('RESHAPE then SOFTMAX (beta 1.5) and LOGISTIC', async () => {
    const x = randomFloats(rng, 12, -3, 3);
    const m = modelWith('float32', [1, 12]);
    const shape = m.b.constant('shape', 'int32', [2], [3, 4]);
    const r = m.b.op('RESHAPE', [m.x, shape], { optionsType: 'ReshapeOptions', options: { newShape: [3, 4] } },
      { name: 'reshaped', dtype: 'float32', shape: [3, 4] });
    const s = m.b.op('SOFTMAX', [r], { optionsType: 'SoftmaxOptions', options: { beta: 1.5 } }, { name: 'out0', dtype: 'float32', shape: [3, 4] });
    const l = m.b.op('LOGISTIC', [r], undefined, { name: 'out1', dtype: 'float32', shape: [3, 4] });
    m.finish(s, l);
    const out = await run(m.b, [floatTensor([1, 12], x)]);
    expectClose(out.get('out0'), floatTensor([3, 4], softmaxRows(Array.from(x), 4, 1.5)), 1e-6);
    expectClose(out.get('out1'), floatTensor([3, 4], Array.from(x, sigmoid)), 1e-6);
  });
});

describe('hand-built int8 models in LiteRT (within 1 quantization step of the TFLite integer arithmetic)', () => {
  const rng = createRng(7);
  const inQ = { scale: Math.fround(0.05), zeroPoint: 3 };

  it('FULLY_CONNECTED (per-tensor int8 weights, int32 bias)', async () => {
    const [batches, depth, units] = [2, 16, 5];
    const x = randomInts(rng, batches * depth, -128, 127);
    const w = randomInts(rng, units * depth, -127, 127);
    const bias = randomInts(rng, units, -300, 300);
    const sw = Math.fround(0.02);
    const acc = fullyConnected(x.map((v) => v - inQ.zeroPoint), batches, w, units, depth, bias);
    const outQ = quantizationFor(acc.map((a) => a * inQ.scale * sw));
    const multiplier = quantizeMultiplier((inQ.scale * sw) / outQ.scale);
    const expected = acc.map((a) => clampInt8(multiplyByQuantizedMultiplier(a, multiplier) + outQ.zeroPoint));

    const m = modelWith('int8', [batches, depth], q(inQ.scale, inQ.zeroPoint));
    const wt = m.b.constant('w', 'int8', [units, depth], Int8Array.from(w), { quantization: q(sw, 0) });
    const bt = m.b.constant('b', 'int32', [units], Int32Array.from(bias), { quantization: q(inQ.scale * sw, 0) });
    const y = m.b.op('FULLY_CONNECTED', [m.x, wt, bt], { optionsType: 'FullyConnectedOptions', options: {} },
      { name: 'out0', dtype: 'int8', shape: [batches, units], quantization: q(outQ.scale, outQ.zeroPoint) });
    m.finish(y);
    expect(summarize(m.b.build()).operators[0]!.version).toBe(4);
    const out = await run(m.b, [int8Tensor([batches, depth], x)]);
    expectClose(out.get('out0'), int8Tensor([batches, units], expected), 1);
  });

  it('CONV_2D and DEPTHWISE_CONV_2D (per-channel int8 weights)', async () => {
    const xs = [1, 6, 6, 3];
    const x = randomInts(rng, size(xs), -128, 127);
    const xc = x.map((v) => v - inQ.zeroPoint);

    const cs = [4, 3, 3, 3];
    const cw = randomInts(rng, size(cs), -127, 127);
    const cScales = [0.01, 0.02, 0.015, 0.03].map(Math.fround);
    const cBias = randomInts(rng, 4, -1000, 1000);
    const conv = convolve(xc, xs, cw, cs, cBias, { stride: 2, padding: Padding.SAME }, false);

    const ds = [1, 3, 3, 6];
    const dw = randomInts(rng, size(ds), -127, 127);
    const dScales = [0.01, 0.02, 0.03, 0.01, 0.02, 0.03].map(Math.fround);
    const dBias = randomInts(rng, 6, -500, 500);
    const depth = convolve(xc, xs, dw, ds, dBias, { stride: 1, padding: Padding.VALID }, true);

    const requantize = (acc: number[], scales: number[], channels: number) => {
      const outQ = quantizationFor(acc.map((a, i) => a * inQ.scale * scales[i % channels]!));
      const multipliers = scales.map((s) => quantizeMultiplier((inQ.scale * s) / outQ.scale));
      const values = acc.map((a, i) => clampInt8(multiplyByQuantizedMultiplier(a, multipliers[i % channels]!) + outQ.zeroPoint));
      return { outQ, values };
    };
    const convOut = requantize(conv.acc, cScales, 4);
    const depthOut = requantize(depth.acc, dScales, 6);

    const m = modelWith('int8', xs, q(inQ.scale, inQ.zeroPoint));
    const cwT = m.b.constant('cw', 'int8', cs, Int8Array.from(cw), { quantization: q(cScales, 0, 0) });
    const cbT = m.b.constant('cb', 'int32', [4], Int32Array.from(cBias), { quantization: q(cScales.map((s) => inQ.scale * s), 0, 0) });
    const dwT = m.b.constant('dw', 'int8', ds, Int8Array.from(dw), { quantization: q(dScales, 0, 3) });
    const dbT = m.b.constant('db', 'int32', [6], Int32Array.from(dBias), { quantization: q(dScales.map((s) => inQ.scale * s), 0, 0) });
    const y1 = m.b.op('CONV_2D', [m.x, cwT, cbT], { optionsType: 'Conv2DOptions', options: { padding: Padding.SAME, strideW: 2, strideH: 2 } },
      { name: 'out0', dtype: 'int8', shape: conv.shape, quantization: q(convOut.outQ.scale, convOut.outQ.zeroPoint) });
    const y2 = m.b.op('DEPTHWISE_CONV_2D', [m.x, dwT, dbT],
      { optionsType: 'DepthwiseConv2DOptions', options: { padding: Padding.VALID, strideW: 1, strideH: 1, depthMultiplier: 2 } },
      { name: 'out1', dtype: 'int8', shape: depth.shape, quantization: q(depthOut.outQ.scale, depthOut.outQ.zeroPoint) });
    m.finish(y1, y2);
    expect(summarize(m.b.build()).operators.map((o) => o.version)).toEqual([3, 3]);
    const out = await run(m.b, [int8Tensor(xs, x)]);
    expectClose(out.get('out0'), int8Tensor(conv.shape, convOut.values), 1);
    expectClose(out.get('out1'), int8Tensor(depth.shape, depthOut.values), 1);
  });

  it('MAX_POOL_2D and AVERAGE_POOL_2D (output shares the input quantization)', async () => {
    const xs = [1, 5, 5, 2];
    const x = randomInts(rng, size(xs), -128, 127);
    const maxRef = pool(x, xs, 2, { stride: 2, padding: Padding.VALID }, (v) => Math.max(...v));
    // reference_integer_ops::AveragePool: (sum +/- count/2) / count, rounding half away from zero.
    const avgRef = pool(x, xs, 3, { stride: 2, padding: Padding.SAME }, (v) => {
      const sum = v.reduce((a, b) => a + b, 0);
      const half = Math.trunc(v.length / 2);
      return clampInt8(Math.trunc((sum + (sum > 0 ? half : -half)) / v.length));
    });
    const m = modelWith('int8', xs, q(inQ.scale, inQ.zeroPoint));
    const poolOptions = (k: number, stride: number, padding: Padding) => ({
      optionsType: 'Pool2DOptions', options: { padding, strideW: stride, strideH: stride, filterWidth: k, filterHeight: k },
    });
    const shared = q(inQ.scale, inQ.zeroPoint);
    const y1 = m.b.op('MAX_POOL_2D', [m.x], poolOptions(2, 2, Padding.VALID), { name: 'out0', dtype: 'int8', shape: maxRef.shape, quantization: shared });
    const y2 = m.b.op('AVERAGE_POOL_2D', [m.x], poolOptions(3, 2, Padding.SAME), { name: 'out1', dtype: 'int8', shape: avgRef.shape, quantization: shared });
    m.finish(y1, y2);
    const out = await run(m.b, [int8Tensor(xs, x)]);
    expectClose(out.get('out0'), int8Tensor(maxRef.shape, maxRef.out), 0);
    expectClose(out.get('out1'), int8Tensor(avgRef.shape, avgRef.out), 1);
  });

  it('RESHAPE then SOFTMAX and LOGISTIC (outputs at scale 1/256, zero point -128)', async () => {
    const x = randomInts(rng, 12, -128, 127);
    const xQ = { scale: Math.fround(0.04), zeroPoint: -5 };
    const real = x.map((v) => (v - xQ.zeroPoint) * xQ.scale);
    const probQ = q(1 / 256, -128);
    const toProb = (p: number) => clampInt8(Math.round(p * 256) - 128);

    const m = modelWith('int8', [1, 12], q(xQ.scale, xQ.zeroPoint));
    const shape = m.b.constant('shape', 'int32', [2], [3, 4]);
    const r = m.b.op('RESHAPE', [m.x, shape], { optionsType: 'ReshapeOptions', options: { newShape: [3, 4] } },
      { name: 'out2', dtype: 'int8', shape: [3, 4], quantization: q(xQ.scale, xQ.zeroPoint) });
    const s = m.b.op('SOFTMAX', [r], { optionsType: 'SoftmaxOptions', options: { beta: 1 } }, { name: 'out0', dtype: 'int8', shape: [3, 4], quantization: probQ });
    const l = m.b.op('LOGISTIC', [r], undefined, { name: 'out1', dtype: 'int8', shape: [3, 4], quantization: probQ });
    m.finish(s, l, r);
    expect(summarize(m.b.build()).operators.map((o) => `${o.opcode}/${o.version}`)).toEqual(['RESHAPE/1', 'SOFTMAX/2', 'LOGISTIC/2']);
    const out = await run(m.b, [int8Tensor([1, 12], x)]);
    expectClose(out.get('out2'), int8Tensor([3, 4], x), 0);
    expectClose(out.get('out0'), int8Tensor([3, 4], softmaxRows(real, 4).map(toProb)), 1);
    expectClose(out.get('out1'), int8Tensor([3, 4], real.map((v) => toProb(sigmoid(v)))), 1);
  });
});
