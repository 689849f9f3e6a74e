import { attrInts, attrString } from './attrs.js';
import { emitActivation, fusedCode, needsSeparateOp, parseFusedOps, type FusedOps } from './activation.js';
import { ImportFault, OpContext, shapeOf } from './context.js';
import type { OpTable } from './table.js';
import type { ConstTensor, Value } from './types.js';

// Conv2D, _FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2dNative -> CONV_2D / DEPTHWISE_CONV_2D.
// TensorFlow filters are [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]); TFLite wants
// [out, kh, kw, in] (depthwise: [1, kh, kw, in * multiplier], the same bytes).

export type PaddingMode = 'SAME' | 'VALID';

export interface Window {
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padding: PaddingMode;
}

/** Rejects NCHW and reads padding, strides and dilations; EXPLICIT padding becomes a PAD op before the conv. */
export function readWindow(ctx: OpContext, x: Value): { window: Window; x: Value } {
  const format = attrString(ctx.node, 'data_format', 'NHWC');
  if (format !== 'NHWC') {
    throw new ImportFault(`data_format ${format}: TFLite is NHWC only; export the model channels-last (NHWC)`);
  }
  const strides = attrInts(ctx.node, 'strides', [1, 1, 1, 1]);
  const dilations = attrInts(ctx.node, 'dilations', [1, 1, 1, 1]);
  const padding = attrString(ctx.node, 'padding', 'VALID');
  if (strides.length !== 4 || strides[0] !== 1 || strides[3] !== 1) {
    throw new ImportFault(`strides [${strides.join(', ')}] must be [1, h, w, 1]`);
  }
  const window: Window = {
    strideH: strides[1]!, strideW: strides[2]!,
    dilationH: dilations[1] ?? 1, dilationW: dilations[2] ?? 1,
    padding: 'VALID',
  };
  if (padding === 'SAME' || padding === 'VALID') return { window: { ...window, padding }, x };
  if (padding !== 'EXPLICIT') throw new ImportFault(`padding ${padding} is not SAME, VALID or EXPLICIT`);
  const pads = attrInts(ctx.node, 'explicit_paddings', []);
  if (pads.length !== 8) throw new ImportFault('EXPLICIT padding needs 8 explicit_paddings');
  const inShape = shapeOf(x);
  const padded = inShape.map((d, i) => d + pads[2 * i]! + pads[2 * i + 1]!);
  const out = ctx.intermediate('explicit_pad', padded);
  ctx.op('PAD', [x, ctx.int32('explicit_paddings', pads, [4, 2])], [out], 'PadOptions', {});
  return { window, x: out };
}

/** TensorFlow's output size along one spatial axis. */
export function windowOutput(input: number, kernel: number, stride: number, dilation: number, padding: PaddingMode): number {
  const effective = (kernel - 1) * dilation + 1;
  const n = padding === 'SAME' ? Math.ceil(input / stride) : Math.ceil((input - effective + 1) / stride);
  if (n < 1) throw new ImportFault(`a ${kernel}-wide window does not fit an input of ${input}`);
  return n;
}

function windowOptions(w: Window): Record<string, unknown> {
  return { padding: w.padding === 'SAME' ? 0 : 1, strideW: w.strideW, strideH: w.strideH, dilationWFactor: w.dilationW, dilationHFactor: w.dilationH };
}

/** [kh, kw, in, out] -> [out, kh, kw, in]. */
function convFilterToTflite(f: ConstTensor): ConstTensor {
  const [kh, kw, cin, cout] = f.shape as [number, number, number, number];
  const src = f.data as Float32Array;
  const dst = new Float32Array(src.length);
  for (let o = 0; o < cout; o++) {
    for (let s = 0; s < kh * kw; s++) {
      for (let i = 0; i < cin; i++) dst[(o * kh * kw + s) * cin + i] = src[(s * cin + i) * cout + o]!;
    }
  }
  return { name: f.name, dtype: 'float32', shape: [cout, kh, kw, cin], data: dst };
}

/**
 * Folds a fused batch norm into per-output-channel scales of the filter and the bias:
 * y = (conv(x, w) + b - mean) * scale / sqrt(var + eps) + offset.
 */
