import { broadcastShapes } from '../../broadcast.js';
import { ImportFault, identity, isIdentity, permOf, type OnnxContext, type OnnxValue, type TensorValue } from '../context.js';
import type { Value } from '../../graph-ops/types.js';

/**
 * Lines up the operands of an element-wise op in one physical axis order: the order of the first run-time
 * operand of full rank (so NHWC-stored activations stay NHWC), constants expanded and permuted to it.
 * Returns the builder values, the output's ONNX shape and the order the output is stored in.
 */
export function alignOperands(ctx: OnnxContext, operands: OnnxValue[]): { values: Value[]; shape: number[]; perm: number[] } {
  let shape: number[] = [];
  for (const v of operands) {
    const s = shapeOf(v);
    const b = broadcastShapes(shape, s);
    if (!b) throw new ImportFault(`shapes [${shape.join(', ')}] and [${s.join(', ')}] do not broadcast`);
    shape = b;
  }
  const rank = shape.length;
  const lead = operands.find((v): v is TensorValue => v.kind === 'tensor' && v.shape.length === rank && v.perm !== undefined);
  const perm = lead ? permOf(lead) : identity(rank);
  const values = operands.map((v) => {
    if (v.kind === 'const') {
      const expanded = { ...v.c, shape: [...new Array<number>(rank - v.c.shape.length).fill(1), ...v.c.shape] };
      // A scalar or an already-aligned constant keeps its shape (TFLite broadcasts it as ONNX does).
      if (isIdentity(perm) || v.c.shape.length === 0) return ctx.physical({ kind: 'const', c: v.c });
      return ctx.physical({ kind: 'const', c: expanded }, perm);
    }
    if (v.kind !== 'tensor') throw new Error('internal: poison operand');
    if (v.shape.length === rank) return ctx.physical(ctx.toPerm(v, perm));
    if (isIdentity(perm)) return ctx.physical(ctx.logical(v));
    // A lower-rank run-time operand: give it the full rank in ONNX order, then store it like the others.
    const full = [...new Array<number>(rank - v.shape.length).fill(1), ...v.shape];
    const reshaped = ctx.intermediate(`${ctx.layout.builder.tensors[v.index]!.name}_rank${rank}`, full, v.dtype);
    ctx.op('RESHAPE', [ctx.logical(v), ctx.int32('rank_shape', full)], [reshaped], 'ReshapeOptions', { newShape: full });
    return ctx.physical(ctx.toPerm(reshaped, perm));
  });
  return { values, shape, perm };
}

export function shapeOf(v: OnnxValue): number[] {
  if (v.kind === 'const') return v.c.shape;
  if (v.kind === 'tensor') return v.shape;
  throw new Error('internal: shape of a poisoned value');
}

export function dtypeOf(v: OnnxValue): 'float32' | 'int32' | 'bool' {
  if (v.kind === 'const') return v.c.dtype;
  if (v.kind === 'tensor') return v.dtype;
  throw new Error('internal: dtype of a poisoned value');
}
