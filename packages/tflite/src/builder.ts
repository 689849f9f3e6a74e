import type { DType } from './dtypes.js';
import { InvalidGraphError } from './errors.js';
import { encodeFloat16 } from './float16.js';
import type { Graph, Metadata, Operator, Quantization, Signature, Subgraph, Tensor } from './graph.js';

/** Constant contents: a typed array of the dtype's element type, plain numbers, or raw little-endian bytes. */
export type ConstantData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | readonly number[];

/** Optional tensor attributes beyond name, dtype and shape. */
export interface TensorOptions {
  quantization?: Quantization;
  /** Shape with -1 for dynamic dimensions (the static `shape` then holds 1 there). */
  shapeSignature?: number[];
  isVariable?: boolean;
}

/** An operator output to create: a new activation tensor. */
export interface OutputSpec extends TensorOptions {
  name: string;
  dtype: DType;
  shape: number[];
}

/** Builtin options of an operator, named as the generated object API names them (`strideW`, `padding`). */
export interface OpOptions {
  /** Options table name from the schema, e.g. `Conv2DOptions`. */
  optionsType?: string;
  options?: Record<string, unknown>;
  /** Force an operator version; by default writeModel picks it from the op and its tensor types. */
  version?: number;
}

/**
 * Builds a single-subgraph Graph in code, the way the converter emits models:
 * ```ts
 * const b = new GraphBuilder();
 * const x = b.input('x', 'float32', [1, 28, 28, 1]);
 * const w = b.constant('w', 'float32', [8, 3, 3, 1], weights);
 * const y = b.op('CONV_2D', [x, w, bias], { optionsType: 'Conv2DOptions', options: { padding: Padding.SAME,
 *   strideW: 1, strideH: 1, fusedActivationFunction: ActivationFunctionType.RELU } },
 *   { name: 'conv1', dtype: 'float32', shape: [1, 28, 28, 8] });
 * b.output(y);
 * const bytes = writeModel(b.build());
 * ```
 * Tensors are referred to by index (the numbers these methods return); -1 marks an omitted optional input.
 */
export class GraphBuilder {
  private readonly tensors: Tensor[] = [];
  private readonly operators: Operator[] = [];
  private readonly inputs: number[] = [];
  private readonly outputs: number[] = [];
  private readonly signatures: Signature[] = [];
  private readonly metadataEntries: Metadata[] = [];

  constructor(private readonly options: { description?: string; subgraphName?: string } = {}) {}

  /** A model input (an activation tensor fed by the caller). */
  input(name: string, dtype: DType, shape: number[], options: TensorOptions = {}): number {
    const index = this.tensor(name, dtype, shape, options);
    this.inputs.push(index);
    return index;
  }

  /** Marks tensors as model outputs, in order. */
  output(...tensors: number[]): void {
    this.outputs.push(...tensors);
  }

  /** An activation tensor with no producer yet (use it as an output of `op`/`opMulti` by index). */
  tensor(name: string, dtype: DType, shape: number[], options: TensorOptions = {}): number {
    // hasRank: the shape is known to have this rank (the TFLite converter marks every ranked tensor so).
    const tensor: Tensor = { name, dtype, shape: [...shape], hasRank: true };
    if (options.quantization) tensor.quantization = options.quantization;
    if (options.shapeSignature) tensor.shapeSignature = [...options.shapeSignature];
    if (options.isVariable) tensor.isVariable = true;
    return this.tensors.push(tensor) - 1;
  }

  /**
   * A constant tensor. `data` is converted to little-endian bytes: pass the typed array of the dtype
   * (Float32Array for float32, Int8Array for int8, BigInt64Array for int64, ...), plain numbers, or a
   * Uint8Array of raw bytes (any dtype; kept as is, so constants given the same Uint8Array share one buffer
   * in the written file). float16 takes Uint16Array bits, or Float32Array / numbers that are encoded.
   */
  constant(name: string, dtype: DType, shape: number[], data: ConstantData, options: TensorOptions = {}): number {
    const index = this.tensor(name, dtype, shape, options);
    this.tensors[index]!.data = constantBytes(name, dtype, data);
    return index;
  }

  /** Adds an operator with one output tensor, created from `output` (or an existing tensor index). */
  op(opcode: string, inputs: number[], options: OpOptions | undefined, output: OutputSpec | number): number {
    return this.opMulti(opcode, inputs, options, [output])[0]!;
  }

