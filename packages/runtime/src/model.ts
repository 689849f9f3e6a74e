import { elementCount, type DType, type Graph, type Tensor } from '@borde/tflite';
import { DisposedError, InputError } from './errors.js';
import type { BackendName, EngineName, LoadedEngine, OpPlacementInfo, TensorArray } from './engines/engine.js';
import { isQuantized, quantizedRange } from './host-tensor.js';
import type { DeviceProbe } from './probe.js';

/** A model input or output as the model declares it. */
export interface ModelTensorInfo {
  name: string;
  dtype: DType;
  shape: number[];
  /** real = (q - zeroPoint) * scale, for quantized tensors. */
  quantization?: { scale: number[]; zeroPoint: number[]; quantizedDimension: number };
}

/** One input value: a typed array in row-major order, optionally with its shape (checked when given). */
export type ModelInputValue = TensorArray | { data: TensorArray; shape?: readonly number[] };
/** One value (single-input models), values by position, or values by input name (tensor or signature name). */
export type ModelInputs = ModelInputValue | readonly ModelInputValue[] | Record<string, ModelInputValue>;

export interface ModelOutput extends ModelTensorInfo {
  /** The model's storage type: Float32Array for float outputs, Int8Array for int8 outputs... */
  data: TensorArray;
}

/** One engine/backend considered for this model, and what became of it. */
export interface PlanCandidate {
  engine: EngineName;
  backend: BackendName;
  /** False when it cannot be used here (device, ops, or its load failed); `reason` says why. */
  ok: boolean;
  reason: string;
  /** Median run time when measured (`measure: true`). */
  ms?: number;
}

export interface ModelPlan {
  /** What was asked: 'auto' or the list of backends. */
  requested: 'auto' | string[];
  chosen: { engine: EngineName; backend: BackendName; reason: string };
  /** Every candidate, in rank order. */
  candidates: PlanCandidate[];
  device: DeviceProbe;
  /** 'ranked': first usable candidate by rank; 'measured': timed now; 'remembered': an earlier measurement. */
  decidedBy: 'ranked' | 'measured' | 'remembered';
  /** sha256 of the model bytes (computed when measuring). */
  modelHash?: string;
  /** Time spent loading, ms (reading the model, probing, loading the engine). */
  loadMs: number;
}

export interface Model {
  readonly engine: EngineName;
  readonly backend: BackendName;
  readonly plan: ModelPlan;
  /** Op -> backend, and why. Interpreters: every op inside the interpreter. */
  readonly placement: readonly OpPlacementInfo[];
  readonly inputs: readonly ModelTensorInfo[];
  readonly outputs: readonly ModelTensorInfo[];
  /** Runs the model. Outputs come in model output order, each with its name, shape and data. */
  run(inputs: ModelInputs): Promise<ModelOutput[]>;
  /** Frees the engine's memory. Safe to call twice; `run` afterwards throws DisposedError. */
  dispose(): void;
}

function tensorInfo(t: Tensor): ModelTensorInfo {
  const info: ModelTensorInfo = { name: t.name, dtype: t.dtype, shape: [...t.shape] };
  if (isQuantized(t)) {
    const q = t.quantization!;
    info.quantization = { scale: [...q.scale], zeroPoint: [...q.zeroPoint], quantizedDimension: q.quantizedDimension };
  }
  return info;
}

const ARRAY_TYPES: [string, new (...a: never[]) => TensorArray][] = [
  ['float32', Float32Array], ['int32', Int32Array], ['int8', Int8Array], ['uint8', Uint8Array],
  ['int16', Int16Array], ['int64', BigInt64Array],
];

/** The typed array a model tensor of this dtype is held in. */
function arrayTypeFor(dtype: DType): string {
  if (dtype === 'bool') return 'uint8';
  return dtype;
}

function describeValue(value: unknown): string {
  const found = ARRAY_TYPES.find(([, ctor]) => value instanceof ctor);
  if (found) return `a ${found[1].name} of ${(value as TensorArray).length} elements`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (Array.isArray(value)) return 'a plain array (pass a typed array)';
  return value === null ? 'null' : typeof value;
}

function isInputValue(value: unknown): value is ModelInputValue {
  if (ArrayBuffer.isView(value)) return true;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ArrayBuffer.isView((value as { data?: unknown }).data);
}

/** A loaded model: checks inputs once for every engine, runs one call at a time, converts outputs. */
interface InputCheck {
  label: string;
  want: ReturnType<typeof arrayTypeFor>;
  ctor: (typeof ARRAY_TYPES)[number][1] | undefined;
  quantized: boolean;
  elements: number;
}