function foldBatchNorm(filter: Float32Array, channelOf: (i: number) => number, bias: Float32Array, bn: NonNullable<FusedOps['batchNorm']>): void {
  const channels = bias.length;
  const k = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    k[c] = (bn.scale.data[c] as number) / Math.sqrt((bn.variance.data[c] as number) + bn.epsilon);
  }
  for (let i = 0; i < filter.length; i++) filter[i]! *= k[channelOf(i)]!;
  for (let c = 0; c < channels; c++) {
    bias[c] = (bias[c]! - (bn.mean.data[c] as number)) * k[c]! + (bn.offset.data[c] as number);
  }
}

function requireFloatConst(ctx: OpContext, i: number, what: string): ConstTensor {
  const c = ctx.constInput(i, what);
  if (c.dtype !== 'float32') throw new ImportFault(`${what} must be float32, is ${c.dtype}`);
  return c;
}

function convert(ctx: OpContext, depthwise: boolean, fused: boolean): Value {
  const { window, x } = readWindow(ctx, ctx.input(0));
  const inShape = shapeOf(x);
  if (inShape.length !== 4) throw new ImportFault(`input must be rank 4 (NHWC), is [${inShape.join(', ')}]`);
  const tfFilter = requireFloatConst(ctx, 1, 'filter');
  if (tfFilter.shape.length !== 4) throw new ImportFault('filter must be rank 4');
  const [kh, kw, cin, last] = tfFilter.shape as [number, number, number, number];
  if (cin !== inShape[3]) {
    throw new ImportFault(`filter expects ${cin} input channels, the input has ${inShape[3]} (grouped convolution is not supported)`);
  }
  const outChannels = depthwise ? cin * last : last;
  const post: FusedOps = fused ? parseFusedOps(ctx, 2) : { leakyAlpha: 0.2 };

  let filter: ConstTensor = depthwise
    ? { name: tfFilter.name, dtype: 'float32', shape: [1, kh, kw, outChannels], data: tfFilter.data }
    : convFilterToTflite(tfFilter);
  const bias = new Float32Array(outChannels);
  if (post.bias) {
    if (post.bias.data.length !== outChannels) throw new ImportFault(`bias has ${post.bias.data.length} values for ${outChannels} channels`);
    bias.set(post.bias.data);
  }
  if (post.batchNorm) {
    const data = Float32Array.from(filter.data as Float32Array);
    const perChannel = depthwise ? (i: number) => i % outChannels : (i: number) => Math.floor(i / (kh * kw * cin));
    foldBatchNorm(data, perChannel, bias, post.batchNorm);
    filter = { ...filter, data };
  }

  const outShape = [
    inShape[0]!,
    windowOutput(inShape[1]!, kh, window.strideH, window.dilationH, window.padding),
    windowOutput(inShape[2]!, kw, window.strideW, window.dilationW, window.padding),
    outChannels,
  ];
  const separate = needsSeparateOp(post.activation);
  const out = ctx.output(outShape);
  const convOut = separate ? ctx.intermediate('pre_activation', outShape) : out;
  const biasValue = ctx.constant(post.bias ? 'bias' : 'zero_bias', 'float32', [outChannels], bias);
  const activation = fusedCode(post.activation);
  if (depthwise) {
    ctx.op('DEPTHWISE_CONV_2D', [x, { kind: 'const', c: filter }, biasValue], [convOut], 'DepthwiseConv2DOptions', {
      ...windowOptions(window), depthMultiplier: last, fusedActivationFunction: activation,
    });
  } else {
    ctx.op('CONV_2D', [x, { kind: 'const', c: filter }, biasValue], [convOut], 'Conv2DOptions', {
      ...windowOptions(window), fusedActivationFunction: activation, quantizedBiasType: 0,
    });
  }
  if (separate) emitActivation(ctx, post.activation!, convOut, out, post);
  return out;
}

export const CONV_OPS: OpTable = {
  Conv2D: { convert: (ctx) => convert(ctx, false, false) },
  _FusedConv2D: { convert: (ctx) => convert(ctx, false, true) },
  DepthwiseConv2dNative: { convert: (ctx) => convert(ctx, true, false) },
  FusedDepthwiseConv2dNative: { convert: (ctx) => convert(ctx, true, true) },
};
