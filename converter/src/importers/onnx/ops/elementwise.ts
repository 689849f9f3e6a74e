import * as tf from '@tensorflow/tfjs';
import { ImportFault, normalizeAxis, permOf, identity, type OnnxContext, type OnnxValue, type TensorValue } from '../context.js';
import { alignOperands, dtypeOf, shapeOf } from './broadcast.js';
import type { OnnxOpDef, OnnxOpTable } from './table.js';

// Element-wise arithmetic with NumPy broadcasting, activations, softmax, batch normalization.

const NO_ACT = { fusedActivationFunction: 0 };

/** An element-wise op over run-time operands, stored in the first operand's order. */
export function emitElementwise(ctx: OnnxContext, opcode: string, operands: OnnxValue[], optionsType?: string, options?: Record<string, unknown>, suffix?: string): TensorValue {
  const dtypes = new Set(operands.map(dtypeOf));
  if (dtypes.size > 1) throw new ImportFault(`operands of different types (${[...dtypes].join(', ')}); TFLite ${opcode} takes one type`);
  const { values, shape, perm } = alignOperands(ctx, operands);
  const dtype = opcode === 'LESS' || opcode === 'GREATER' || opcode === 'EQUAL' ? 'bool' : dtypeOf(operands.find((v) => v.kind === 'tensor') ?? operands[0]!);
  const out = suffix === undefined ? ctx.output(shape, dtype, perm) : ctx.intermediate(suffix, shape, dtype, perm);
  ctx.op(opcode, values, [out], optionsType, options);
  return out;
}

function binary(opcode: string, optionsType: string | undefined, fold: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OnnxOpDef {
  return {
    convert: (ctx) => emitElementwise(ctx, opcode, [ctx.input(0), ctx.input(1)], optionsType, optionsType ? NO_ACT : undefined),
    fold: (_ctx, [a, b]) => fold(a!, b!),
  };
}

/** Max/Min/Sum over any number of inputs: a chain of binary ops. */
function variadic(opcode: string, optionsType: string | undefined, fold: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OnnxOpDef {
  return {
    convert(ctx) {
      const operands = ctx.inputs.filter((v): v is OnnxValue => v !== undefined);
      if (operands.length === 1) return operands[0]!;
      let current = operands[0]!;
      for (let k = 1; k < operands.length; k++) {
        const last = k === operands.length - 1;
        current = emitElementwise(ctx, opcode, [current, operands[k]!], optionsType, optionsType ? NO_ACT : undefined, last ? undefined : `step${k}`);
      }
      return current;
    },
    fold: (_ctx, xs) => xs.filter((x): x is tf.Tensor => x !== undefined).reduce((a, b) => fold(a, b)),
  };
}

/** A one-input op that keeps its input's storage order. */
export function emitUnary(ctx: OnnxContext, opcode: string, x: TensorValue, optionsType?: string, options?: Record<string, unknown>, suffix?: string): TensorValue {
  const out = suffix === undefined ? ctx.output(x.shape, x.dtype, permOf(x)) : ctx.intermediate(suffix, x.shape, x.dtype, permOf(x));
  ctx.op(opcode, [x], [out], optionsType, options);
  return out;
}

function unary(opcode: string, fold?: (x: tf.Tensor) => tf.Tensor, optionsType?: string, options?: (ctx: OnnxContext) => Record<string, unknown>): OnnxOpDef {
  return {
    convert: (ctx) => emitUnary(ctx, opcode, ctx.tensorInput(0), optionsType, options?.(ctx) ?? (optionsType ? {} : undefined)),
    ...(fold ? { fold: (_ctx: OnnxContext, [x]: (tf.Tensor | undefined)[]) => fold(x!) } : {}),
  };
}

function scalar(ctx: OnnxContext, suffix: string, value: number): OnnxValue {
  return ctx.constant(suffix, 'float32', [], Float32Array.of(value));
}

/** Clip: min/max attributes (opset < 11) or optional inputs; the usual ranges map to RELU, RELU6, RELU_N1_TO_1. */
const clip: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const bound = (i: number, attr: string, fallback: number): number => {
      if (ctx.opset < 11) return ctx.float(attr, fallback);
      const v = ctx.optionalInput(i);
      if (v === undefined) return fallback;
      if (v.kind !== 'const') throw new ImportFault(`the ${attr} bound (input ${i + 1}) must be a constant`);
      return v.c.data[0]!;
    };
    const lo = bound(1, 'min', -Infinity);
    const hi = bound(2, 'max', Infinity);
    if (lo === 0 && hi === 6) return emitUnary(ctx, 'RELU6', x);
    if (lo === 0 && hi === Infinity) return emitUnary(ctx, 'RELU', x);
    if (lo === -1 && hi === 1) return emitUnary(ctx, 'RELU_N1_TO_1', x);
    let current: OnnxValue = x;
    if (lo !== -Infinity) current = emitElementwise(ctx, 'MAXIMUM', [current, scalar(ctx, 'min', lo)], undefined, undefined, hi === Infinity ? undefined : 'clip_min');
    if (hi !== Infinity) current = emitElementwise(ctx, 'MINIMUM', [current, scalar(ctx, 'max', hi)]);
    if (current === x) return emitUnary(ctx, 'RELU_N1_TO_1', x); // unreachable: Clip without bounds is Identity
    return current;
  },
  fold: (ctx, [x, lo, hi]) => tf.clipByValue(x!, lo ? lo.dataSync()[0]! : ctx.float('min', -3.4e38), hi ? hi.dataSync()[0]! : ctx.float('max', 3.4e38)),
};