  /** Adds an operator with several outputs (SPLIT, UNPACK, TOPK_V2, ...); returns their tensor indices. */
  opMulti(opcode: string, inputs: number[], options: OpOptions | undefined, outputs: (OutputSpec | number)[]): number[] {
    const outputIndices = outputs.map((o) => (typeof o === 'number' ? o : this.tensor(o.name, o.dtype, o.shape, o)));
    const op: Operator = { opcode, inputs: [...inputs], outputs: outputIndices };
    if (options?.optionsType) op.optionsType = options.optionsType;
    if (options?.options) op.options = { ...options.options };
    if (options?.version) op.version = options.version;
    this.operators.push(op);
    return outputIndices;
  }

  /** Adds a custom operator (opcode CUSTOM) named `name`, with its opaque options bytes (usually flexbuffers). */
  customOp(name: string, inputs: number[], customOptions: Uint8Array | undefined, outputs: (OutputSpec | number)[]): number[] {
    const outputIndices = this.opMulti('CUSTOM', inputs, undefined, outputs);
    const op = this.operators[this.operators.length - 1]!;
    op.customCode = name;
    if (customOptions) op.customOptions = customOptions;
    return outputIndices;
  }

  /** A named signature (e.g. `serving_default`) mapping names to this subgraph's tensors. */
  signature(key: string, inputs: Record<string, number>, outputs: Record<string, number>): void {
    const entries = (map: Record<string, number>) => Object.entries(map).map(([name, tensorIndex]) => ({ name, tensorIndex }));
    this.signatures.push({ key, subgraphIndex: 0, inputs: entries(inputs), outputs: entries(outputs) });
  }

  /** A metadata entry (name and bytes), e.g. `TFLITE_METADATA`. */
  metadata(name: string, data: Uint8Array): void {
    this.metadataEntries.push({ name, data });
  }

  /** The Graph built so far (a snapshot: later calls do not change it). */
  build(): Graph {
    const subgraph: Subgraph = {
      name: this.options.subgraphName ?? 'main',
      tensors: this.tensors.map((t) => ({ ...t })),
      operators: this.operators.map((o) => ({ ...o })),
      inputs: [...this.inputs],
      outputs: [...this.outputs],
    };
    return {
      version: 3,
      description: this.options.description ?? 'Borde',
      subgraphs: [subgraph],
      signatures: this.signatures.map((s) => ({ ...s })),
      metadata: [...this.metadataEntries],
    };
  }
}

type TypedArrayConstructor =
  | Float32ArrayConstructor | Float64ArrayConstructor | Int8ArrayConstructor | Uint8ArrayConstructor
  | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor
  | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

/** The typed array whose elements are a dtype's elements (float16/bfloat16: their bit patterns). */
const ELEMENT_ARRAY: Partial<Record<DType, TypedArrayConstructor>> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array,
  uint64: BigUint64Array, float16: Uint16Array, bfloat16: Uint16Array, complex64: Float32Array,
  complex128: Float64Array,
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function constantBytes(name: string, dtype: DType, data: ConstantData): Uint8Array {
  const fail = (detail: string): never => {
    throw new InvalidGraphError(`tensors['${name}'].data`, detail);
  };
  if (data instanceof Uint8Array) return data; // raw bytes (or uint8/bool values): kept as is
  const Expected = ELEMENT_ARRAY[dtype];
  if (dtype === 'float16' && (data instanceof Float32Array || Array.isArray(data))) {
    return toLittleEndianBytes(encodeFloat16(data as ArrayLike<number>));
  }
  if (!Expected) return fail(`${dtype} constants take raw little-endian bytes: pass a Uint8Array`);
  if (Array.isArray(data)) {
    const values = data as readonly number[];
    if (Expected === BigInt64Array) return toLittleEndianBytes(BigInt64Array.from(values, (v) => BigInt(v)));
    if (Expected === BigUint64Array) return toLittleEndianBytes(BigUint64Array.from(values, (v) => BigInt(v)));
    return toLittleEndianBytes((Expected as Float64ArrayConstructor).from(values));
  }
  if (!(data instanceof Expected)) {
    return fail(`a ${dtype} constant takes a ${Expected.name} (or a Uint8Array of raw bytes), got ${data.constructor.name}`);
  }
  return toLittleEndianBytes(data as Exclude<ConstantData, readonly number[]>);
}

/** A fresh copy of a typed array's elements as little-endian bytes (byte-swapped on big-endian hosts). */
function toLittleEndianBytes(values: Exclude<ConstantData, readonly number[]>): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  const size = values.BYTES_PER_ELEMENT;
  if (!LITTLE_ENDIAN && size > 1) {
    for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  }
  return bytes;
}
