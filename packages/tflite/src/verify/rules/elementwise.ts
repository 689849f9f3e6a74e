import type { DType } from '../../dtypes.js';
import { broadcastShapes, NUMERIC_TYPES, type OpCheck } from '../check.js';
import { checkFixedOutput, checkSameQuantization, requireQuantized } from '../quantization.js';
import type { RuleTable } from './types.js';

const FLOAT: DType[] = ['float32'];
const FLOAT_Q: DType[] = ['float32', 'int8', 'uint8', 'int16'];
const SIGNED: DType[] = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'];
const BOOL: DType[] = ['bool'];

/** One input, one output of the same shape; `out` gives the output dtype (default: the input's). */
function unary(types: readonly DType[], extra?: (c: OpCheck) => void, out?: DType) {
  return (c: OpCheck): void => {
    c.inputs(1);
    c.outputs(1);
    const x = c.in(0);
    const y = c.out(0);
    c.dtype(x, types, 'input');
    if (out) c.dtype(y, [out], 'output');
    else c.sameDtype(x, y, 'input and output');
    c.shape(y, x.shape, 'output');
    if (x.dtype === 'int8' || x.dtype === 'uint8') {
      requireQuantized(c, x, 'input');
      requireQuantized(c, y, 'output');
    }
    extra?.(c);
  };
}

/** Two inputs of one dtype broadcast against each other; `out` gives the output dtype (default: the inputs'). */
function binary(types: readonly DType[], options: { activation?: boolean; out?: DType } = {}) {
  return (c: OpCheck): void => {
    c.inputs(2);
    c.outputs(1);
    const a = c.in(0);
    const b = c.in(1);
    const y = c.out(0);
    c.dtype(a, types, 'input 0');
    c.sameDtype(a, b, 'inputs 0 and 1');
    if (options.out) c.dtype(y, [options.out], 'output');
    else c.sameDtype(a, y, 'input and output');
    if (options.activation) c.activation();
    const shape = broadcastShapes(a.shape, b.shape);
    if (!shape) {
      c.fail('shape.broadcast', `inputs [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not broadcast`, { a: a.shape, b: b.shape });
    }
    c.shape(y, shape, 'output');
    if ((a.dtype === 'int8' || a.dtype === 'uint8') && !options.out) {
      requireQuantized(c, a, 'input 0');
      requireQuantized(c, b, 'input 1');
      requireQuantized(c, y, 'output');
    }
  };
}

const fixed = (scale8: number, zero8: number, scale16: number) => (c: OpCheck) =>
  checkFixedOutput(c, c.out(0), { int8: [scale8, zero8], uint8: [scale8, zero8 + 128], int16: [scale16, 0] });

const sameQuant = (c: OpCheck) => checkSameQuantization(c, c.in(0), c.out(0));

