import { ImportFault, NHWC, permute, type OnnxContext, type TensorValue } from '../context.js';
import type { ConstTensor } from '../../graph-ops/types.js';
import { readWindow, windowOptions, type Window2D } from './window.js';
import type { OnnxOpDef } from './table.js';
import { oneDimensional } from './one-d.js';

/** Applies a window's explicit padding with a PAD (zeros) or PADV2 (a fill value) op on the NHWC tensor. */
export function padForWindow(ctx: OnnxContext, x: TensorValue, w: Window2D, fill = 0): TensorValue {
  if (!w.explicit) return x;
  const [t, l, b, r] = w.explicit;
  const shape = [x.shape[0]!, x.shape[1]!, x.shape[2]! + t + b, x.shape[3]! + l + r];
  const out = ctx.intermediate('pad', shape, x.dtype, NHWC);
  const paddings = ctx.int32('paddings', [0, 0, t, b, l, r, 0, 0], [4, 2]);
  if (fill === 0) ctx.op('PAD', [x, paddings], [out], 'PadOptions', {});
  else ctx.op('PADV2', [x, paddings, ctx.constant('pad_value', 'float32', [], Float32Array.of(fill))], [out], 'PadV2Options', {});
  return out;
}

function zeros(ctx: OnnxContext, n: number): ConstTensor {
  return { name: `${ctx.node.outputs[0]}/bias`, dtype: 'float32', shape: [n], data: new Float32Array(n) };
}

/** ONNX [O, I/g, kH, kW] weights reordered by `perm` into a new constant. */
function reorder(w: ConstTensor, perm: number[], name: string): ConstTensor {
  const shape = permute(w.shape, perm);
  const src = w.data as Float32Array;
  const dst = new Float32Array(src.length);
  const inStrides = [w.shape[1]! * w.shape[2]! * w.shape[3]!, w.shape[2]! * w.shape[3]!, w.shape[3]!, 1];
  let o = 0;
  for (let a = 0; a < shape[0]!; a++)
    for (let b = 0; b < shape[1]!; b++)
      for (let c = 0; c < shape[2]!; c++)
        for (let d = 0; d < shape[3]!; d++) {
          const idx = [a, b, c, d];
          let s = 0;
          for (let i = 0; i < 4; i++) s += idx[i]! * inStrides[perm[i]!]!;
          dst[o++] = src[s]!;
        }
  return { name, dtype: 'float32', shape, data: dst };
}

function bias(ctx: OnnxContext, channels: number): ConstTensor {
  const b = ctx.optionalInput(2);
  if (b === undefined) return zeros(ctx, channels);
  if (b.kind !== 'const') throw new ImportFault('the bias (input 3) must be an initializer');
  return b.c;
}

const conv: OnnxOpDef = {
  convert(ctx) {
    const input = ctx.tensorInput(0);
    const w = ctx.constInput(1, 'the weights');
    if (input.shape.length !== 4 || w.shape.length !== 4) throw new ImportFault(`only 1-D and 2-D convolution are supported (input rank ${input.shape.length})`);
    const [n, cin, h, wd] = input.shape as [number, number, number, number];
    const [cout, cinPerGroup, kh, kw] = w.shape as [number, number, number, number];
    const group = ctx.int('group', 1);
    if (cinPerGroup * group !== cin) throw new ImportFault(`weights [${w.shape.join(', ')}] with group ${group} do not fit ${cin} input channels`);
    const window = readWindow(ctx, [h, wd], [kh, kw]);
    const x = padForWindow(ctx, ctx.nhwc(input), window);
    const out = ctx.output([n, cout, window.out[0], window.out[1]], 'float32', NHWC);
    const b = { kind: 'const' as const, c: bias(ctx, cout) };
    const options = { ...windowOptions(window), dilationHFactor: window.dilations[0], dilationWFactor: window.dilations[1], fusedActivationFunction: 0 };
    if (group > 1 && group === cin && cinPerGroup === 1) {
      const filter = reorder(w, [1, 2, 3, 0], `${w.name}/depthwise`); // [1, kH, kW, O]
      ctx.op('DEPTHWISE_CONV_2D', [x, { kind: 'const', c: filter }, b], [out], 'DepthwiseConv2DOptions', { ...options, depthMultiplier: cout / cin });
    } else {
      // TFLite CONV_2D runs grouped convolution when the filter's input depth divides the input's.
      const filter = reorder(w, [0, 2, 3, 1], `${w.name}/ohwi`); // [O, kH, kW, I/g]
      ctx.op('CONV_2D', [x, { kind: 'const', c: filter }, b], [out], 'Conv2DOptions', { ...options, quantizedBiasType: 0 });
    }
    return out;
  },
};