/** HardSigmoid = max(0, min(1, alpha*x + beta)) = RELU6(6*alpha*x + 6*beta) / 6. */
const hardSigmoid: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const alpha = ctx.float('alpha', 0.2);
    const beta = ctx.float('beta', 0.5);
    const scaled = emitElementwise(ctx, 'MUL', [x, scalar(ctx, 'alpha6', 6 * alpha)], 'MulOptions', NO_ACT, 'scaled');
    const shifted = emitElementwise(ctx, 'ADD', [scaled, scalar(ctx, 'beta6', 6 * beta)], 'AddOptions', NO_ACT, 'shifted');
    const clipped = emitUnary(ctx, 'RELU6', shifted, undefined, undefined, 'relu6');
    return emitElementwise(ctx, 'MUL', [clipped, scalar(ctx, 'sixth', 1 / 6)], 'MulOptions', NO_ACT);
  },
};

/** Softmax/LogSoftmax on one axis; opset < 13 flattens from `axis` first, which on the last axis is the same. */
function softmax(opcode: 'SOFTMAX' | 'LOG_SOFTMAX'): OnnxOpDef {
  return {
    convert(ctx) {
      const x = ctx.tensorInput(0);
      const rank = x.shape.length;
      const axis = normalizeAxis(ctx.int('axis', ctx.opset < 13 ? 1 : -1), rank);
      if (ctx.opset < 13 && axis !== rank - 1) throw new ImportFault(`axis ${axis} before opset 13 flattens the trailing axes; only the last axis is supported`);
      // TFLite normalizes the last stored axis: store the tensor so that the softmax axis is last.
      let stored = x;
      if (permOf(x)[rank - 1] !== axis) {
        const order = identity(rank).filter((a) => a !== axis);
        stored = ctx.toPerm(x, [...order, axis]);
      }
      return opcode === 'SOFTMAX' ? emitUnary(ctx, 'SOFTMAX', stored, 'SoftmaxOptions', { beta: 1 }) : emitUnary(ctx, 'LOG_SOFTMAX', stored, 'LogSoftmaxOptions', {});
    },
  };
}

