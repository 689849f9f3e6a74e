import type { Tensor } from '../../graph.js';
import { windowOutSize, type OpCheck } from '../check.js';
import { checkBiasScale, checkQuantizedAxis, checkWeightedRescale, checkSameQuantization, checkSymmetric, isQuantized, requireQuantized } from '../quantization.js';
import type { RuleTable } from './types.js';

/** Largest stride or dilation accepted: far above any real model, small enough that no index overflows. */
const MAX_STEP = 1 << 16;

/**
 * The dtype combinations a weighted op runs with: float; hybrid (float activations, int8 weights); int8
 * (int8 activations, int8/int4 weights, int32 bias); int16x8 (int16 activations, int8 weights, int64 or
 * int32 bias). Checks the quantization rules of the integer modes, weights per tensor or along `weightAxis`.
 */
function checkWeightedTypes(c: OpCheck, x: Tensor, w: Tensor, bias: Tensor | undefined, y: Tensor, weightAxis: number): void {
  c.dtype(x, ['float32', 'int8', 'uint8', 'int16'], 'input');
  if (x.dtype === 'float32') {
    // float16 weights reach float kernels through DEQUANTIZE; read directly, LiteRT takes their bits as
    // float32 (NaN outputs, found by the semantic fuzz).
    c.dtype(w, ['float32', 'int8'], 'weights');
    c.dtype(y, ['float32'], 'output');
    if (bias) c.dtype(bias, ['float32'], 'bias');
    if (w.dtype === 'int8') {
      requireQuantized(c, w, 'weights');
      checkQuantizedAxis(c, w, weightAxis, 'weights');
    }
    checkFinite(c, w, 'weights');
    if (bias) checkFinite(c, bias, 'bias');
    return;
  }
  // Integer activations: input and output of the same type, all quantized.
  c.sameDtype(x, y, 'input and output');
  c.dtype(w, x.dtype === 'uint8' ? ['uint8'] : ['int8', 'int4'], 'weights');
  requireQuantized(c, x, 'input');
  requireQuantized(c, w, 'weights');
  requireQuantized(c, y, 'output');
  checkQuantizedAxis(c, w, weightAxis, 'weights');
  if (x.dtype !== 'uint8') checkSymmetric(c, w, 'weights');
  if (x.dtype === 'int16') {
    checkSymmetric(c, x, 'input');
    checkSymmetric(c, y, 'output');
  }
  checkBiasScale(c, x, w, bias);
  checkWeightedRescale(c, x, w, y);
}

/** Constant float data holds no NaN or Infinity (no trained weight is either; they poison every output). */
function checkFinite(c: OpCheck, t: Tensor, what: string): void {
  const values = c.floats(t);
  if (!values) return;
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) c.fail('data.finite', `${what} '${t.name}' holds ${values[bad]} at element ${bad}`, { tensor: t.name, element: bad, value: values[bad] });
}

/** A pair of step options (stride, dilation, window), each an integer in 1..MAX_STEP. */
function steps(c: OpCheck, names: [string, string], fallback: number): [number, number] {
  return [c.intOption(names[0], fallback, 1, MAX_STEP), c.intOption(names[1], fallback, 1, MAX_STEP)];
}

/**
 * Strides and dilations both above 1 along one axis: TensorFlow/Keras refuse to build it and tfjs cannot run
 * it, so no model Borde imports has it; refused rather than run by one engine and failing in another.
 */
