import * as tf from '@tensorflow/tfjs';
import { ImportFault, dtypeOf, shapeOf } from './context.js';
import { binary, broadcastShapes, unary } from './elementwise.js';
import type { OpDef, OpTable } from './table.js';

// Comparisons (bool results), logic on bools, and choosing between tensors by a bool condition.

const compare = (opcode: string, optionsType: string, fold: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpDef =>
  binary({ opcode, optionsType, options: {}, fold, dtype: 'bool' });

/**
 * Select picks rows when its condition is a vector over the first axis (TFLite SELECT does the same);
 * SelectV2 broadcasts all three operands (SELECT_V2).
 */
function select(opcode: 'SELECT' | 'SELECT_V2'): OpDef {
  return {
    convert(ctx) {
      const [cond, a, b] = [ctx.input(0), ctx.input(1), ctx.input(2)];
      if (dtypeOf(cond) !== 'bool') throw new ImportFault(`the condition is ${dtypeOf(cond)}, not bool`);
      const shape = opcode === 'SELECT' ? broadcastShapes(shapeOf(a), shapeOf(b))
        : broadcastShapes(shapeOf(cond), broadcastShapes(shapeOf(a), shapeOf(b)));
      const out = ctx.output(shape, dtypeOf(a));
      ctx.op(opcode, [cond, a, b], [out], opcode === 'SELECT' ? 'SelectOptions' : 'SelectV2Options', {});
      return out;
    },
    fold: (_ctx, [cond, a, b]) => tf.where(cond!, a!, b!),
  };
}

/** Where(condition) lists the coordinates of true elements: how many is known only at run time. */
const where: OpDef = {
  convert() {
    throw new ImportFault('its output size (the number of true elements) is known only at run time, and this converter '
      + 'writes static shapes; cut the graph before it (--outputs) or compute a mask with SelectV2 instead');
  },
  // tfjs has only the asynchronous whereAsync; with constant input the coordinates are listed here.
  fold: (_ctx, [cond]) => {
    const c = cond!;
    const values = c.dataSync();
    const rows: number[][] = [];
    const strides = c.shape.map((_d, i) => c.shape.slice(i + 1).reduce((p, q) => p * q, 1));
    values.forEach((v, flat) => {
      if (v) rows.push(strides.map((s, i) => Math.floor(flat / s) % c.shape[i]!));
    });
    return tf.tensor2d(rows.flat(), [rows.length, c.rank], 'int32');
  },
};

export const COMPARE_OPS: OpTable = {
  Less: compare('LESS', 'LessOptions', tf.less),
  LessEqual: compare('LESS_EQUAL', 'LessEqualOptions', tf.lessEqual),
  Greater: compare('GREATER', 'GreaterOptions', tf.greater),
  GreaterEqual: compare('GREATER_EQUAL', 'GreaterEqualOptions', tf.greaterEqual),
  Equal: compare('EQUAL', 'EqualOptions', tf.equal),
  NotEqual: compare('NOT_EQUAL', 'NotEqualOptions', tf.notEqual),
  LogicalAnd: binary({ opcode: 'LOGICAL_AND', optionsType: 'LogicalAndOptions', options: {}, fold: tf.logicalAnd }),
  LogicalOr: binary({ opcode: 'LOGICAL_OR', optionsType: 'LogicalOrOptions', options: {}, fold: tf.logicalOr }),
  LogicalNot: unary({ opcode: 'LOGICAL_NOT', optionsType: 'LogicalNotOptions', fold: (x) => tf.logicalNot(x) }),
  Select: select('SELECT'),
  SelectV2: select('SELECT_V2'),
  Where: where,
};