export const ELEMENTWISE_RULES: RuleTable = {
  ADD: binary(['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'], { activation: true }),
  SUB: binary(['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'], { activation: true }),
  MUL: binary(['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'complex64'], { activation: true }),
  DIV: binary(['float32', 'int32', 'uint8'], { activation: true }),
  MAXIMUM: binary(SIGNED),
  MINIMUM: binary(SIGNED),
  POW: binary(['float32', 'int32']),
  SQUARED_DIFFERENCE: binary(['float32', 'int8', 'int32']),
  FLOOR_DIV: binary(['float32', 'int8', 'int16', 'int32']),
  FLOOR_MOD: binary(['float32', 'int8', 'int16', 'int32', 'int64']),
  LESS: binary(SIGNED, { out: 'bool' }),
  LESS_EQUAL: binary(SIGNED, { out: 'bool' }),
  GREATER: binary(SIGNED, { out: 'bool' }),
  GREATER_EQUAL: binary(SIGNED, { out: 'bool' }),
  EQUAL: binary([...SIGNED, 'bool', 'string'], { out: 'bool' }),
  NOT_EQUAL: binary([...SIGNED, 'bool', 'string'], { out: 'bool' }),
  LOGICAL_AND: binary(BOOL),
  LOGICAL_OR: binary(BOOL),
  LOGICAL_NOT: unary(BOOL),
  ABS: unary(['float32', 'int8', 'uint8', 'int16', 'int32']),
  NEG: unary(['float32', 'int8', 'int32', 'int64']),
  FLOOR: unary(FLOAT),
  CEIL: unary(FLOAT),
  ROUND: unary(FLOAT),
  SIGN: unary(['float32', 'float64', 'int32']),
  SQUARE: unary(['float32', 'int32']),
  SQRT: unary(FLOAT_Q),
  RSQRT: unary(FLOAT_Q),
  EXP: unary(FLOAT_Q),
  LOG: unary(FLOAT_Q),
  SIN: unary(FLOAT),
  COS: unary(FLOAT),
  ZEROS_LIKE: unary(['float32', 'int32', 'int64', 'bool']),
  ONES_LIKE: unary(['float32', 'int32', 'int64', 'bool']),
  CAST: (c) => {
    c.inputs(1);
    c.outputs(1);
    c.dtype(c.in(0), [...NUMERIC_TYPES, 'bool', 'float64', 'uint16', 'uint32', 'int4', 'bfloat16', 'complex64'], 'input');
    c.dtype(c.out(0), [...NUMERIC_TYPES, 'bool', 'float64', 'uint16', 'uint32', 'bfloat16', 'complex64'], 'output');
    c.shape(c.out(0), c.in(0).shape, 'output');
  },
  RELU: unary(FLOAT_Q),
  RELU6: unary(FLOAT_Q),
  RELU_N1_TO_1: unary(FLOAT_Q),
  RELU_0_TO_1: unary(FLOAT_Q),
  LOGISTIC: unary(FLOAT_Q, fixed(1 / 256, -128, 1 / 32768)),
  TANH: unary(FLOAT_Q, fixed(1 / 128, 0, 1 / 32768)),
  ELU: unary(['float32', 'int8']),
  GELU: unary(['float32', 'int8', 'uint8'], (c) => c.option('approximate', false)),
  HARD_SWISH: unary(FLOAT_Q),
  LEAKY_RELU: unary(FLOAT_Q, (c) => c.numberOption('alpha', 0)),
  SOFTMAX: unary(FLOAT_Q, (c) => {
    const beta = c.numberOption('beta', 0);
    if (!(beta > 0)) c.fail('options.beta', `beta is ${beta}; softmax needs beta > 0`, { beta });
    if (c.in(0).shape.length === 0) c.fail('shape.rank', 'softmax needs rank >= 1', { shape: c.in(0).shape });
    fixed(1 / 256, -128, 1 / 32768)(c);
  }),
  LOG_SOFTMAX: unary(['float32', 'int8', 'uint8'], (c) => checkFixedOutput(c, c.out(0), { int8: [16 / 256, 127], uint8: [16 / 256, 255] })),
  L2_NORMALIZATION: unary(['float32', 'int8', 'uint8'], (c) => {
    c.activation();
    checkFixedOutput(c, c.out(0), { int8: [1 / 128, 0], uint8: [1 / 128, 128] });
  }),
  PRELU: (c) => {
    c.inputs(2);
    c.outputs(1);
    const x = c.in(0);
    const alpha = c.in(1);
    c.dtype(x, ['float32', 'int8', 'uint8'], 'input');
    c.sameDtype(x, alpha, 'input and alpha');
    c.sameDtype(x, c.out(0), 'input and output');
    const shape = broadcastShapes(x.shape, alpha.shape);
    if (!shape) c.fail('shape.broadcast', `alpha [${alpha.shape.join(', ')}] does not broadcast to input [${x.shape.join(', ')}]`, { input: x.shape, alpha: alpha.shape });
    c.shape(c.out(0), shape!, 'output');
  },
  ADD_N: (c) => {
    c.inputs(1, 64);
    c.outputs(1);
    const first = c.in(0);
    c.dtype(first, ['float32', 'int32'], 'input 0');
    c.op.inputs.forEach((_, i) => {
      const t = c.in(i);
      c.sameDtype(first, t, `inputs 0 and ${i}`);
      c.shape(t, first.shape, `input ${i}`);
    });
    c.shape(c.out(0), first.shape, 'output');
  },
  // TFLite's ATAN2 checks only that the ranks agree and reads x element by element: no broadcasting.
  ATAN2: (c) => {
    binary(['float32', 'float64'])(c);
    const [y, x] = [c.in(0), c.in(1)];
    if (y.shape.length !== x.shape.length || y.shape.some((d, k) => d !== x.shape[k])) {
      c.fail('shape.same', `y [${y.shape.join(', ')}] and x [${x.shape.join(', ')}] must have one shape; ${c.opcode} does not broadcast`, { y: y.shape, x: x.shape });
    }
  },
  LOCAL_RESPONSE_NORMALIZATION: unary(FLOAT, (c) => {
    c.rank(c.in(0), 4, 'input');
    c.intOption('radius', 0, 0);
    ['bias', 'alpha', 'beta'].forEach((name) => c.numberOption(name, 0));
  }),
  SELECT: select(false),
  SELECT_V2: select(true),
  QUANTIZE: (c) => {
    c.inputs(1);
    c.outputs(1);
    c.dtype(c.in(0), ['float32', 'int8', 'uint8', 'int16'], 'input');
    c.dtype(c.out(0), ['int8', 'uint8', 'int16'], 'output');
    if (!(c.out(0).quantization?.scale.length)) c.fail('quantization.missing', `output '${c.out(0).name}' has no scale and zero point`, {});
    c.shape(c.out(0), c.in(0).shape, 'output');
  },
  DEQUANTIZE: (c) => {
    c.inputs(1);
    c.outputs(1);
    const x = c.in(0);
    c.dtype(x, ['int8', 'uint8', 'int16', 'float16', 'int4'], 'input');
    c.dtype(c.out(0), ['float32'], 'output');
    if (x.dtype !== 'float16' && !(x.quantization?.scale.length)) c.fail('quantization.missing', `input '${x.name}' is ${x.dtype} without scale and zero point`, {});
    c.shape(c.out(0), x.shape, 'output');
  },
};

/** SELECT: condition of the inputs' shape (or rank 1 matching dimension 0); SELECT_V2 broadcasts all three. */
function select(broadcasts: boolean) {
  return (c: OpCheck): void => {
    c.inputs(3);
    c.outputs(1);
    const [cond, x, y] = [c.in(0), c.in(1), c.in(2)];
    c.dtype(cond, ['bool'], 'condition');
    c.sameDtype(x, y, 'inputs 1 and 2');
    c.sameDtype(x, c.out(0), 'input and output');
    let shape: number[] | undefined;
    if (broadcasts) {
      const xy = broadcastShapes(x.shape, y.shape);
      shape = xy && broadcastShapes(cond.shape, xy);
    } else {
      const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, k) => d === b[k]);
      const condOk = same(cond.shape, x.shape) || (cond.shape.length === 1 && cond.shape[0] === x.shape[0]) || cond.shape.length === 0;
      shape = same(x.shape, y.shape) && condOk ? x.shape : undefined;
    }
    if (!shape) c.fail('shape.broadcast', `condition [${cond.shape.join(', ')}], x [${x.shape.join(', ')}], y [${y.shape.join(', ')}] do not fit together`, { cond: cond.shape, x: x.shape, y: y.shape });
    c.shape(c.out(0), shape, 'output');
  };
}


