import * as tf from '@tensorflow/tfjs';
import { ImportFault, dtypeOf, shapeOf, type OpContext } from './context.js';
import { broadcastShapes } from './elementwise.js';
import type { OpDef, OpTable } from './table.js';
import type { Value } from './types.js';

// TensorFlow ops with no TFLite builtin of their own, written as the builtins that compute them.

const ADD_OPTIONS = { fusedActivationFunction: 0, potScaleInt16: true };

function scalar(ctx: OpContext, suffix: string, value: number, like: Value): Value {
  const dtype = dtypeOf(like);
  if (dtype === 'bool') throw new ImportFault('bool operands have no arithmetic');
  return ctx.constant(suffix, dtype, [], dtype === 'float32' ? Float32Array.of(value) : Int32Array.of(value));
}

/** AddN: a chain of ADDs (ADD quantizes to int8; TFLite's ADD_N has float and int32 kernels only). */
const addN: OpDef = {
  convert(ctx) {
    const values = ctx.inputs;
    if (values.length === 1) return values[0]!;
    const shape = values.map(shapeOf).reduce((a, b) => broadcastShapes(a, b));
    let acc = values[0]!;
    for (let k = 1; k < values.length; k++) {
      const out = k === values.length - 1 ? ctx.output(shape, dtypeOf(acc)) : ctx.intermediate(`sum_${k}`, shape, dtypeOf(acc));
      ctx.op('ADD', [acc, values[k]!], [out], 'AddOptions', ADD_OPTIONS);
      acc = out;
    }
    return acc;
  },
  fold: (_ctx, values) => tf.addN(values),
};

/** Reciprocal (and its old name Inv): DIV(1, x). */
const reciprocal: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const out = ctx.output(shapeOf(x), dtypeOf(x));
    ctx.op('DIV', [scalar(ctx, 'one', 1, x), x], [out], 'DivOptions', { fusedActivationFunction: 0 });
    return out;
  },
  fold: (_ctx, [x]) => tf.reciprocal(x!),
};

/** Emits a chain of element-wise builtins of one shape; the step named '' is the node's output. */
function elementwise(ctx: OpContext, like: Value) {
  const shape = shapeOf(like);
  const dtype = dtypeOf(like);
  const step = (opcode: string, inputs: Value[], name: string, optionsType?: string, options?: Record<string, unknown>): Value => {
    const out = name === '' ? ctx.output(shape, dtype) : ctx.intermediate(name, shape, dtype);
    ctx.op(opcode, inputs, [out], optionsType, options);
    return out;
  };
  const c = (suffix: string, value: number): Value => scalar(ctx, suffix, value, like);
  return {
    step,
    c,
    add: (a: Value, b: Value, name: string) => step('ADD', [a, b], name, 'AddOptions', ADD_OPTIONS),
    sub: (a: Value, b: Value, name: string) => step('SUB', [a, b], name, 'SubOptions', ADD_OPTIONS),
    mul: (a: Value, b: Value, name: string) => step('MUL', [a, b], name, 'MulOptions', { fusedActivationFunction: 0 }),
  };
}

/** Softplus as max(x, 0) + log(1 + exp(-|x|)), which neither overflows nor loses small values. */
const softplus: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const e = elementwise(ctx, x);
    const abs = e.step('ABS', [x], 'abs', 'AbsOptions', {});
    const neg = e.step('NEG', [abs], 'neg', 'NegOptions', {});
    const exp = e.step('EXP', [neg], 'exp', 'ExpOptions', {});
    const log = e.step('LOG', [e.add(exp, e.c('one', 1), 'one_plus_exp')], 'log1p_exp');
    return e.add(e.step('RELU', [x], 'relu'), log, '');
  },
  fold: (_ctx, [x]) => tf.softplus(x!),
};

// Abramowitz & Stegun 7.1.26 (absolute error under 1.5e-7), the approximation tfjs' own Erf kernel uses.
const ERF_P = 0.3275911;
const ERF_A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];