/** BatchNormalization (inference): y = x * k + b with k = scale / sqrt(var + eps), b = bias - mean * k, per channel (axis 1). */
const batchNorm: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => ctx.constInput(i, ['scale', 'B', 'mean', 'var'][i - 1]!).data as Float32Array);
    const eps = ctx.float('epsilon', 1e-5);
    const c = scale!.length;
    const k = new Float32Array(c);
    const b = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      k[i] = scale![i]! / Math.sqrt(variance![i]! + eps);
      b[i] = bias![i]! - mean![i]! * k[i]!;
    }
    // [C, 1, ..., 1]: broadcasts against axis 1 of [N, C, ...].
    const channelShape = [c, ...new Array<number>(Math.max(x.shape.length - 2, 0)).fill(1)];
    const scaled = emitElementwise(ctx, 'MUL', [x, ctx.constant('multiplier', 'float32', channelShape, k)], 'MulOptions', NO_ACT, 'scaled');
    return emitElementwise(ctx, 'ADD', [scaled, ctx.constant('offset', 'float32', channelShape, b)], 'AddOptions', NO_ACT);
  },
};

/** PRelu with a constant slope that broadcasts as ONNX says (unidirectionally, onto X). */
const prelu: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const slope = ctx.input(1);
    if (slope.kind !== 'const') throw new ImportFault('a run-time slope is not supported; the slope must be an initializer');
    return emitElementwise(ctx, 'PRELU', [x, slope]);
  },
};

const gelu: OnnxOpDef = {
  convert: (ctx) => emitUnary(ctx, 'GELU', ctx.tensorInput(0), 'GeluOptions', { approximate: ctx.string('approximate', 'none') === 'tanh' }),
};

export const ELEMENTWISE_OPS: OnnxOpTable = {
  Add: binary('ADD', 'AddOptions', tf.add),
  Sub: binary('SUB', 'SubOptions', tf.sub),
  Mul: binary('MUL', 'MulOptions', tf.mul),
  Div: {
    convert: (ctx) => emitElementwise(ctx, 'DIV', [ctx.input(0), ctx.input(1)], 'DivOptions', NO_ACT),
    // ONNX integer Div truncates (shape arithmetic); float Div divides.
    fold: (_ctx, [a, b]) => (a!.dtype === 'int32' ? tf.cast(tf.div(a!, b!), 'int32') : tf.div(a!, b!)),
  },
  Pow: binary('POW', undefined, tf.pow),
  Max: variadic('MAXIMUM', undefined, tf.maximum),
  Min: variadic('MINIMUM', undefined, tf.minimum),
  Sum: variadic('ADD', 'AddOptions', tf.add),
  Equal: binary('EQUAL', undefined, tf.equal),
  Less: binary('LESS', undefined, tf.less),
  Greater: binary('GREATER', undefined, tf.greater),
  Sqrt: unary('SQRT', tf.sqrt),
  Exp: unary('EXP', tf.exp),
  Log: unary('LOG', tf.log),
  Abs: unary('ABS', tf.abs),
  Neg: unary('NEG', tf.neg),
  Floor: unary('FLOOR', tf.floor),
  Ceil: unary('CEIL', tf.ceil),
  Reciprocal: { convert: (ctx) => emitElementwise(ctx, 'DIV', [scalar(ctx, 'one', 1), ctx.tensorInput(0)], 'DivOptions', NO_ACT), fold: (_c, [x]) => tf.reciprocal(x!) },
  Relu: unary('RELU', tf.relu),
  Sigmoid: unary('LOGISTIC', tf.sigmoid),
  Tanh: unary('TANH', tf.tanh),
  Elu: {
    convert(ctx) {
      if (ctx.float('alpha', 1) !== 1) throw new ImportFault(`alpha ${ctx.float('alpha', 1)} (TFLite ELU has alpha 1)`);
      return emitUnary(ctx, 'ELU', ctx.tensorInput(0));
    },
  },
  LeakyRelu: unary('LEAKY_RELU', undefined, 'LeakyReluOptions', (ctx) => ({ alpha: ctx.float('alpha', 0.01) })),
  PRelu: prelu,
  Clip: clip,
  HardSigmoid: hardSigmoid,
  HardSwish: unary('HARD_SWISH'),
  Softmax: softmax('SOFTMAX'),
  LogSoftmax: softmax('LOG_SOFTMAX'),
  Gelu: gelu,
  BatchNormalization: batchNorm,
};

void shapeOf;
