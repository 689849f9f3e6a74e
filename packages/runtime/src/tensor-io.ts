// The one place where values cross into and out of a model: the dtype table, the input parser Model.run and
// the executor share, and TFLite's rounding onto integer grids. Engines receive what this file produces.
import { elementCount, type DType, type Graph, type Tensor } from '@borde/tflite';
import { InputError } from './errors.js';
import type { TensorArray } from './engines/engine.js';
import { isQuantized, quantizedRange } from './host-tensor.js';
import { isTensorDType, typedArrayConstructor } from './litert/tensors.js';

type ArrayConstructorOf = {
  new (length: number): TensorArray;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/**
 * The typed array a model tensor of `dtype` is held in (inputs, outputs, engine I/O), from the one dtype table
 * (litert/tensors.ts); undefined when loadModel cannot feed it (float64 included: no engine takes it as input).
 */
export function arrayTypeOf(dtype: DType): ArrayConstructorOf | undefined {
  return dtype !== 'float64' && isTensorDType(dtype) ? (typedArrayConstructor(dtype) as unknown as ArrayConstructorOf) : undefined;
}

/** TFLite's rounding (half away from zero), as its reference kernels and `TfLiteRound` do. */
export function roundHalfAwayFromZero(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

/** One real value onto an integer grid: clamp(round(v / scale) + zeroPoint) in [lo, hi]. */
export function quantizeValue(v: number, scale: number, zeroPoint: number, lo: number, hi: number): number {
  const q = roundHalfAwayFromZero(v / scale) + zeroPoint;
  return q < lo ? lo : q > hi ? hi : q;
}

/** Real values onto a quantized tensor's integer grid (per-tensor scale), in its storage type. */
export function quantizeArray(real: ArrayLike<number>, t: Tensor): TensorArray {
  const q = t.quantization!;
  const [lo, hi] = quantizedRange(t.dtype);
  const scale = q.scale[0]!;
  const zp = q.zeroPoint[0] ?? 0;
  const ctor = arrayTypeOf(t.dtype) ?? Int32Array;
  const out = new ctor(real.length) as Int32Array;
  for (let i = 0; i < real.length; i++) out[i] = quantizeValue(real[i]!, scale, zp, lo, hi);
  return out;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** What the caller passed, for error messages: "a Float32Array of 10 elements", "a plain array"... */
export function describeValue(value: unknown): string {
  if (ArrayBuffer.isView(value)) {
    const length = (value as { length?: number }).length;
    return `${article(value.constructor.name)} ${value.constructor.name}${length !== undefined ? ` of ${length} elements` : ''}`;
  }
  if (Array.isArray(value)) return 'a plain array (pass a typed array)';
  return value === null ? 'null' : `${article(typeof value)} ${typeof value}`;
}

/** One input value: a typed array in row-major order, optionally with its shape (checked when given). */
export type InputValue = TensorArray | { data: TensorArray; shape?: readonly number[] };
/** One value (single-input models), values in model input order, or values by input name (tensor or signature name). */
export type InputValues = InputValue | readonly InputValue[] | Record<string, InputValue>;

/** 'finite' (default): reject NaN and ±Infinity in float inputs before anything runs. 'none': no scan. */
export type InputCheckMode = 'finite' | 'none';

/** The `checkInputs` option, checked: a TypeError for anything but 'finite' or 'none'. */
export function checkInputMode(mode: InputCheckMode | undefined): InputCheckMode {
  if (mode === undefined) return 'finite';
  if (mode !== 'finite' && mode !== 'none') throw new TypeError(`checkInputs: expected 'finite' or 'none', got ${JSON.stringify(mode)}`);
  return mode;
}

export interface ReadInputOptions {
  /**
   * true (default): the values are copied now, so the caller may refill its arrays while the run waits in
   * the queue. false: zero-copy; the engine reads the caller's arrays when the run starts.
   */
  copy?: boolean;
}

/** What one model input accepts, worked out once at load (run() is on the hot path of every inference). */
interface InputSlot {
  tensor: Tensor;
  label: string;
  dtype: DType;
  ctor: ArrayConstructorOf | undefined;
  /** Integer input with a scale: also takes a Float32Array of real values. */
  quantized: boolean;
  elements: number;
  scanFinite: boolean;
}

function isTypedArray(value: unknown): value is TensorArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function isDataObject(value: unknown): value is { data: TensorArray; shape?: readonly number[] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) &&
    isTypedArray((value as { data?: unknown }).data);
}

/**
 * Reads run() inputs for one subgraph: matches them by name (tensor or signature name) or by the model's input
 * order, checks type, shape and size, rejects non-finite floats, quantizes real values for integer inputs, and
 * hands back one array per model input in its storage type.
 */
export class InputReader {
  private readonly slots: readonly InputSlot[];
  /** Input name (tensor name, then signature names) -> position among the subgraph's inputs. */
  private readonly positions: ReadonlyMap<string, number>;

  constructor(graph: Graph, subgraph = 0, checkInputs: InputCheckMode = 'finite') {
    checkInputMode(checkInputs);
    const sg = graph.subgraphs[subgraph]!;
    const positions = new Map<string, number>();
    sg.inputs.forEach((tensorIndex, position) => {
      const name = sg.tensors[tensorIndex]!.name;
      if (name && !positions.has(name)) positions.set(name, position);
    });
    for (const s of graph.signatures.filter((g) => g.subgraphIndex === subgraph)) {
      for (const input of s.inputs) {
        const position = sg.inputs.indexOf(input.tensorIndex);
        if (position >= 0 && !positions.has(input.name)) positions.set(input.name, position);
      }
    }
    this.positions = positions;
    this.slots = sg.inputs.map((tensorIndex, position) => {
      const tensor = sg.tensors[tensorIndex]!;
      const ctor = arrayTypeOf(tensor.dtype);
      return {
        tensor,
        label: tensor.name || `inputs[${position}]`,
        dtype: tensor.dtype,
        ctor,
        quantized: isQuantized(tensor) && ctor !== undefined && ctor !== Float32Array,
        elements: elementCount(tensor.shape),
        scanFinite: checkInputs === 'finite' && tensor.dtype === 'float32',
      };
    });
  }

  /** Names run() accepts, for messages. */
  private names(): string {
    return [...this.positions.keys()].map((n) => `"${n}"`).join(', ');
  }

  /** One typed array per model input, in model input order and storage type; every problem is an InputError. */
  read(given: InputValues, options: ReadInputOptions = {}): TensorArray[] {
    const copy = options.copy ?? true;
    // The call of every frame of a one-input model: its own typed array, of the right size. Checked here
    // without the general matching (run() overhead is what a 6 µs model pays per call).
    const slot = this.slots.length === 1 ? this.slots[0]! : undefined;
    if (slot && isTypedArray(given) && given.constructor === slot.ctor && given.length === slot.elements) {
      if (slot.scanFinite) {
        const bad = firstNonFinite(given as Float32Array);
        if (bad >= 0) throw nonFinite(slot.label, given as Float32Array, bad, NON_FINITE_HINT);
      }
      return [copy ? (given.slice() as TensorArray) : given];
    }
    return this.match(given).map((value, position) => this.readOne(position, value, copy));
  }

  private match(given: InputValues): (InputValue | undefined)[] {
    const count = this.slots.length;
    if (isTypedArray(given)) {
      if (count !== 1) throw new InputError('inputs', `${count} inputs (${this.names()}) by name or in model order`, 'a single value');
      return [given];
    }
    if (Array.isArray(given)) {
      if (given.length !== count) throw new InputError('inputs', `${count} value(s) in model input order (${this.names()})`, `${given.length}`);
      return [...(given as readonly InputValue[])];
    }
    if (typeof given !== 'object' || given === null) {
      throw new InputError('inputs', 'a typed array, an array of them, or an object of them by input name', describeValue(given));
    }
    // Names first: a model whose input is called `data` takes `{ data, mask }` by name, not as a value.
    const keys = Object.keys(given);
    const unknown = keys.filter((k) => !this.positions.has(k));
    if (unknown.length === 0) {
      const values = Array.from({ length: count }, (): InputValue | undefined => undefined);
      for (const key of keys) {
        const position = this.positions.get(key)!;
        if (values[position] !== undefined) {
          throw new InputError(this.slots[position]!.label, 'one value per input', `two (one under "${key}", an alias of the same input)`);
        }
        values[position] = (given as Record<string, InputValue>)[key];
      }
      return values;
    }
    if (count === 1 && isDataObject(given) && keys.every((k) => k === 'data' || k === 'shape')) return [given];
    const error = new InputError(
      unknown[0]!,
      `input names ${this.names()}`,
      `${unknown.length === 1 ? 'an unknown name' : 'unknown names'} ${unknown.map((n) => `"${n}"`).join(', ')} (given: ${keys.map((n) => `"${n}"`).join(', ')})`,
    );
    throw error;
  }

  private readOne(position: number, value: InputValue | undefined, copy: boolean): TensorArray {
    const { tensor: t, label, dtype, ctor, quantized, elements: n, scanFinite } = this.slots[position]!;
    const expected = () => `${article(dtype)} ${ctor?.name ?? dtype}${quantized ? ' (or a Float32Array of real values)' : ''} of shape [${t.shape.join(', ')}]`;
    if (value === undefined || value === null) throw new InputError(label, expected(), 'nothing');
    let data: TensorArray;
    if (isTypedArray(value)) data = value;
    else if (isDataObject(value)) {
      data = value.data;
      const shape = value.shape;
      if (shape && (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i]))) {
        throw new InputError(label, `shape [${t.shape.join(', ')}]`, `shape [${[...shape].join(', ')}]`);
      }
    } else throw new InputError(label, expected(), describeValue(value));
    if (!ctor) throw new InputError(label, 'a supported input type', `a model input of dtype ${dtype} (not supported by loadModel)`);
    const asReal = quantized && data instanceof Float32Array;
    if (!(data instanceof ctor) && !asReal) throw new InputError(label, expected(), describeValue(data));
    if (data.length !== n) throw new InputError(label, `${n} elements (shape [${t.shape.join(', ')}])`, `${data.length} elements`);
    if (asReal) {
      const real = data as Float32Array;
      // NaN has no integer; ±Infinity would clamp silently. Checked whatever checkInputs says.
      const bad = firstNonFinite(real);
      if (bad >= 0) throw nonFinite(label, real, bad, 'This input is quantized: only finite reals have an integer value');
      return quantizeArray(real, t);
    }
    if (scanFinite) {
      const bad = firstNonFinite(data as Float32Array);
      if (bad >= 0) throw nonFinite(label, data as Float32Array, bad, NON_FINITE_HINT);
    }
    return copy ? (data.slice() as TensorArray) : data;
  }
}

