import type { ConstTensor, Value, ValueDType } from '../graph-ops/types.js';
import { GraphBuilder, ImportFault } from '../graph-ops/context.js';
import type { OnnxAttr, OnnxNode } from './read-model.js';

export { ImportFault };

/**
 * What one ONNX value became. Shapes are the ONNX (logical) shapes. A run-time tensor may be stored in
 * another axis order than ONNX's: `perm[i]` is the logical axis that physical axis i holds (NHWC storage of
 * an NCHW value is perm [0, 2, 3, 1]); absent means the ONNX order. Constants are always in ONNX order and
 * are permuted when an op materializes them.
 */
export type OnnxValue =
  | { kind: 'const'; c: ConstTensor }
  | { kind: 'tensor'; index: number; shape: number[]; dtype: ValueDType; perm?: number[] }
  | { kind: 'poison' };

export type TensorValue = OnnxValue & { kind: 'tensor' };

export const NHWC = [0, 2, 3, 1];

export function identity(rank: number): number[] {
  return Array.from({ length: rank }, (_v, i) => i);
}

export function permOf(v: TensorValue): number[] {
  return v.perm ?? identity(v.shape.length);
}

export function isIdentity(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

export function samePerm(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

export function invert(perm: readonly number[]): number[] {
  const inv: number[] = [];
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export function permute<T>(values: readonly T[], perm: readonly number[]): T[] {
  return perm.map((p) => values[p]!);
}

/** Moves a constant's data into the physical axis order `perm` (physical axis i = logical axis perm[i]). */
export function permuteConst(c: ConstTensor, perm: readonly number[]): ConstTensor {
  if (isIdentity(perm)) return c;
  const shape = permute(c.shape, perm);
  const n = c.data.length;
  const data = new (c.data.constructor as new (n: number) => Float32Array | Int32Array | Uint8Array)(n);
  const inStrides = strides(c.shape);
  const outStrides = strides(shape);
  const rank = shape.length;
  for (let o = 0; o < n; o++) {
    let rest = o;
    let src = 0;
    for (let i = 0; i < rank; i++) {
      const coord = Math.floor(rest / outStrides[i]!);
      rest -= coord * outStrides[i]!;
      src += coord * inStrides[perm[i]!]!;
    }
    data[o] = c.data[src]!;
  }
  return { name: c.name, dtype: c.dtype, shape, data };
}

export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * True when the tensor stored in `perm` order has its elements in the same memory order as in ONNX order,
 * so a RESHAPE of the stored tensor is the ONNX reshape (e.g. NHWC [N,1,1,C] for NCHW [N,C,1,1]).
 */
export function sameMemoryOrder(shape: readonly number[], perm: readonly number[]): boolean {
  const order = perm.filter((p) => shape[p] !== 1);
  return order.every((p, i) => i === 0 || p > order[i - 1]!);
}

/** The TFLite side of the import: the graph builder and the layout changes made so far (to reuse and cancel them). */
export class LayoutBuilder {
  readonly builder = new GraphBuilder();
  private readonly transposed = new Map<string, TensorValue>();

  /** The builder's value of an ONNX value (constants in the physical order `perm`). */
  physical(v: OnnxValue, perm?: readonly number[]): Value {
    if (v.kind === 'poison') throw new Error('internal: a poisoned value reached the builder');
    if (v.kind === 'const') return { kind: 'const', c: perm ? permuteConst(v.c, perm) : v.c };
    return { kind: 'tensor', index: v.index, shape: permute(v.shape, permOf(v)), dtype: v.dtype };
  }

  /** A tensor of the given ONNX shape, stored in `perm` order. */
  tensor(name: string, shape: number[], dtype: ValueDType, perm?: readonly number[]): TensorValue {
    const p = perm && !isIdentity(perm) ? perm.slice() : undefined;
    const t = this.builder.activation(name, dtype, p ? permute(shape, p) : shape);
    return p ? { kind: 'tensor', index: t.index, shape: shape.slice(), dtype, perm: p } : { kind: 'tensor', index: t.index, shape: shape.slice(), dtype };
  }

  /**
   * The value stored in `perm` order: one TRANSPOSE, made once per tensor and order, and none when going
   * back to an order the tensor was transposed from (a transpose pair cancels).
   */
  toPerm(v: TensorValue, perm: readonly number[]): TensorValue {
    const current = permOf(v);
    if (samePerm(current, perm)) return v;
    const key = `${v.index}:${perm.join(',')}`;
    const known = this.transposed.get(key);
    if (known) return known;
    const inv = invert(current);
    const t = this.tensor(`${this.builder.tensors[v.index]!.name}/${isIdentity(perm) ? 'onnx_order' : 'nhwc'}`, v.shape, v.dtype, perm);
    const physicalPerm = perm.map((axis) => inv[axis]!);
    this.builder.op('TRANSPOSE', [this.physical(v), int32Const(`${this.builder.tensors[t.index]!.name}/perm`, physicalPerm)], [this.physical(t)], 'TransposeOptions', {});
    this.transposed.set(key, t);
    this.transposed.set(`${t.index}:${current.join(',')}`, v);
    return t;
  }
}

export function int32Const(name: string, values: number[], shape: number[] = [values.length]): Value {
  return { kind: 'const', c: { name, dtype: 'int32', shape, data: Int32Array.from(values) } };
}

/** What an op converter sees of one ONNX node. */
export class OnnxContext {
  constructor(
    readonly node: OnnxNode,
    /** Inputs, resolved; undefined for an omitted optional input (''). */
    readonly inputs: (OnnxValue | undefined)[],
    readonly layout: LayoutBuilder,
    /** The model's default-domain opset version. */
    readonly opset: number,
  ) {}

  get name(): string {
    return this.node.name;
  }

  input(i: number): OnnxValue {
    const v = this.inputs[i];
    if (v === undefined) throw new ImportFault(`expects input ${i + 1}, which is missing`);
    return v;
  }

  optionalInput(i: number): OnnxValue | undefined {
    return this.inputs[i];
  }

  /** Input `i`, which this op needs at import time (weights, shapes, axes). */
  constInput(i: number, what: string): ConstTensor {
    const v = this.input(i);
    if (v.kind !== 'const') throw new ImportFault(`${what} (input ${i + 1}) must be a constant (an initializer or a foldable shape computation)`);
    return v.c;
  }

  /** A run-time input: constants in a tensor position become TFLite constant tensors where an op needs them. */
  tensorInput(i: number): TensorValue {
    const v = this.input(i);
    if (v.kind !== 'tensor') throw new ImportFault(`input ${i + 1} must be a run-time tensor here`);
    return v;
  }

  attr(name: string): OnnxAttr | undefined {
    return this.node.attrs.get(name);
  }

  int(name: string, fallback: number): number {
    const a = this.attr(name);
    return a?.kind === 'int' ? a.value : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.attr(name);
    return a?.kind === 'float' ? a.value : a?.kind === 'int' ? a.value : fallback;
  }

  string(name: string, fallback: string): string {
    const a = this.attr(name);
    return a?.kind === 'string' ? a.value : fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.attr(name);
    return a?.kind === 'ints' ? a.value : a?.kind === 'int' ? [a.value] : undefined;
  }

  /** Output `k`, named after the ONNX value it is. */
  output(shape: number[], dtype: ValueDType = 'float32', perm?: readonly number[], k = 0): TensorValue {
    const name = this.node.outputs[k] || `${this.name}:${k}`;
    return this.layout.tensor(name, shape, dtype, perm);
  }

  intermediate(suffix: string, shape: number[], dtype: ValueDType = 'float32', perm?: readonly number[]): TensorValue {
    return this.layout.tensor(`${this.node.outputs[0] || this.name}/${suffix}`, shape, dtype, perm);
  }

  constant(suffix: string, dtype: ValueDType, shape: number[], data: Float32Array | Int32Array | Uint8Array): OnnxValue {
    return { kind: 'const', c: { name: `${this.node.outputs[0] || this.name}/${suffix}`, dtype, shape, data } };
  }

  int32(suffix: string, values: number[], shape: number[] = [values.length]): Value {
    return int32Const(`${this.node.outputs[0] || this.name}/${suffix}`, values, shape);
  }

  toPerm(v: TensorValue, perm: readonly number[]): TensorValue {
    return this.layout.toPerm(v, perm);
  }

  /** The tensor in ONNX axis order. */
  logical(v: TensorValue): TensorValue {
    return this.layout.toPerm(v, identity(v.shape.length));
  }

  /** A rank-4 NCHW tensor stored NHWC, as TFLite's image ops want it. */
  nhwc(v: TensorValue): TensorValue {
    if (v.shape.length !== 4) throw new ImportFault(`expects a rank-4 NCHW tensor, got shape [${v.shape.join(', ')}]`);
    return this.layout.toPerm(v, NHWC);
  }

  physical(v: OnnxValue, perm?: readonly number[]): Value {
    return this.layout.physical(v, perm);
  }

  /** Emits one TFLite operator; values may be builder values or ONNX values (taken as stored). */
  op(opcode: string, inputs: (Value | OnnxValue)[], outputs: (Value | OnnxValue)[], optionsType?: string, options?: Record<string, unknown>): void {
    const toBuilder = (v: Value | OnnxValue): Value => (v.kind === 'tensor' && 'perm' in v ? this.physical(v) : (v as Value));
    this.layout.builder.op(opcode, inputs.map(toBuilder), outputs.map(toBuilder), optionsType, options);
  }
}

/** Fixes a possibly negative axis against a rank, or faults when it is out of range. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ImportFault(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}