/**
 * ConvTranspose: TFLite TRANSPOSE_CONV with VALID padding computes the full output; ONNX pads and
 * output_padding then crop (or extend with zeros) it, and the bias is added last.
 */
const convTranspose: OnnxOpDef = {
  convert(ctx) {
    const input = ctx.tensorInput(0);
    const w = ctx.constInput(1, 'the weights');
    if (input.shape.length !== 4 || w.shape.length !== 4) throw new ImportFault('only 2-D transposed convolution is supported');
    if (ctx.int('group', 1) !== 1) throw new ImportFault(`group ${ctx.int('group', 1)} (TFLite TRANSPOSE_CONV has no groups)`);
    if ((ctx.ints('dilations') ?? [1, 1]).some((d) => d !== 1)) throw new ImportFault('dilations other than 1 (TFLite TRANSPOSE_CONV has none)');
    const [n, , h, wd] = input.shape as [number, number, number, number];
    const [, cout, kh, kw] = w.shape as [number, number, number, number];
    const strides = ctx.ints('strides') ?? [1, 1];
    const outPad = ctx.ints('output_padding') ?? [0, 0];
    const full = [strides[0]! * (h - 1) + kh, strides[1]! * (wd - 1) + kw];
    let pads = ctx.ints('pads') ?? [0, 0, 0, 0];
    const autoPad = ctx.string('auto_pad', 'NOTSET');
    const explicitShape = ctx.ints('output_shape');
    const target = explicitShape ?? (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? [h * strides[0]!, wd * strides[1]!] : undefined);
    if (target) {
      pads = [0, 0, 0, 0];
      for (const i of [0, 1]) {
        const total = full[i]! + outPad[i]! - target[i]!;
        const begin = autoPad === 'SAME_LOWER' ? Math.ceil(total / 2) : Math.floor(total / 2);
        pads[i] = begin;
        pads[i + 2] = total - begin;
      }
    } else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
    if (pads.some((p) => p < 0)) throw new ImportFault(`an output larger than the full transposed convolution (pads [${pads.join(', ')}])`);
    const outSize = [0, 1].map((i) => full[i]! + outPad[i]! - pads[i]! - pads[i + 2]!);
    const filter = reorder(w, [1, 2, 3, 0], `${w.name}/ohwi`); // [I, O, kH, kW] -> [O, kH, kW, I]
    const x = ctx.nhwc(input);
    const b = bias(ctx, cout);
    const exact = pads.every((p) => p === 0) && outPad.every((p) => p === 0);
    const fullOut = exact ? ctx.output([n, cout, full[0]!, full[1]!], 'float32', NHWC) : ctx.intermediate('full', [n, cout, full[0]!, full[1]!], 'float32', NHWC);
    ctx.op('TRANSPOSE_CONV', [ctx.int32('output_shape', [n, full[0]!, full[1]!, cout]), { kind: 'const', c: filter }, x, { kind: 'const', c: b }], [fullOut],
      'TransposeConvOptions', { padding: 1, strideH: strides[0], strideW: strides[1], fusedActivationFunction: 0, quantizedBiasType: 0 });
    if (exact) return fullOut;
    // Rows past the full output (output_padding beyond the end pad) get no contribution: the bias alone.
    let current = fullOut;
    const grow = [0, 1].map((i) => Math.max(outPad[i]! - pads[i + 2]!, 0));
    if (grow.some((g) => g > 0)) {
      const grown = ctx.intermediate('grown', [n, cout, full[0]! + grow[0]!, full[1]! + grow[1]!], 'float32', NHWC);
      ctx.op('PAD', [current, ctx.int32('grow', [0, 0, 0, grow[0]!, 0, grow[1]!, 0, 0], [4, 2])], [grown], 'PadOptions', {});
      current = grown;
      if (b.data.some((v) => v !== 0)) throw new ImportFault('output_padding beyond the end pad with a non-zero bias');
    }
    const out = ctx.output([n, cout, outSize[0]!, outSize[1]!], 'float32', NHWC);
    ctx.op('SLICE', [current, ctx.int32('begin', [0, pads[0]!, pads[1]!, 0]), ctx.int32('size', [n, outSize[0]!, outSize[1]!, cout])], [out], 'SliceOptions', {});
    return out;
  },
};

export const CONV_OPS = { Conv: oneDimensional(conv), ConvTranspose: oneDimensional(convTranspose) };
