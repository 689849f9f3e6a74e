import { applyActivation, activationName } from './activations.js';
import { transposeData, type TensorRef } from './context.js';
import {
  UnsupportedLayerError, channelsFirstCheck, pair, windowOutput, type LayerContext, type LayerConverter,
} from './types.js';

const SAME = 0; // Padding.SAME
const VALID = 1; // Padding.VALID
const NONE = 0; // ActivationFunctionType.NONE

function paddingOf(config: Record<string, unknown>): 'same' | 'valid' {
  const p = config['padding'] ?? 'valid';
  if (p !== 'same' && p !== 'valid') throw new UnsupportedLayerError(`padding '${String(p)}' (only 'same' and 'valid')`);
  return p;
}

function convCheck(config: Record<string, unknown>): string | undefined {
  const cf = channelsFirstCheck(config);
  if (cf) return cf;
  const p = config['padding'] ?? 'valid';
  if (p !== 'same' && p !== 'valid') return `padding '${String(p)}' (only 'same' and 'valid')`;
  if (typeof config['groups'] === 'number' && config['groups'] !== 1) return `groups=${config['groups']} (only 1)`;
  return undefined;
}

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'same' | 'valid';
  outH: number;
  outW: number;
}

function window(x: TensorRef, config: Record<string, unknown>, kernel: [number, number]): Window {
  const strides = pair(config['strides'], [1, 1]);
  const dilation = pair(config['dilation_rate'], [1, 1]);
  const padding = paddingOf(config);
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw new UnsupportedLayerError('strides > 1 together with dilation_rate > 1');
  }
  const [, h, w] = x.shape as [number, number, number, number];
  const outH = windowOutput(h, kernel[0], strides[0], dilation[0], padding);
  const outW = windowOutput(w, kernel[1], strides[1], dilation[1], padding);
  if (outH <= 0 || outW <= 0) throw new UnsupportedLayerError(`the window is larger than the input [${x.shape.slice(1, 3)}]`);
  return { kernel, strides, dilation, padding, outH, outW };
}

function requireRank4(ctx: LayerContext): TensorRef {
  const x = ctx.inputs[0]!;
  if (x.shape.length !== 4) throw new UnsupportedLayerError(`input of rank ${x.shape.length} (NHWC rank 4 expected)`);
  return x;
}

function biasOrZeros(ctx: LayerContext, channels: number): TensorRef {
  const values = ctx.config['use_bias'] !== false ? ctx.weights.get('bias', [channels]) : new Float32Array(channels);
  return ctx.b.constFloat(`${ctx.name}/bias`, [channels], values);
}

/** Conv2D: kernel [kh, kw, in, out] becomes the CONV_2D filter [out, kh, kw, in]. */
export const conv2d: LayerConverter = {
  check: convCheck,
  convert(ctx) {
    const { b, name, config } = ctx;
    const x = requireRank4(ctx);
    const kernel = pair(config['kernel_size']);
    const win = window(x, config, kernel);
    const inC = x.shape[3]!;
    const filters = config['filters'] as number;
    const k = ctx.weights.get('kernel', [kernel[0], kernel[1], inC, filters]);
    const filter = b.constFloat(`${name}/kernel`, [filters, kernel[0], kernel[1], inC],
      transposeData(k, [kernel[0], kernel[1], inC, filters], [3, 0, 1, 2]));
    const y = b.unary('CONV_2D', [x, filter, biasOrZeros(ctx, filters)], `${name}/conv2d`, [x.shape[0]!, win.outH, win.outW, filters],
      'Conv2DOptions', convOptions(win));
    return [applyActivation(b, y, activationName(config['activation']), name)];
  },
};

function convOptions(win: Window): Record<string, unknown> {
  return {
    padding: win.padding === 'same' ? SAME : VALID,
    strideW: win.strides[1],
    strideH: win.strides[0],
    fusedActivationFunction: NONE,
    dilationWFactor: win.dilation[1],
    dilationHFactor: win.dilation[0],
  };
}