const NON_FINITE_HINT = "Pass checkInputs: 'none' to loadModel to skip this check";

function nonFinite(label: string, data: Float32Array, index: number, hint: string): InputError {
  const error = new InputError(label, 'finite numbers', `${data[index]} at element ${index}`, hint);
  error.element = index;
  return error;
}

/** The largest finite float32: |v| <= this is false exactly for NaN and ±Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Index of the first NaN or ±Infinity, or -1. It runs on every float input of every run, so the common case
 * (all finite) is one pass of additions into four float64 sums: a NaN or an infinity makes the total
 * non-finite, and float32 values cannot overflow a float64 sum. Four independent sums measured about 2x
 * faster than a comparison per element; only a failed total pays for locating the element.
 */
export function firstNonFinite(data: Float32Array): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const n = data.length - (data.length % 4);
  let i = 0;
  for (; i < n; i += 4) {
    a += data[i]!;
    b += data[i + 1]!;
    c += data[i + 2]!;
    d += data[i + 3]!;
  }
  for (; i < data.length; i++) a += data[i]!;
  const total = a + b + c + d;
  if (total - total === 0) return -1;
  for (let k = 0; k < data.length; k++) {
    if (!(Math.abs(data[k]!) <= FLOAT32_MAX)) return k;
  }
  return -1;
}
