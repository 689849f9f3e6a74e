import * as tf from '@tensorflow/tfjs';
import { attrBool } from './attrs.js';
import { emitActivation, fusedCode, needsSeparateOp, parseFusedOps, type FusedOps } from './activation.js';
import { ImportFault, OpContext, shapeOf } from './context.js';
import type { OpTable } from './table.js';
import type { ConstTensor, Value } from './types.js';
import { broadcastShapes } from '../broadcast.js';

// MatMul and _FusedMatMul with a constant right-hand side become FULLY_CONNECTED (weights [out, in]);
// anything else (two activations, transpose_a, rank > 2) becomes BATCH_MATMUL.

/** [in, out] -> [out, in]. */
function transpose2d(c: ConstTensor): ConstTensor {
  const [rows, cols] = c.shape as [number, number];
  const src = c.data as Float32Array;
  const dst = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) dst[k * rows + r] = src[r * cols + k]!;
  return { name: c.name, dtype: 'float32', shape: [cols, rows], data: dst };
}

function convert(ctx: OpContext, fused: boolean, batch: boolean): Value {
  const a = ctx.input(0);
  const b = ctx.input(1);
  const adjA = attrBool(ctx.node, batch ? 'adj_x' : 'transpose_a', false);
  const adjB = attrBool(ctx.node, batch ? 'adj_y' : 'transpose_b', false);
  const post: FusedOps = fused ? parseFusedOps(ctx, 2) : { leakyAlpha: 0.2 };
  const aShape = shapeOf(a);
  const bShape = shapeOf(b);
  if (aShape.length < 2 || bShape.length < 2) throw new ImportFault('matmul operands must be at least rank 2');
  const m = aShape[aShape.length - (adjA ? 1 : 2)]!;
  const kA = aShape[aShape.length - (adjA ? 2 : 1)]!;
  const kB = bShape[bShape.length - (adjB ? 1 : 2)]!;
  const n = bShape[bShape.length - (adjB ? 2 : 1)]!;
  if (kA !== kB) throw new ImportFault(`inner dimensions differ: [${aShape.join(', ')}] x [${bShape.join(', ')}]`);
  if (post.bias && post.bias.data.length !== n) throw new ImportFault(`bias has ${post.bias.data.length} values for ${n} outputs`);

  const fullyConnected = b.kind === 'const' && b.c.dtype === 'float32' && !adjA && aShape.length === 2 && bShape.length === 2;
  const batchDims = broadcastBatch(aShape.slice(0, -2), bShape.slice(0, -2));
  const outShape = [...batchDims, m, n];
  const out = ctx.output(outShape);

  if (fullyConnected) {
    const weights = adjB ? b.c : transpose2d(b.c);
    const bias = ctx.constant(post.bias ? 'bias' : 'zero_bias', 'float32', [n], post.bias ? Float32Array.from(post.bias.data) : new Float32Array(n));
    const separate = needsSeparateOp(post.activation);
    const fcOut = separate ? ctx.intermediate('pre_activation', outShape) : out;
    ctx.op('FULLY_CONNECTED', [a, { kind: 'const', c: weights }, bias], [fcOut], 'FullyConnectedOptions', {
      fusedActivationFunction: fusedCode(post.activation), weightsFormat: 0, keepNumDims: false,
      asymmetricQuantizeInputs: false, quantizedBiasType: 0,
    });
    if (separate) emitActivation(ctx, post.activation!, fcOut, out, post);
    return out;
  }

  if (post.batchNorm) throw new ImportFault('a fused batch norm on a matmul is not supported');
  let current: Value = post.bias || post.activation ? ctx.intermediate('matmul', outShape) : out;
  ctx.op('BATCH_MATMUL', [a, b], [current], 'BatchMatMulOptions', { adjX: adjA, adjY: adjB, asymmetricQuantizeInputs: false });
  if (post.bias) {
    const withBias = post.activation ? ctx.intermediate('bias_add', outShape) : out;
    const fusable = post.activation !== undefined && !needsSeparateOp(post.activation);
    const target = fusable ? out : withBias;
    ctx.op('ADD', [current, { kind: 'const', c: post.bias }], [target], 'AddOptions', {
      fusedActivationFunction: fusedCode(post.activation), potScaleInt16: true,
    });
    if (fusable) return out;
    current = withBias;
  }
  if (post.activation) emitActivation(ctx, post.activation, current, out, post);
  return out;
}

/** Broadcast of the batch dimensions of a batched matmul. */
function broadcastBatch(a: number[], b: number[]): number[] {
  const shape = broadcastShapes(a, b);
  if (!shape) throw new ImportFault(`batch dimensions [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
  return shape;
}

const foldMatMul = (ctx: OpContext, [a, b]: tf.Tensor[]): tf.Tensor =>
  tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, attrBool(ctx.node, 'transpose_a', false), attrBool(ctx.node, 'transpose_b', false));

export const MATMUL_OPS: OpTable = {
  MatMul: { convert: (ctx) => convert(ctx, false, false), fold: foldMatMul },
  _FusedMatMul: { convert: (ctx) => convert(ctx, true, false) },
  BatchMatMul: { convert: (ctx) => convert(ctx, false, true) },
  BatchMatMulV2: { convert: (ctx) => convert(ctx, false, true) },
  // V3 adds operand/result type attributes; float graphs use float throughout.
  BatchMatMulV3: { convert: (ctx) => convert(ctx, false, true) },
};