/** Depthwise kernel [kh, kw, in, mult] has the memory order of the TFLite filter [1, kh, kw, in * mult]. */
function depthwise(ctx: LayerContext, x: TensorRef, weightName: string, outName: string, withBias: boolean): TensorRef {
  const { b, name, config } = ctx;
  const kernel = pair(config['kernel_size']);
  const win = window(x, config, kernel);
  const inC = x.shape[3]!;
  // tfjs' SeparableConv2D leaves depth_multiplier out of its config: the kernel's last dimension tells.
  const mult = (config['depth_multiplier'] as number | undefined) ?? ctx.weights.shape(weightName)?.[3] ?? 1;
  const k = ctx.weights.get(weightName, [kernel[0], kernel[1], inC, mult]);
  const filter = b.constFloat(`${name}/${weightName}`, [1, kernel[0], kernel[1], inC * mult], k);
  const bias = withBias ? biasOrZeros(ctx, inC * mult) : b.constFloat(`${name}/depthwise_bias`, [inC * mult], new Float32Array(inC * mult));
  return b.unary('DEPTHWISE_CONV_2D', [x, filter, bias], outName, [x.shape[0]!, win.outH, win.outW, inC * mult],
    'DepthwiseConv2DOptions', {
      padding: win.padding === 'same' ? SAME : VALID,
      strideW: win.strides[1],
      strideH: win.strides[0],
      depthMultiplier: mult,
      fusedActivationFunction: NONE,
      dilationWFactor: win.dilation[1],
      dilationHFactor: win.dilation[0],
    });
}

export const depthwiseConv2d: LayerConverter = {
  check: convCheck,
  convert(ctx) {
    const x = requireRank4(ctx);
    // Keras 2 and tfjs name the weight depthwise_kernel, Keras 3 kernel.
    const weightName = ctx.weights.find('depthwise_kernel') ? 'depthwise_kernel' : 'kernel';
    const y = depthwise(ctx, x, weightName, `${ctx.name}/depthwise`, true);
    return [applyActivation(ctx.b, y, activationName(ctx.config['activation']), ctx.name)];
  },
};

/** SeparableConv2D: DEPTHWISE_CONV_2D (no bias) then a 1x1 CONV_2D with the pointwise kernel and the bias. */
export const separableConv2d: LayerConverter = {
  check: convCheck,
  convert(ctx) {
    const { b, name, config } = ctx;
    const x = requireRank4(ctx);
    const dw = depthwise(ctx, x, 'depthwise_kernel', `${name}/depthwise`, false);
    const mid = dw.shape[3]!;
    const filters = config['filters'] as number;
    const pk = ctx.weights.get('pointwise_kernel', [1, 1, mid, filters]);
    const filter = b.constFloat(`${name}/pointwise_kernel`, [filters, 1, 1, mid], transposeData(pk, [1, 1, mid, filters], [3, 0, 1, 2]));
    const y = b.unary('CONV_2D', [dw, filter, biasOrZeros(ctx, filters)], `${name}/pointwise`, [dw.shape[0]!, dw.shape[1]!, dw.shape[2]!, filters],
      'Conv2DOptions', { padding: VALID, strideW: 1, strideH: 1, fusedActivationFunction: NONE, dilationWFactor: 1, dilationHFactor: 1 });
    return [applyActivation(b, y, activationName(config['activation']), name)];
  },
};

/**
 * Conv2DTranspose: TRANSPOSE_CONV(output_shape, weights [out, kh, kw, in], input, bias); the Keras kernel is
 * [kh, kw, out, in]. Output size as tfjs' deconvLength: same -> in * s, valid -> in * s + max(k - s, 0).
 */
export const conv2dTranspose: LayerConverter = {
  check(config) {
    const base = convCheck(config);
    if (base) return base;
    const d = config['dilation_rate'];
    if (d !== undefined && d !== null && pair(d).some((v) => v !== 1)) return 'dilation_rate > 1 in Conv2DTranspose';
    if (config['output_padding'] !== undefined && config['output_padding'] !== null) return 'output_padding';
    return undefined;
  },
  convert(ctx) {
    const { b, name, config } = ctx;
    const x = requireRank4(ctx);
    const kernel = pair(config['kernel_size']);
    const strides = pair(config['strides'], [1, 1]);
    const padding = paddingOf(config);
    const [, h, w, inC] = x.shape as [number, number, number, number];
    const length = (size: number, k: number, s: number) => (padding === 'same' ? size * s : size * s + Math.max(k - s, 0));
    const outH = length(h, kernel[0], strides[0]);
    const outW = length(w, kernel[1], strides[1]);
    const filters = config['filters'] as number;
    const k = ctx.weights.get('kernel', [kernel[0], kernel[1], filters, inC]);
    const weightsT = b.constFloat(`${name}/kernel`, [filters, kernel[0], kernel[1], inC],
      transposeData(k, [kernel[0], kernel[1], filters, inC], [2, 0, 1, 3]));
    const outputShape = b.constInt32(`${name}/output_shape`, [4], [x.shape[0]!, outH, outW, filters]);
    const y = b.unary('TRANSPOSE_CONV', [outputShape, weightsT, x, biasOrZeros(ctx, filters)], `${name}/conv2d_transpose`,
      [x.shape[0]!, outH, outW, filters], 'TransposeConvOptions', {
        padding: padding === 'same' ? SAME : VALID,
        strideW: strides[1],
        strideH: strides[0],
        fusedActivationFunction: NONE,
      });
    return [applyActivation(b, y, activationName(config['activation']), name)];
  },
};

