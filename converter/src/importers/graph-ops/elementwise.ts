import * as tf from '@tensorflow/tfjs';
import { attrFloat, attrString } from './attrs.js';
import { ImportFault, OpContext, dtypeOf, shapeOf } from './context.js';
import type { OpDef, OpTable } from './table.js';
import type { Value, ValueDType } from './types.js';
import { broadcastShapes as broadcast } from '../broadcast.js';

// Element-wise ops: binary arithmetic with NumPy broadcasting, BiasAdd, activations and unary math.

/** Broadcast shape of two operands; an import fault when they do not broadcast. */
export function broadcastShapes(a: number[], b: number[]): number[] {
  const shape = broadcast(a, b);
  if (!shape) throw new ImportFault(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
  return shape;
}

export interface BinarySpec {
  opcode: string;
  optionsType?: string;
  options?: Record<string, unknown>;
  fold: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  /** Output type when it is not the operands' (comparisons give bool). */
  dtype?: ValueDType;
  /** The TFLite kernel takes operands of one shape only (ATAN2): a smaller operand is broadcast first. */
  sameShapes?: boolean;
}

/** A broadcasting two-operand op. */
export function binary(spec: BinarySpec): OpDef {
  return {
    convert(ctx) {
      const a = ctx.input(0);
      const b = ctx.input(1);
      const shape = broadcastShapes(shapeOf(a), shapeOf(b));
      const out = ctx.output(shape, spec.dtype ?? dtypeOf(a));
      const operands = spec.sameShapes ? [a, b].map((v, k) => broadcastTo(ctx, v, shape, k)) : [a, b];
      ctx.op(spec.opcode, operands, [out], spec.optionsType, spec.options);
      return out;
    },
    fold: (_ctx, [a, b]) => spec.fold(a!, b!),
  };
}

/** `v` as `shape`, through a BROADCAST_TO when it is smaller. */
function broadcastTo(ctx: OpContext, v: Value, shape: number[], k: number): Value {
  if (shapeOf(v).join() === shape.join()) return v;
  const wide = ctx.intermediate(`broadcast_${k}`, shape, dtypeOf(v));
  ctx.op('BROADCAST_TO', [v, ctx.int32(`broadcast_${k}/shape`, shape)], [wide], 'BroadcastToOptions', {});
  return wide;
}

export interface UnarySpec {
  opcode: string;
  optionsType?: string;
  options?: (ctx: OpContext) => Record<string, unknown>;
  fold: (x: tf.Tensor, ctx: OpContext) => tf.Tensor;
}

/** A one-operand op whose output has the input's shape and type. */
export function unary(spec: UnarySpec): OpDef {
  return {
    convert(ctx) {
      const x = ctx.input(0);
      const out = ctx.output(shapeOf(x), dtypeOf(x));
      ctx.op(spec.opcode, [x], [out], spec.optionsType, spec.options?.(ctx) ?? (spec.optionsType ? {} : undefined));
      return out;
    },
    fold: (ctx, [x]) => spec.fold(x!, ctx),
  };
}

const ADD = binary({ opcode: 'ADD', optionsType: 'AddOptions', options: { fusedActivationFunction: 0, potScaleInt16: true }, fold: tf.add });
const DIV = binary({ opcode: 'DIV', optionsType: 'DivOptions', options: { fusedActivationFunction: 0 }, fold: tf.div });

const biasAdd: OpDef = {
  convert(ctx) {
    const format = attrString(ctx.node, 'data_format', 'NHWC');
    if (format !== 'NHWC') throw new ImportFault(`data_format ${format}: TFLite is NHWC only; export the model channels-last`);
    return ADD.convert(ctx);
  },
  fold: (_ctx, [x, b]) => tf.add(x!, b!),
};

const leakyAlpha = (ctx: OpContext): number => attrFloat(ctx.node, 'alpha', 0.2);

export const ELEMENTWISE_OPS: OpTable = {
  Add: ADD,
  AddV2: ADD,
  BiasAdd: biasAdd,
  Sub: binary({ opcode: 'SUB', optionsType: 'SubOptions', options: { fusedActivationFunction: 0, potScaleInt16: true }, fold: tf.sub }),
  Mul: binary({ opcode: 'MUL', optionsType: 'MulOptions', options: { fusedActivationFunction: 0 }, fold: tf.mul }),
  RealDiv: DIV,
  Div: DIV,
  Maximum: binary({ opcode: 'MAXIMUM', optionsType: 'MaximumMinimumOptions', options: {}, fold: tf.maximum }),
  Minimum: binary({ opcode: 'MINIMUM', optionsType: 'MaximumMinimumOptions', options: {}, fold: tf.minimum }),
  SquaredDifference: binary({ opcode: 'SQUARED_DIFFERENCE', optionsType: 'SquaredDifferenceOptions', options: {}, fold: tf.squaredDifference }),
  Pow: binary({ opcode: 'POW', optionsType: 'PowOptions', options: {}, fold: tf.pow }),
  FloorDiv: binary({ opcode: 'FLOOR_DIV', optionsType: 'FloorDivOptions', options: {}, fold: tf.floorDiv }),
  FloorMod: binary({ opcode: 'FLOOR_MOD', optionsType: 'FloorModOptions', options: {}, fold: tf.mod }),
  Atan2: binary({ opcode: 'ATAN2', optionsType: 'ATan2Options', options: {}, fold: tf.atan2, sameShapes: true }),

  Relu: unary({ opcode: 'RELU', fold: (x) => tf.relu(x) }),
  Relu6: unary({ opcode: 'RELU6', fold: (x) => tf.relu6(x) }),
  Elu: unary({ opcode: 'ELU', fold: (x) => tf.elu(x) }),
  Sigmoid: unary({ opcode: 'LOGISTIC', fold: (x) => tf.sigmoid(x) }),
  Tanh: unary({ opcode: 'TANH', fold: (x) => tf.tanh(x) }),
  LeakyRelu: unary({
    opcode: 'LEAKY_RELU', optionsType: 'LeakyReluOptions', options: (ctx) => ({ alpha: leakyAlpha(ctx) }),
    fold: (x, ctx) => tf.leakyRelu(x, leakyAlpha(ctx)),
  }),
  Softmax: unary({ opcode: 'SOFTMAX', optionsType: 'SoftmaxOptions', options: () => ({ beta: 1 }), fold: (x) => tf.softmax(x) }),
  Rsqrt: unary({ opcode: 'RSQRT', fold: (x) => tf.rsqrt(x) }),
  Sqrt: unary({ opcode: 'SQRT', fold: (x) => tf.sqrt(x) }),
  Square: unary({ opcode: 'SQUARE', optionsType: 'SquareOptions', fold: (x) => tf.square(x) }),
  Exp: unary({ opcode: 'EXP', optionsType: 'ExpOptions', fold: (x) => tf.exp(x) }),
  Log: unary({ opcode: 'LOG', fold: (x) => tf.log(x) }),
  Neg: unary({ opcode: 'NEG', optionsType: 'NegOptions', fold: (x) => tf.neg(x) }),
  Abs: unary({ opcode: 'ABS', optionsType: 'AbsOptions', fold: (x) => tf.abs(x) }),
  Floor: unary({ opcode: 'FLOOR', fold: (x) => tf.floor(x) }),
  // TensorFlow, tfjs and TFLite all round half to even.
  Round: unary({ opcode: 'ROUND', fold: (x) => tf.round(x) }),
  Sign: unary({ opcode: 'SIGN', fold: (x) => tf.sign(x) }),
  Ceil: unary({ opcode: 'CEIL', fold: (x) => tf.ceil(x) }),
  Cos: unary({ opcode: 'COS', optionsType: 'CosOptions', fold: (x) => tf.cos(x) }),
  Sin: unary({ opcode: 'SIN', fold: (x) => tf.sin(x) }),
  LogSoftmax: unary({ opcode: 'LOG_SOFTMAX', optionsType: 'LogSoftmaxOptions', fold: (x) => tf.logSoftmax(x) }),

  Prelu: {
    convert(ctx) {
      const x = ctx.input(0);
      const out = ctx.output(shapeOf(x));
      ctx.op('PRELU', [x, ctx.input(1)], [out]);
      return out;
    },
    fold: (_ctx, [x, alpha]) => tf.prelu(x!, alpha!),
  },
};
