import type { Operator, Tensor } from '@borde/tflite';
import type { UnsupportedItem } from '../../errors.js';
import type { ConstTensor, NodeDef, Value, ValueDType } from './types.js';

/** Accumulates the TFLite tensors and operators of the one subgraph a graph-model becomes. */
export class GraphBuilder {
  readonly tensors: Tensor[] = [];
  readonly operators: Operator[] = [];
  readonly unsupported: UnsupportedItem[] = [];
  /** A constant used by several ops becomes one TFLite tensor. */
  private readonly constIndex = new Map<ConstTensor, number>();
  private readonly usedNames = new Set<string>();

  /** TFLite tensor names must be unique for signatures and reports to be unambiguous. */
  private uniqueName(name: string): string {
    let candidate = name;
    for (let k = 1; this.usedNames.has(candidate); k++) candidate = `${name}_${k}`;
    this.usedNames.add(candidate);
    return candidate;
  }

  activation(name: string, dtype: ValueDType, shape: number[]): Value & { kind: 'tensor' } {
    const index = this.tensors.length;
    this.tensors.push({ name: this.uniqueName(name), dtype, shape: shape.slice() });
    return { kind: 'tensor', index, shape: shape.slice(), dtype };
  }

  constant(c: ConstTensor): number {
    const known = this.constIndex.get(c);
    if (known !== undefined) return known;
    const index = this.tensors.length;
    const bytes = new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength).slice();
    this.tensors.push({ name: this.uniqueName(c.name), dtype: c.dtype, shape: c.shape.slice(), data: bytes });
    this.constIndex.set(c, index);
    return index;
  }

  /** The TFLite tensor index for a value, materializing constants on first use. */
  tensorIndex(v: Value): number {
    if (v.kind === 'tensor') return v.index;
    if (v.kind === 'const') return this.constant(v.c);
    throw new Error('internal: a poisoned value reached the builder');
  }

  op(opcode: string, inputs: Value[], outputs: Value[], optionsType?: string, options?: Record<string, unknown>): void {
    const operator: Operator = {
      opcode,
      inputs: inputs.map((v) => this.tensorIndex(v)),
      outputs: outputs.map((v) => this.tensorIndex(v)),
    };
    if (optionsType !== undefined) {
      operator.optionsType = optionsType;
      operator.options = options ?? {};
    }
    this.operators.push(operator);
  }
}

/** What an op converter sees of one TensorFlow node. */
export class OpContext {
  constructor(
    readonly node: NodeDef,
    /** Data inputs, resolved (control inputs dropped). */
    readonly inputs: Value[],
    readonly builder: GraphBuilder,
  ) {}

  get name(): string {
    return this.node.name;
  }

  input(i: number): Value {
    const v = this.inputs[i];
    if (v === undefined) throw new ImportFault(`expects at least ${i + 1} input(s), has ${this.inputs.length}`);
    return v;
  }

  /** Input `i`, which this op needs to know at import time (axes, shapes, weights). */
  constInput(i: number, what: string): ConstTensor {
    const v = this.input(i);
    if (v.kind !== 'const') throw new ImportFault(`${what} (input ${i}) must be a constant`);
    return v.c;
  }

  /** The op's output tensor `k`, named after the node as TensorFlow names it (`name`, `name:1`, ...). */
  output(shape: number[], dtype: ValueDType = 'float32', k = 0): Value & { kind: 'tensor' } {
    return this.builder.activation(k === 0 ? this.name : `${this.name}:${k}`, dtype, shape);
  }

  /** An intermediate tensor inside this node's lowering (e.g. before a separate activation op). */
  intermediate(suffix: string, shape: number[], dtype: ValueDType = 'float32'): Value & { kind: 'tensor' } {
    return this.builder.activation(`${this.name}/${suffix}`, dtype, shape);
  }

  constant(suffix: string, dtype: ValueDType, shape: number[], data: Float32Array | Int32Array | Uint8Array): Value {
    return { kind: 'const', c: { name: `${this.name}/${suffix}`, dtype, shape, data } };
  }

  int32(suffix: string, values: number[], shape: number[] = [values.length]): Value {
    return this.constant(suffix, 'int32', shape, Int32Array.from(values));
  }

  op(opcode: string, inputs: Value[], outputs: Value[], optionsType?: string, options?: Record<string, unknown>): void {
    this.builder.op(opcode, inputs, outputs, optionsType, options);
  }
}

/**
 * Thrown by an op converter when this node cannot be expressed (an attribute combination TFLite lacks, a
 * non-constant weight): the importer records it with the node's name and goes on, to list every one.
 */
export class ImportFault extends Error {}

/** Shape of any value (poison has none; callers never ask for it). */
export function shapeOf(v: Value): number[] {
  if (v.kind === 'const') return v.c.shape;
  if (v.kind === 'tensor') return v.shape;
  throw new Error('internal: shape of a poisoned value');
}

export function dtypeOf(v: Value): ValueDType {
  if (v.kind === 'const') return v.c.dtype;
  if (v.kind === 'tensor') return v.dtype;
  throw new Error('internal: dtype of a poisoned value');
}

/** Fixes a possibly negative axis against a rank, or faults when it is out of range. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ImportFault(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}
