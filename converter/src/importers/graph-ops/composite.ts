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

/** Softplus as max(x, 0) + log(1 + exp(-|x|)), which neither overflows nor loses small values. */
const softplus: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const step = (opcode: string, inputs: Value[], name: string, optionsType?: string, options?: Record<string, unknown>): Value => {
      const out = name === '' ? ctx.output(shape) : ctx.intermediate(name, shape);
      ctx.op(opcode, inputs, [out], optionsType, options);
      return out;
    };
    const abs = step('ABS', [x], 'abs', 'AbsOptions', {});
    const neg = step('NEG', [abs], 'neg', 'NegOptions', {});
    const exp = step('EXP', [neg], 'exp', 'ExpOptions', {});
    const plus1 = step('ADD', [exp, scalar(ctx, 'one', 1, x)], 'one_plus_exp', 'AddOptions', ADD_OPTIONS);
    const log = step('LOG', [plus1], 'log1p_exp');
    const relu = step('RELU', [x], 'relu');
    return step('ADD', [relu, log], '', 'AddOptions', ADD_OPTIONS);
  },
  fold: (_ctx, [x]) => tf.softplus(x!),
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
};