/** [[top, bottom], [left, right]] from `padding`/`cropping`: n, [h, w] or [[t, b], [l, r]]. */
function sides(value: unknown): [[number, number], [number, number]] {
  if (typeof value === 'number') return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2) {
    const [a, c] = value as unknown[];
    if (typeof a === 'number' && typeof c === 'number') return [[a, a], [c, c]];
    if (Array.isArray(a) && Array.isArray(c)) return [pair(a), pair(c)];
  }
  throw new UnsupportedLayerError(`cannot read ${JSON.stringify(value)} as [[top, bottom], [left, right]]`);
}

export const zeroPadding2d: LayerConverter = {
  check: channelsFirstCheck,
  convert(ctx) {
    const { b, name, config } = ctx;
    const x = requireRank4(ctx);
    const [[t, bo], [l, r]] = sides(config['padding'] ?? 1);
    const pads = b.constInt32(`${name}/paddings`, [4, 2], [0, 0, t, bo, l, r, 0, 0]);
    const shape = [x.shape[0]!, x.shape[1]! + t + bo, x.shape[2]! + l + r, x.shape[3]!];
    return [b.unary('PAD', [x, pads], `${name}/pad`, shape, 'PadOptions', {})];
  },
};

export const cropping2d: LayerConverter = {
  check: channelsFirstCheck,
  convert(ctx) {
    const { b, name, config } = ctx;
    const x = requireRank4(ctx);
    const [[t, bo], [l, r]] = sides(config['cropping'] ?? 0);
    const outH = x.shape[1]! - t - bo;
    const outW = x.shape[2]! - l - r;
    if (outH <= 0 || outW <= 0) throw new UnsupportedLayerError(`cropping removes the whole input [${x.shape.slice(1, 3)}]`);
    const begin = b.constInt32(`${name}/begin`, [4], [0, t, l, 0]);
    const size = b.constInt32(`${name}/size`, [4], [x.shape[0]!, outH, outW, x.shape[3]!]);
    return [b.unary('SLICE', [x, begin, size], `${name}/slice`, [x.shape[0]!, outH, outW, x.shape[3]!], 'SliceOptions', {})];
  },
};

/** UpSampling2D: tfjs resizes with align_corners = half_pixel_centers = false. */
export const upSampling2d: LayerConverter = {
  check(config) {
    const cf = channelsFirstCheck(config);
    if (cf) return cf;
    const mode = config['interpolation'] ?? 'nearest';
    return mode === 'nearest' || mode === 'bilinear' ? undefined : `interpolation '${String(mode)}' (nearest or bilinear)`;
  },
  convert(ctx) {
    const { b, name, config } = ctx;
    const x = requireRank4(ctx);
    const [sh, sw] = pair(config['size'], [2, 2]);
    const outH = x.shape[1]! * sh;
    const outW = x.shape[2]! * sw;
    const size = b.constInt32(`${name}/size`, [2], [outH, outW]);
    const bilinear = config['interpolation'] === 'bilinear';
    return [b.unary(bilinear ? 'RESIZE_BILINEAR' : 'RESIZE_NEAREST_NEIGHBOR', [x, size], `${name}/resize`,
      [x.shape[0]!, outH, outW, x.shape[3]!], bilinear ? 'ResizeBilinearOptions' : 'ResizeNearestNeighborOptions',
      { alignCorners: false, halfPixelCenters: false })];
  },
};
