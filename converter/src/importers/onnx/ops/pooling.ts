import * as tf from '@tensorflow/tfjs';
import { ImportFault, NHWC, identity, invert, normalizeAxis, permOf, type OnnxContext } from '../context.js';
import { padForWindow } from './conv.js';
import { readWindow, windowOptions } from './window.js';
import type { OnnxOpDef, OnnxOpTable } from './table.js';
import { oneDimensional } from './one-d.js';

function pool(opcode: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'): OnnxOpDef {
  return {
    convert(ctx) {
      const input = ctx.tensorInput(0);
      if (input.shape.length !== 4) throw new ImportFault(`only 2-D pooling is supported (input rank ${input.shape.length})`);
      if ((ctx.ints('dilations') ?? [1, 1]).some((d) => d !== 1)) throw new ImportFault('pooling dilations other than 1');
      const kernel = ctx.ints('kernel_shape') as [number, number] | undefined;
      if (!kernel || kernel.length !== 2) throw new ImportFault('kernel_shape must list 2 sizes');
      const [n, c, h, w] = input.shape as [number, number, number, number];
      const window = readWindow(ctx, [h, w], kernel, { ceil: ctx.int('ceil_mode', 0) === 1, explicitPads: opcode === 'AVERAGE_POOL_2D' && ctx.int('count_include_pad', 0) === 1 });
      if (opcode === 'AVERAGE_POOL_2D' && window.explicit && ctx.int('count_include_pad', 0) === 0) {
        throw new ImportFault(`pads [${window.explicit.join(', ')}] with count_include_pad=0 (TFLite averages over SAME padding only)`);
      }
      // Max pooling pads with a value that never wins: 0 after a ReLU-like op (a plain PAD, and a padded tensor
      // whose range int8 calibration can use), else the lowest float. Average pooling with count_include_pad pads zeros.
      const stored = ctx.nhwc(input);
      const fill = opcode === 'MAX_POOL_2D' && !nonNegative(ctx, stored.index) ? -3.4028234663852886e38 : 0;
      const x = padForWindow(ctx, stored, window, fill);
      const out = ctx.output([n, c, window.out[0], window.out[1]], 'float32', NHWC);
      ctx.op(opcode, [x], [out], 'Pool2DOptions', { ...windowOptions(window), filterHeight: kernel[0], filterWidth: kernel[1], fusedActivationFunction: 0 });
      return out;
    },
  };
}

const NON_NEGATIVE = new Set(['RELU', 'RELU6', 'LOGISTIC']);

/** Whether the tensor is the output of an op whose values are never negative. */
function nonNegative(ctx: OnnxContext, index: number): boolean {
  const producer = ctx.layout.builder.operators.find((op) => op.outputs.includes(index));
  return producer !== undefined && NON_NEGATIVE.has(producer.opcode);
}

function globalPool(opcode: 'MEAN' | 'REDUCE_MAX'): OnnxOpDef {
  return {
    convert(ctx) {
      const x = ctx.tensorInput(0);
      const rank = x.shape.length;
      const axes = identity(rank).slice(2);
      return emitReduce(ctx, opcode, x, axes, true);
    },
  };
}

/** A reduction over ONNX axes, on the tensor as stored (axes mapped to storage positions). */
export function emitReduce(ctx: OnnxContext, opcode: string, x: ReturnType<OnnxContext['tensorInput']>, axes: number[], keep: boolean, suffix?: string) {
  const perm = permOf(x);
  const inv = invert(perm);
  const stored = axes.map((a) => inv[a]!).sort((a, b) => a - b);
  const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_d, i) => !axes.includes(i));
  // Without keepdims the remaining axes keep their storage order, renumbered.
  const kept = perm.filter((a) => !axes.includes(a));
  const outPerm = keep ? perm : kept.map((a) => kept.slice().sort((p, q) => p - q).indexOf(a));
  const out = suffix === undefined ? ctx.output(shape, x.dtype, outPerm) : ctx.intermediate(suffix, shape, x.dtype, outPerm);
  ctx.op(opcode, [x, ctx.int32('axes', stored)], [out], 'ReducerOptions', { keepDims: keep });
  return out;
}

/** ReduceMean/Max/Sum: axes from the attribute (before opset 18) or from input 2 (opset 18; ReduceSum 13). */
function reduce(opcode: 'MEAN' | 'REDUCE_MAX' | 'SUM' | 'REDUCE_MIN' | 'REDUCE_PROD', inputSince: number, fold: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor): OnnxOpDef {
  const axesOf = (ctx: OnnxContext, rank: number): number[] => {
    let axes: number[] | undefined;
    if (ctx.opset >= inputSince) {
      const v = ctx.optionalInput(1);
      if (v !== undefined) {
        if (v.kind !== 'const') throw new ImportFault('the axes (input 2) must be a constant');
        axes = Array.from(v.c.data);
      }
    } else axes = ctx.ints('axes');
    if (axes === undefined || axes.length === 0) {
      if (ctx.int('noop_with_empty_axes', 0) === 1) return [];
      return identity(rank);
    }
    return [...new Set(axes.map((a) => normalizeAxis(a, rank)))].sort((a, b) => a - b);
  };
  return {
    convert(ctx) {
      const x = ctx.tensorInput(0);
      const axes = axesOf(ctx, x.shape.length);
      if (axes.length === 0) return x; // noop_with_empty_axes: the input itself
      return emitReduce(ctx, opcode, x, axes, ctx.int('keepdims', 1) === 1);
    },
    fold: (ctx, [x]) => {
      const axes = axesOf(ctx, x!.rank);
      return axes.length === 0 ? x!.clone() : fold(x!, axes, ctx.int('keepdims', 1) === 1);
    },
  };
}

export const POOLING_OPS: OnnxOpTable = {
  MaxPool: oneDimensional(pool('MAX_POOL_2D')),
  AveragePool: oneDimensional(pool('AVERAGE_POOL_2D')),
  GlobalAveragePool: globalPool('MEAN'),
  GlobalMaxPool: globalPool('REDUCE_MAX'),
  ReduceMean: reduce('MEAN', 18, (x, a, k) => tf.mean(x, a, k)),
  ReduceMax: reduce('REDUCE_MAX', 18, (x, a, k) => tf.max(x, a, k)),
  ReduceMin: reduce('REDUCE_MIN', 18, (x, a, k) => tf.min(x, a, k)),
  ReduceSum: reduce('SUM', 13, (x, a, k) => tf.sum(x, a, k)),
  ReduceProd: reduce('REDUCE_PROD', 18, (x, a, k) => tf.prod(x, a, k)),
};
