import type { DType } from '../dtypes.js';
import { InvalidOperatorError } from '../errors.js';
import { elementCount, type Operator, type Subgraph, type Tensor } from '../graph.js';

/** Limits that keep a synchronous kernel from running (nearly) forever or exhausting memory. */
export interface VerifyLimits {
  /** Most elements one tensor may hold (inputs, outputs and tensors an op computes the shape of). */
  maxElements: number;
}

export const DEFAULT_LIMITS: VerifyLimits = { maxElements: 1 << 28 };

export const FLOAT_TYPES: readonly DType[] = ['float32', 'float16'];
export const QUANTIZED_TYPES: readonly DType[] = ['int8', 'uint8', 'int16'];
export const INT_TYPES: readonly DType[] = ['int32', 'int64'];
export const NUMERIC_TYPES: readonly DType[] = ['float32', 'float16', 'int8', 'uint8', 'int16', 'int32', 'int64'];

/** Known values of ActivationFunctionType (NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT). */
const ACTIVATIONS = new Set([0, 1, 2, 3, 4, 5]);
/** Padding: SAME 0, VALID 1. */
const PADDINGS = new Set([0, 1]);

/**
 * What a rule may ask about the operator it checks; every `fail` names the operator, the rule and the values.
 * Shapes are the static shapes interpreters allocate (dynamic dimensions are 1 there and -1 in the signature).
 */
export class OpCheck {
  readonly opcode: string;
  constructor(
    readonly subgraph: Subgraph,
    readonly subgraphIndex: number,
    readonly index: number,
    readonly op: Operator,
    readonly limits: VerifyLimits,
  ) {
    this.opcode = op.opcode === 'CUSTOM' ? `custom:${op.customCode}` : op.opcode;
  }

  fail(rule: string, detail: string, values: Record<string, unknown> = {}): never {
    throw new InvalidOperatorError({ subgraph: this.subgraphIndex, operator: this.index, opcode: this.opcode }, rule, detail, values);
  }