function stridesOrDilations(c: OpCheck, stride: [number, number], dilation: [number, number]): void {
  if ((stride[0] > 1 || stride[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    c.fail('options.dilation', `strides ${stride.join('x')} with dilations ${dilation.join('x')}: strides or dilations must be 1`, { stride, dilation });
  }
}

function bias1d(c: OpCheck, bias: Tensor | undefined, channels: number): void {
  if (!bias) return;
  if (bias.shape.length !== 1 || bias.shape[0] !== channels) {
    c.fail('shape.bias', `bias '${bias.name}' is [${bias.shape.join(', ')}]; it needs one value per output channel ([${channels}])`, { bias: bias.shape, channels });
  }
}

function outSize(c: OpCheck, padding: 'same' | 'valid', size: number, k: number, stride: number, dilation: number, axis: string): number {
  const n = windowOutSize(padding, size, k, stride, dilation);
  if (n < 0 || (n === 0 && size > 0)) {
    c.fail('shape.window', `the ${axis} window (${k}, dilation ${dilation}) is larger than the ${axis} input ${size} with VALID padding`, { input: size, filter: k, stride, dilation });
  }
  return n;
}

/**
 * CONV_2D takes a bias: the schema calls it optional, but LiteRT returns garbage (denormals, NaN) without one,
 * with 2 inputs or an omitted (-1) third (found by the semantic fuzz, checked on hand-built models), and the
 * TFLite converter always writes one (zeros when the layer has none).
 */
const conv2d = (c: OpCheck): void => {
  c.inputs(3);
  c.outputs(1);
  const [x, w, bias, y] = [c.in(0), c.in(1), c.in(2), c.out(0)];
  c.rank(x, 4, 'input');
  c.rank(w, 4, 'weights');
  const padding = c.padding();
  const [sh, sw] = steps(c, ['strideH', 'strideW'], 0);
  const [dh, dw] = steps(c, ['dilationHFactor', 'dilationWFactor'], 1);
  stridesOrDilations(c, [sh, sw], [dh, dw]);
  c.activation();
  const [n, h, wd, cin] = x.shape as [number, number, number, number];
  const [cout, kh, kw, kin] = w.shape as [number, number, number, number];
  if (kin <= 0 || cin % kin !== 0 || cout % (cin / kin || 1) !== 0) {
    c.fail('shape.channels', `input has ${cin} channels but weights [${w.shape.join(', ')}] take ${kin} per group`, { inputChannels: cin, weights: w.shape });
  }
  bias1d(c, bias, cout);
  checkWeightedTypes(c, x, w, bias, y, 0);
  c.shape(y, [n, outSize(c, padding, h, kh, sh, dh, 'height'), outSize(c, padding, wd, kw, sw, dw, 'width'), cout], 'output');
};

/** DEPTHWISE_CONV_2D: 2 inputs, or 3 with a real bias (LiteRT outputs zeros for an omitted -1 bias). */
const depthwise = (c: OpCheck): void => {
  c.inputs(2, 3);
  c.outputs(1);
  const [x, w, bias, y] = [c.in(0), c.in(1), c.op.inputs.length === 3 ? c.in(2) : undefined, c.out(0)];
  c.rank(x, 4, 'input');
  c.rank(w, 4, 'weights');
  const padding = c.padding();
  const [sh, sw] = steps(c, ['strideH', 'strideW'], 0);
  const [dh, dw] = steps(c, ['dilationHFactor', 'dilationWFactor'], 1);
  stridesOrDilations(c, [sh, sw], [dh, dw]);
  c.intOption('depthMultiplier', 0, 0);
  c.activation();
  const [n, h, wd, cin] = x.shape as [number, number, number, number];
  const [one, kh, kw, cout] = w.shape as [number, number, number, number];
  if (one !== 1 || cin === 0 || cout % cin !== 0) {
    c.fail('shape.channels', `weights [${w.shape.join(', ')}] must be [1, h, w, channels x multiplier] for an input of ${cin} channels`, { inputChannels: cin, weights: w.shape });
  }
  bias1d(c, bias, cout);
  checkWeightedTypes(c, x, w, bias, y, 3);
  c.shape(y, [n, outSize(c, padding, h, kh, sh, dh, 'height'), outSize(c, padding, wd, kw, sw, dw, 'width'), cout], 'output');
};

/**
 * The input size a transposed convolution's output maps back to, as TensorFlow requires
 * (conv2d_backprop_input: the forward convolution of the output has the input's size).
 */
function transposedFits(padding: 'same' | 'valid', out: number, input: number, k: number, stride: number): boolean {
  return windowOutSize(padding, out, k, stride) === input;
}

const transposeConv = (c: OpCheck): void => {
  c.inputs(3, 4);
  c.outputs(1);
  const [outputShape, w, x, bias, y] = [c.in(0), c.in(1), c.in(2), c.optIn(3), c.out(0)];
  c.dtype(outputShape, ['int32'], 'output shape');
  c.rank(outputShape, 1, 'output shape');
  c.rank(x, 4, 'input');
  c.rank(w, 4, 'weights');
  const padding = c.padding();
  const [sh, sw] = steps(c, ['strideH', 'strideW'], 0);
  c.activation();
  const [n, h, wd, cin] = x.shape as [number, number, number, number];
  const [cout, kh, kw, kin] = w.shape as [number, number, number, number];
  if (kin !== cin) c.fail('shape.channels', `input has ${cin} channels but weights [${w.shape.join(', ')}] take ${kin}`, { inputChannels: cin, weights: w.shape });
  bias1d(c, bias, cout);
  checkWeightedTypes(c, x, w, bias, y, 0);
  const dims = c.ints(outputShape);
  if (dims) {
    if (dims.length !== 4 || dims[0] !== n || dims[3] !== cout || dims.some((d) => d < 0)) {
      c.fail('shape.output-shape', `output shape [${dims.join(', ')}] does not fit batch ${n} and ${cout} output channels`, { outputShape: dims });
    }
    c.size(dims, 'output');
    if (!transposedFits(padding, dims[1]!, h, kh, sh) || !transposedFits(padding, dims[2]!, wd, kw, sw)) {
      c.fail('shape.output-shape', `output shape [${dims.join(', ')}] does not map back to the input [${x.shape.join(', ')}] with kernel ${kh}x${kw}, stride ${sh}x${sw}, ${padding.toUpperCase()} padding`, { outputShape: dims, input: x.shape, kernel: [kh, kw], stride: [sh, sw] });
    }
    c.shape(y, dims, 'output');
  } else {
    c.rank(y, 4, 'output');
    c.size(y.shape, 'output');
  }
};

/** MediaPipe's custom transposed convolution: (input, weights OHWI, bias); options: int32 padding, stride_w, stride_h. */
const convolution2dTransposeBias = (c: OpCheck): void => {
  c.inputs(3);
  c.outputs(1);
  const [x, w, bias, y] = [c.in(0), c.in(1), c.in(2), c.out(0)];
  c.rank(x, 4, 'input');
  c.rank(w, 4, 'weights');
  const custom = c.op.customOptions;
  if (!custom || custom.byteLength < 12) c.fail('options.custom', 'custom options must hold padding, stride_w, stride_h (12 bytes)', { bytes: custom?.byteLength ?? 0 });
  const view = new DataView(custom.buffer, custom.byteOffset, custom.byteLength);
  const [pad, sw, sh] = [view.getInt32(0, true), view.getInt32(4, true), view.getInt32(8, true)];
  if (pad !== 1 && pad !== 2) c.fail('options.padding', `padding ${pad} is neither SAME (1) nor VALID (2)`, { value: pad });
  for (const [name, s] of [['stride_w', sw], ['stride_h', sh]] as const) {
    if (s < 1 || s > MAX_STEP) c.fail('options.stride', `${name} is ${s}; it must be in 1..${MAX_STEP}`, { option: name, value: s });
  }
  c.dtype(x, ['float32'], 'input');
  c.dtype(w, ['float32'], 'weights');
  c.dtype(bias, ['float32'], 'bias');
  c.dtype(y, ['float32'], 'output');
  checkFinite(c, w, 'weights');
  checkFinite(c, bias, 'bias');
  const [n, h, wd, cin] = x.shape as [number, number, number, number];
  const [cout, kh, kw, kin] = w.shape as [number, number, number, number];
  if (kin !== cin) c.fail('shape.channels', `input has ${cin} channels but weights [${w.shape.join(', ')}] take ${kin}`, { inputChannels: cin, weights: w.shape });
  bias1d(c, bias, cout);
  const size = (inSize: number, s: number, k: number) => s * (inSize - 1) + k - (pad === 1 ? Math.max(0, k - ((inSize - 1) % s) - 1) : 0);
  c.shape(y, [n, size(h, sh, kh), size(wd, sw, kw), cout], 'output');
};

const pool = (c: OpCheck): void => {
  c.inputs(1);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  c.rank(x, 4, 'input');
  c.dtype(x, ['float32', 'int8', 'uint8', 'int16'], 'input');
  c.sameDtype(x, y, 'input and output');
  const padding = c.padding();
  const [sh, sw] = steps(c, ['strideH', 'strideW'], 0);
  const [fh, fw] = steps(c, ['filterHeight', 'filterWidth'], 0);
  c.activation();
  if (x.dtype !== 'float32') {
    requireQuantized(c, x, 'input');
    requireQuantized(c, y, 'output');
    if (c.op.opcode !== 'L2_POOL_2D') checkSameQuantization(c, x, y);
  }
  const [n, h, wd, ch] = x.shape as [number, number, number, number];
  c.shape(y, [n, outSize(c, padding, h, fh, sh, 1, 'height'), outSize(c, padding, wd, fw, sw, 1, 'width'), ch], 'output');
};

const fullyConnected = (c: OpCheck): void => {
  c.inputs(2, 3);
  c.outputs(1, 2);
  const [x, w, bias, y] = [c.in(0), c.in(1), c.optIn(2), c.out(0)];
  c.rank(w, 2, 'weights');
  c.activation();
  const format = c.intOption('weightsFormat', 0, 0, 1);
  if (format !== 0 && x.dtype !== 'uint8') c.fail('options.weightsFormat', 'shuffled weights are for uint8 models only', { weightsFormat: format });
  const [units, depth] = w.shape as [number, number];
  const total = x.shape.reduce((a, d) => a * d, 1);
  if (x.shape.length === 0 || (depth === 0 ? total !== 0 : total % depth !== 0)) {
    c.fail('shape.contract', `input [${x.shape.join(', ')}] cannot be split into rows of ${depth} (weights [${w.shape.join(', ')}])`, { input: x.shape, weights: w.shape });
  }
  bias1d(c, bias, units);
  checkWeightedTypes(c, x, w, bias, y, 0);
  const keep = c.option('keepNumDims', false);
  const expected = keep ? [...x.shape.slice(0, -1), units] : [depth === 0 ? 0 : total / depth, units];
  // Interpreters that keep dims check the last input dimension; the flattened form tolerates any layout.
  if (keep && x.shape[x.shape.length - 1] !== depth) {
    c.fail('shape.contract', `keepNumDims needs the last input dimension (${x.shape[x.shape.length - 1]}) to equal the weights' depth ${depth}`, { input: x.shape, weights: w.shape });
  }
  c.shape(y, expected, 'output');
};

const batchMatmul = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [a, b, y] = [c.in(0), c.in(1), c.out(0)];
  c.dtype(a, ['float32', 'int8', 'int16'], 'input 0');
  c.dtype(b, a.dtype === 'float32' ? ['float32', 'int8'] : [a.dtype], 'input 1');
  if (a.shape.length < 2 || b.shape.length < 2 || a.shape.length > 5 || b.shape.length > 5) {
    c.fail('shape.rank', `inputs [${a.shape.join(', ')}] and [${b.shape.join(', ')}] need rank 2..5`, { a: a.shape, b: b.shape });
  }
  const adjX = c.option('adjX', false);
  const adjY = c.option('adjY', false);
  const [ar, ac] = adjX ? [a.shape.at(-1)!, a.shape.at(-2)!] : [a.shape.at(-2)!, a.shape.at(-1)!];
  const [br, bc] = adjY ? [b.shape.at(-1)!, b.shape.at(-2)!] : [b.shape.at(-2)!, b.shape.at(-1)!];
  if (ac !== br) c.fail('shape.contract', `contracting dimensions differ: ${ac} (input 0) vs ${br} (input 1)`, { a: a.shape, b: b.shape, adjX, adjY });
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let k = 0; k < rank; k++) {
    const p = batchA[batchA.length - rank + k] ?? 1;
    const q = batchB[batchB.length - rank + k] ?? 1;
    if (p !== q && p !== 1 && q !== 1) c.fail('shape.broadcast', `batch dimensions [${batchA.join(', ')}] and [${batchB.join(', ')}] do not broadcast`, { a: a.shape, b: b.shape });
    batch.push(p === 1 ? q : p);
  }
  if (a.dtype !== 'float32') {
    requireQuantized(c, a, 'input 0');
    requireQuantized(c, b, 'input 1');
    requireQuantized(c, y, 'output');
  } else if (isQuantized(b)) {
    c.dtype(y, ['float32'], 'output');
  }
  c.shape(y, [...batch, ar, bc], 'output');
};

export const CONV_RULES: RuleTable = {
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwise,
  TRANSPOSE_CONV: transposeConv,
  'custom:Convolution2DTransposeBias': convolution2dTransposeBias,
  AVERAGE_POOL_2D: pool,
  MAX_POOL_2D: pool,
  L2_POOL_2D: pool,
  FULLY_CONNECTED: fullyConnected,
  BATCH_MATMUL: batchMatmul,
};