/** Erf (no TFLite builtin): sign(x) * (1 - t * poly(t) * exp(-x²)), t = 1 / (1 + p|x|). */
const erf: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    if (dtypeOf(x) !== 'float32') throw new ImportFault('Erf of a non-float tensor');
    const e = elementwise(ctx, x);
    const abs = e.step('ABS', [x], 'abs', 'AbsOptions', {});
    const denom = e.add(e.mul(abs, e.c('p', ERF_P), 'p_abs'), e.c('one', 1), 'denominator');
    const t = e.step('DIV', [e.c('one_', 1), denom], 't', 'DivOptions', { fusedActivationFunction: 0 });
    let poly = e.mul(t, e.c('a5', ERF_A[4]!), 'poly_4');
    for (let k = 3; k >= 0; k--) poly = e.mul(t, e.add(poly, e.c(`a${k + 1}`, ERF_A[k]!), `poly_${k}_sum`), `poly_${k}`);
    const gauss = e.step('EXP', [e.step('NEG', [e.step('SQUARE', [abs], 'square', 'SquareOptions', {})], 'neg_square', 'NegOptions', {})], 'gauss', 'ExpOptions', {});
    const magnitude = e.sub(e.c('one__', 1), e.mul(poly, gauss, 'tail'), 'magnitude');
    return e.mul(e.step('SIGN', [x], 'sign'), magnitude, '');
  },
  fold: (_ctx, [x]) => tf.erf(x!),
};

/** ClipByValue(x, lo, hi) = MINIMUM(MAXIMUM(x, lo), hi). */
const clipByValue: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = broadcastShapes(shapeOf(x), broadcastShapes(shapeOf(ctx.input(1)), shapeOf(ctx.input(2))));
    const low = ctx.intermediate('at_least_min', broadcastShapes(shapeOf(x), shapeOf(ctx.input(1))), dtypeOf(x));
    ctx.op('MAXIMUM', [x, ctx.input(1)], [low], 'MaximumMinimumOptions', {});
    const out = ctx.output(shape, dtypeOf(x));
    ctx.op('MINIMUM', [low, ctx.input(2)], [out], 'MaximumMinimumOptions', {});
    return out;
  },
  fold: (_ctx, [x, lo, hi]) => tf.minimum(tf.maximum(x!, lo!), hi!),
};

/** Log1p = LOG(1 + x), Expm1 = EXP(x) - 1: TFLite has neither; float32 keeps ~1e-7 absolute accuracy. */
const log1p: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const e = elementwise(ctx, x);
    return e.step('LOG', [e.add(x, e.c('one', 1), 'one_plus_x')], '');
  },
  fold: (_ctx, [x]) => tf.log1p(x!),
};

const expm1: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const e = elementwise(ctx, x);
    return e.sub(e.step('EXP', [x], 'exp', 'ExpOptions', {}), e.c('one', 1), '');
  },
  fold: (_ctx, [x]) => tf.expm1(x!),
};

// SELU's constants, as TensorFlow defines them.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * Selu: scale * (x > 0 ? x : alpha * (exp(x) - 1)) = scale * LEAKY_RELU(ELU(x), alpha), since ELU keeps
 * the sign of x.
 */
const selu: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const elu = ctx.intermediate('elu', shape);
    ctx.op('ELU', [x], [elu]);
    const leaky = ctx.intermediate('alpha_below_zero', shape);
    ctx.op('LEAKY_RELU', [elu], [leaky], 'LeakyReluOptions', { alpha: SELU_ALPHA });
    const out = ctx.output(shape);
    ctx.op('MUL', [leaky, scalar(ctx, 'scale', SELU_SCALE, x)], [out], 'MulOptions', { fusedActivationFunction: 0 });
    return out;
  },
  fold: (_ctx, [x]) => tf.selu(x!),
};

export const COMPOSITE_OPS: OpTable = {
  AddN: addN,
  Reciprocal: reciprocal,
  Inv: reciprocal,
  Softplus: softplus,
  Selu: selu,
  Erf: erf,
  ClipByValue: clipByValue,
  Log1p: log1p,
  Expm1: expm1,
};