  /** Input positions (omitted optional inputs, -1, included) must number `min`..`max`. */
  inputs(min: number, max = min): void {
    const n = this.op.inputs.length;
    if (n < min || n > max) {
      this.fail('inputs.count', `has ${n} inputs; ${this.opcode} takes ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`}`, { count: n, min, max });
    }
  }

  outputs(min: number, max = min): void {
    const n = this.op.outputs.length;
    if (n < min || n > max) {
      this.fail('outputs.count', `has ${n} outputs; ${this.opcode} gives ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`}`, { count: n, min, max });
    }
  }

  /** The tensor at input `i`; required (an omitted -1 fails). */
  in(i: number): Tensor {
    const index = this.op.inputs[i];
    if (index === undefined || index < 0) this.fail('inputs.required', `input ${i} is required but omitted`, { input: i });
    return this.subgraph.tensors[index]!;
  }

  /** The tensor at input `i`, or undefined when omitted (-1) or absent. */
  optIn(i: number): Tensor | undefined {
    const index = this.op.inputs[i];
    return index === undefined || index < 0 ? undefined : this.subgraph.tensors[index];
  }

  out(i: number): Tensor {
    const index = this.op.outputs[i];
    if (index === undefined || index < 0) this.fail('outputs.required', `output ${i} is omitted`, { output: i });
    return this.subgraph.tensors[index]!;
  }

  /** A tensor's dtype is one of `allowed`. */
  dtype(t: Tensor, allowed: readonly DType[], what: string): void {
    if (!allowed.includes(t.dtype)) {
      this.fail('dtype', `${what} '${t.name}' is ${t.dtype}; ${this.opcode} takes ${allowed.join(', ')}`, { tensor: t.name, dtype: t.dtype, allowed });
    }
  }

  sameDtype(a: Tensor, b: Tensor, what: string): void {
    if (a.dtype !== b.dtype) this.fail('dtype.match', `${what}: '${a.name}' is ${a.dtype} but '${b.name}' is ${b.dtype}`, { a: a.dtype, b: b.dtype });
  }

  rank(t: Tensor, allowed: number | readonly number[], what: string): void {
    const ranks = typeof allowed === 'number' ? [allowed] : allowed;
    if (t.hasRank === false) return;
    if (!ranks.includes(t.shape.length)) {
      this.fail('shape.rank', `${what} '${t.name}' has rank ${t.shape.length} ([${t.shape.join(', ')}]); ${this.opcode} needs rank ${ranks.join(' or ')}`, { tensor: t.name, shape: t.shape, ranks });
    }
  }

  /**
   * The declared shape of `t` equals `expected` (the shape the op computes). -1 in `expected` means not known
   * before running. Static shapes must agree exactly even where the signature says -1: engines allocate the
   * static shapes, so a disagreement there is a buffer of the wrong size (found by the semantic fuzz).
   */
  shape(t: Tensor, expected: readonly number[], what: string): void {
    if (t.hasRank === false) return;
    const ok = expected.length === t.shape.length && expected.every((d, k) => d === -1 || d === t.shape[k]);
    if (!ok) {
      this.fail('shape.infer', `${what} '${t.name}' is declared [${t.shape.join(', ')}] but ${this.opcode} computes [${expected.join(', ')}] from its inputs and options`, { tensor: t.name, declared: t.shape, computed: [...expected] });
    }
    this.size(expected, what);
  }

  /** A computed shape stays within the element limit (every dimension known or not, -1 counted as 1). */
  size(dims: readonly number[], what: string): void {
    if (dims.some((d) => !Number.isFinite(d) || d < -1)) this.fail('shape.size', `${what} would have shape [${dims.join(', ')}]`, { shape: [...dims] });
    const n = elementCount(dims.map((d) => (d < 0 ? 1 : d)));
    if (n > this.limits.maxElements) {
      this.fail('shape.size', `${what} would have ${n} elements (shape [${dims.join(', ')}]), more than the limit of ${this.limits.maxElements}`, { shape: [...dims], elements: n, limit: this.limits.maxElements });
    }
  }

  /** An option's value, or `fallback` when absent (the schema default). */
  option<T>(name: string, fallback: T): T {
    const value = this.op.options?.[name];
    return value === undefined || value === null ? fallback : (value as T);
  }

  /** An integer option in `min`..`max`. */
  intOption(name: string, fallback: number, min: number, max = 0x7fffffff): number {
    const value = this.option<unknown>(name, fallback);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(`options.${name}`, `${name} is ${String(value)}; it must be an integer in ${min}..${max}`, { option: name, value, min, max });
    }
    return value;
  }

  /** A finite number option. */
  numberOption(name: string, fallback: number): number {
    const value = this.option<unknown>(name, fallback);
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`options.${name}`, `${name} is ${String(value)}; it must be a finite number`, { option: name, value });
    return value;
  }

  activation(name = 'fusedActivationFunction'): number {
    const value = this.option<unknown>(name, 0);
    if (typeof value !== 'number' || !ACTIVATIONS.has(value)) {
      this.fail('options.activation', `fused activation ${String(value)} is not a known ActivationFunctionType (0..5)`, { value });
    }
    return value;
  }

  padding(): 'same' | 'valid' {
    const value = this.option<unknown>('padding', 0);
    if (typeof value !== 'number' || !PADDINGS.has(value)) this.fail('options.padding', `padding ${String(value)} is neither SAME (0) nor VALID (1)`, { value });
    return value === 0 ? 'same' : 'valid';
  }

  /** An axis of a tensor of rank `rank` (negative counts from the end); returns it normalised. */
  axis(value: number, rank: number, what: string): number {
    const lo = rank === 0 ? -1 : -rank;
    const hi = rank === 0 ? 0 : rank - 1;
    if (!Number.isInteger(value) || value < lo || value > hi) {
      this.fail('options.axis', `${what} ${value} is not an axis of a rank-${rank} tensor (${lo}..${hi})`, { axis: value, rank });
    }
    return value < 0 ? value + Math.max(rank, 1) : value;
  }

  /** Values of a constant integer tensor (int32/int64/int16/int8/uint8), or undefined if it is not constant. */
  ints(t: Tensor | undefined): number[] | undefined {
    if (!t?.data) return undefined;
    const { data } = t;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = elementCount(t.shape);
    const out = new Array<number>(n);
    switch (t.dtype) {
      case 'int32': for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true); break;
      case 'int64': for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(8 * i, true)); break;
      case 'int16': for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true); break;
      case 'int8': for (let i = 0; i < n; i++) out[i] = view.getInt8(i); break;
      case 'uint8': case 'bool': for (let i = 0; i < n; i++) out[i] = view.getUint8(i); break;
      default: return undefined;
    }
    return out;
  }

  /** A constant's float values (float32/float16 data), or undefined when not constant. */
  floats(t: Tensor | undefined): Float32Array | undefined {
    if (!t?.data || t.dtype !== 'float32') return undefined;
    return new Float32Array(t.data.slice().buffer);
  }
}

/** Numpy-style broadcast of two shapes; undefined when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let k = 0; k < rank; k++) {
    const x = a[a.length - rank + k] ?? 1;
    const y = b[b.length - rank + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out[k] = x === 1 ? y : x;
  }
  return out;
}

/** Output size of a convolution or pooling window along one axis (TFLite's ComputeOutSize). */
export function windowOutSize(padding: 'same' | 'valid', input: number, filter: number, stride: number, dilation = 1): number {
  const effective = (filter - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(input / stride) : Math.floor((input - effective + stride) / stride);
}
