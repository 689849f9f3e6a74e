import * as tf from '@tensorflow/tfjs';
import { attrString } from './attrs.js';
import { ImportFault, dtypeOf, shapeOf, type OpContext } from './context.js';
import type { OpDef, OpTable } from './table.js';
import type { Value } from './types.js';

// Einsum of two operands as a matrix product: each letter is a batch axis (in both operands and the
// output), a contracted axis (in both, not the output), or a free axis of one operand. Operands are
// transposed to [batch, free, contracted] / [batch, contracted, free], flattened to matrices, multiplied
// (FULLY_CONNECTED when the right operand is a constant without batch axes, else BATCH_MATMUL), and the
// product is unflattened and transposed to the output's letter order. Ellipses, repeated letters and
// letters summed away from one operand alone are refused.

interface Plan {
  a: string;
  b: string;
  out: string;
}

function parse(equation: string): Plan {
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('.')) throw new ImportFault(`equation '${equation}': ellipsis (...) is not supported`);
  const [lhs, rhs] = eq.split('->');
  const operands = (lhs ?? '').split(',');
  if (operands.length !== 2) throw new ImportFault(`equation '${equation}' has ${operands.length} operand(s); only two-operand forms convert`);
  const [a, b] = operands as [string, string];
  const out = rhs ?? [...new Set(a + b)].filter((l) => (a + b).split(l).length === 2).sort().join('');
  for (const term of [a, b, out]) {
    if (!/^[a-zA-Z]*$/.test(term) || new Set(term).size !== term.length) {
      throw new ImportFault(`equation '${equation}': term '${term}' repeats a letter (a trace or diagonal)`);
    }
  }
  return { a, b, out };
}

const product = (dims: number[]): number => dims.reduce((p, q) => p * q, 1);
const isIdentity = (perm: number[]): boolean => perm.every((p, k) => p === k);

function convert(ctx: OpContext): Value {
  const { a, b, out } = parse(attrString(ctx.node, 'equation', ''));
  const [x, y] = [ctx.input(0), ctx.input(1)];
  const [xs, ys] = [shapeOf(x), shapeOf(y)];
  if (xs.length !== a.length || ys.length !== b.length) throw new ImportFault(`equation terms '${a}', '${b}' do not match ranks ${xs.length}, ${ys.length}`);
  for (const l of a + b) {
    if (!out.includes(l) && !(a.includes(l) && b.includes(l))) throw new ImportFault(`letter '${l}' is summed within one operand`);
  }
  for (const l of out) if (!a.includes(l) && !b.includes(l)) throw new ImportFault(`output letter '${l}' is in no operand`);
  const size = (l: string): number => (a.includes(l) ? xs[a.indexOf(l)]! : ys[b.indexOf(l)]!);
  for (const l of a) {
    if (b.includes(l) && xs[a.indexOf(l)] !== ys[b.indexOf(l)]) throw new ImportFault(`letter '${l}' has sizes ${xs[a.indexOf(l)]} and ${ys[b.indexOf(l)]}`);
  }
  const batch = [...out].filter((l) => a.includes(l) && b.includes(l));
  const freeA = [...out].filter((l) => a.includes(l) && !b.includes(l));
  const freeB = [...out].filter((l) => b.includes(l) && !a.includes(l));
  const contract = [...a].filter((l) => b.includes(l) && !out.includes(l));
  const [bs, m, k, n] = [batch.map(size), product(freeA.map(size)), product(contract.map(size)), product(freeB.map(size))];

  const productLetters = [...batch, ...freeA, ...freeB];
  const productShape = productLetters.map(size);
  const finalPerm = [...out].map((l) => productLetters.indexOf(l));
  const needPerm = !isIdentity(finalPerm);
  const matShape = [...bs, m, n];
  const needUnflatten = matShape.join() !== productShape.join();

  let step = 0;
  const emit = (opcode: string, inputs: Value[], shape: number[], last: boolean, suffix: string, optionsType: string, options: Record<string, unknown>): Value => {
    const o = last ? ctx.output(shape, dtypeOf(x)) : ctx.intermediate(`${suffix}_${step++}`, shape, dtypeOf(x));
    ctx.op(opcode, inputs, [o], optionsType, options);
    return o;
  };
  const transpose = (v: Value, perm: number[]): Value => (isIdentity(perm) ? v
    : emit('TRANSPOSE', [v, ctx.int32(`perm_${step}`, perm)], perm.map((p) => shapeOf(v)[p]!), false, 'transpose', 'TransposeOptions', {}));
  const reshape = (v: Value, shape: number[], last = false): Value => (!last && shapeOf(v).join() === shape.join() ? v
    : emit('RESHAPE', [v, ctx.int32(`shape_${step}`, shape)], shape, last, 'reshape', 'ReshapeOptions', { newShape: shape }));

  const lhs = reshape(transpose(x, [...batch, ...freeA, ...contract].map((l) => a.indexOf(l))), [...bs, m, k]);
  const last = !needPerm && !needUnflatten;
  let result: Value;
  if (y.kind === 'const' && dtypeOf(y) === 'float32' && batch.length === 0) {
    // Weights [n, k] for FULLY_CONNECTED, laid out at import.
    const w = tf.tidy(() => {
      const t = tf.tensor(y.c.data, y.c.shape, 'float32');
      return tf.transpose(tf.reshape(tf.transpose(t, [...contract, ...freeB].map((l) => b.indexOf(l))), [k, n])).dataSync() as Float32Array;
    });
    const weights = ctx.constant('weights', 'float32', [n, k], w);
    const bias = ctx.constant('zero_bias', 'float32', [n], new Float32Array(n));
    result = emit('FULLY_CONNECTED', [lhs, weights, bias], [m, n], last, 'matmul', 'FullyConnectedOptions', {
      fusedActivationFunction: 0, weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: 0,
    });
  } else {
    const rhs = reshape(transpose(y, [...batch, ...contract, ...freeB].map((l) => b.indexOf(l))), [...bs, k, n]);
    result = emit('BATCH_MATMUL', [lhs, rhs], matShape, last, 'matmul', 'BatchMatMulOptions', { adjX: false, adjY: false, asymmetricQuantizeInputs: false });
  }
  if (needUnflatten) result = reshape(result, productShape, !needPerm);
  if (needPerm) result = emit('TRANSPOSE', [result, ctx.int32('output_perm', finalPerm)], [...out].map(size), true, 'transpose', 'TransposeOptions', {});
  return result;
}

const einsum: OpDef = {
  convert,
  fold: (ctx, [x, y]) => tf.einsum(attrString(ctx.node, 'equation', ''), x!, y!),
};

export const EINSUM_OPS: OpTable = { Einsum: einsum };