export class LoadedModel implements Model {
  readonly inputs: readonly ModelTensorInfo[];
  readonly outputs: readonly ModelTensorInfo[];
  private readonly inputTensors: readonly Tensor[];
  private readonly aliases: ReadonlyMap<string, number>;
  private readonly checkNaN: boolean;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    graph: Graph,
    private readonly loaded: LoadedEngine,
    readonly plan: ModelPlan,
  ) {
    const sg = graph.subgraphs[0]!;
    this.inputTensors = sg.inputs.map((i) => sg.tensors[i]!);
    this.inputs = this.inputTensors.map(tensorInfo);
    this.outputs = sg.outputs.map((i) => tensorInfo(sg.tensors[i]!));
    const aliases = new Map<string, number>();
    sg.inputs.forEach((tensorIndex, position) => aliases.set(sg.tensors[tensorIndex]!.name, position));
    for (const s of graph.signatures.filter((g) => g.subgraphIndex === 0)) {
      for (const input of s.inputs) {
        const position = sg.inputs.indexOf(input.tensorIndex);
        if (position >= 0 && !aliases.has(input.name)) aliases.set(input.name, position);
      }
    }
    this.aliases = aliases;
    // An int8 model quantizes its float inputs: NaN has no integer and would silently become garbage.
    this.checkNaN = sg.tensors.some((t) => isQuantized(t) && (t.dtype === 'int8' || t.dtype === 'uint8'));
    this.inputChecks = this.inputTensors.map((t, position) => {
      const want = arrayTypeFor(t.dtype);
      return {
        label: t.name || `inputs[${position}]`,
        want,
        ctor: ARRAY_TYPES.find(([name]) => name === want)?.[1],
        quantized: isQuantized(t),
        elements: elementCount(t.shape),
      };
    });
  }

  /** What each input must be, worked out once: run() is on the hot path of every inference. */
  private readonly inputChecks: readonly InputCheck[];

  get engine(): EngineName {
    return this.loaded.engine;
  }

  get backend(): BackendName {
    return this.loaded.backend;
  }

  get placement(): readonly OpPlacementInfo[] {
    return this.loaded.placement;
  }

  run(inputs: ModelInputs): Promise<ModelOutput[]> {
    if (this.disposed) return Promise.reject(disposedError());
    let arrays: TensorArray[];
    try {
      arrays = this.readInputs(inputs);
    } catch (error) {
      return Promise.reject(error);
    }
    const result = this.queue.then(async () => {
      if (this.disposed) throw disposedError();
      const outs = await this.loaded.run(arrays);
      return outs.map((o, i): ModelOutput => ({ ...this.outputs[i]!, shape: o.shape, data: o.data }));
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.loaded.dispose();
  }

  /** One typed array per model input, in the model's storage type; every problem is an InputError. */
  private readInputs(given: ModelInputs): TensorArray[] {
    const count = this.inputTensors.length;
    let values: (ModelInputValue | undefined)[];
    if (isInputValue(given)) {
      if (count !== 1) {
        throw new InputError('inputs', `${count} inputs (${this.inputs.map((i) => `"${i.name}"`).join(', ')}) by name or position`, 'a single value');
      }
      values = [given];
    } else if (Array.isArray(given)) {
      if (given.length !== count) throw new InputError('inputs', `${count} value(s) in model input order`, `${given.length}`);
      values = [...(given as readonly ModelInputValue[])];
    } else if (typeof given === 'object' && given !== null) {
      values = Array.from({ length: count }, (): ModelInputValue | undefined => undefined);
      for (const [name, value] of Object.entries(given as Record<string, ModelInputValue>)) {
        const position = this.aliases.get(name);
        if (position === undefined) {
          throw new InputError(name, `one of ${[...this.aliases.keys()].map((n) => `"${n}"`).join(', ')}`, 'an unknown input name');
        }
        values[position] = value;
      }
    } else {
      throw new InputError('inputs', 'a typed array, an array of them, or an object of them by input name', describeValue(given));
    }
    return values.map((value, position) => this.readInput(position, value));
  }

  private readInput(position: number, value: ModelInputValue | undefined): TensorArray {
    const t = this.inputTensors[position]!;
    const { label, want, ctor, quantized, elements: n } = this.inputChecks[position]!;
    const expected = () => `a ${want} typed array${quantized ? ' (or a Float32Array of real values)' : ''} of shape [${t.shape.join(', ')}]`;
    if (value === undefined || value === null) throw new InputError(label, expected(), 'nothing');
    if (!isInputValue(value)) throw new InputError(label, expected(), describeValue(value));
    const data = ArrayBuffer.isView(value) ? value : value.data;
    const shape = ArrayBuffer.isView(value) ? undefined : value.shape;
    if (shape && (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i]))) {
      throw new InputError(label, `shape [${t.shape.join(', ')}]`, `shape [${shape.join(', ')}]`);
    }
    if (!ctor) throw new InputError(label, `a supported input type`, `a model input of dtype ${t.dtype} (not supported by loadModel)`);
    const asReal = quantized && data instanceof Float32Array && want !== 'float32';
    if (!(data instanceof ctor) && !asReal) throw new InputError(label, expected(), describeValue(data));
    if (data.length !== n) throw new InputError(label, `${n} elements (shape [${t.shape.join(', ')}])`, `${data.length} elements`);
    if (data instanceof Float32Array && (this.checkNaN || asReal)) {
      const bad = firstNaN(data as Float32Array);
      if (bad >= 0) throw new InputError(label, 'finite numbers (this is an int8 model: NaN has no quantized value)', `NaN at element ${bad}`);
    }
    if (asReal) return quantize(data as Float32Array, t, ctor);
    return data as TensorArray;
  }
}

/**
 * Index of the first NaN, or -1. A plain loop: this runs on every input of every run of an int8 model, and
 * `findIndex` with a callback cost ~0.45 ms on a 128x128x3 input (pnpm bench:runtime), a loop ~0.05 ms.
 */
function firstNaN(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== v) return i;
  }
  return -1;
}

/** Real values onto a quantized input's integer grid (per-tensor scale; round half away from zero as TFLite). */
function quantize(real: Float32Array, t: Tensor, ctor: new (...a: never[]) => TensorArray): TensorArray {
  const q = t.quantization!;
  const [lo, hi] = quantizedRange(t.dtype);
  const scale = q.scale[0]!;
  const zp = q.zeroPoint[0] ?? 0;
  const out = new (ctor as unknown as new (n: number) => Int8Array)(real.length);
  for (let i = 0; i < real.length; i++) {
    const v = real[i]! / scale;
    const r = v < 0 ? -Math.round(-v) : Math.round(v);
    out[i] = Math.min(hi, Math.max(lo, r + zp));
  }
  return out;
}

export function disposedError(): DisposedError {
  const error = new DisposedError();
  error.message = 'this model was disposed; load it again with loadModel()';
  return error;
}
