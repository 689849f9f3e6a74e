import type { DType, Graph, Tensor } from '@borde/tflite';
import { DisposedError } from './errors.js';
import type { BackendName, EngineName, EngineOutput, LoadedEngine, OpPlacementInfo, TensorArray } from './engines/engine.js';
import { isQuantized } from './host-tensor.js';
import { InputReader, type InputCheckMode, type InputValue, type InputValues } from './tensor-io.js';
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
export type ModelInputValue = InputValue;
/** One value (single-input models), values in model input order, or values by input name (tensor or signature name). */
export type ModelInputs = InputValues;

export interface ModelRunOptions {
  /**
   * true (default): inputs are copied when run() is called, so the caller may refill its arrays at once
   * (a camera loop) even while earlier runs are queued. false: zero-copy; the engine reads the arrays when
   * this run starts, so leave them unchanged until the promise settles. In a worker (loadModelInWorker), false
   * transfers the arrays' buffers to it: they are detached (empty) when run() returns.
   */
  copy?: boolean;
}

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
  /** The model file's metadata entries (e.g. `borde_calibration_stats`, which monitor() reads). */
  readonly metadata: readonly { name: string; data: Uint8Array }[];
  /**
   * Runs the model. Inputs are read and copied at the call (see ModelRunOptions.copy); runs are queued, one at a
   * time. Outputs come in model output order, each with its name, shape and data.
   */
  run(inputs: ModelInputs, options?: ModelRunOptions): Promise<ModelOutput[]>;
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

/** An output as run() returns it. Built field by field: an object spread measured ~1 µs per output. */
function outputOf(info: ModelTensorInfo, o: EngineOutput): ModelOutput {
  return info.quantization
    ? { name: info.name, dtype: info.dtype, shape: o.shape, quantization: info.quantization, data: o.data }
    : { name: info.name, dtype: info.dtype, shape: o.shape, data: o.data };
}

export class LoadedModel implements Model {
  readonly inputs: readonly ModelTensorInfo[];
  readonly outputs: readonly ModelTensorInfo[];
  readonly metadata: readonly { name: string; data: Uint8Array }[];
  private readonly reader: InputReader;
  private disposed = false;
  /** The last run started or queued: the next one starts when it settles (runs go one at a time). */
  private last: Promise<unknown> | undefined;
  /** Runs started or queued and not yet settled. */
  private pending = 0;

  constructor(
    graph: Graph,
    private readonly loaded: LoadedEngine,
    readonly plan: ModelPlan,
    checkInputs: InputCheckMode = 'finite',
  ) {
    const sg = graph.subgraphs[0]!;
    this.inputs = sg.inputs.map((i) => tensorInfo(sg.tensors[i]!));
    this.outputs = sg.outputs.map((i) => tensorInfo(sg.tensors[i]!));
    this.metadata = graph.metadata;
    this.reader = new InputReader(graph, 0, checkInputs);
  }

  get engine(): EngineName {
    return this.loaded.engine;
  }

  get backend(): BackendName {
    return this.loaded.backend;
  }

  get placement(): readonly OpPlacementInfo[] {
    return this.loaded.placement;
  }

  run(inputs: ModelInputs, options: ModelRunOptions = {}): Promise<ModelOutput[]> {
    if (this.disposed) return Promise.reject(disposedError());
    // Nothing in flight: this run starts now, so an engine that takes its inputs in before run() returns
    // needs no copy of them to protect the caller's refill.
    const now = this.pending === 0;
    // Read (and unless the engine takes them in at once, copied) now, not when the queue reaches this run.
    const arrays = this.read(inputs, (options.copy ?? true) && !(now && this.loaded.readsInputsAtCall === true));
    if (!Array.isArray(arrays)) return Promise.reject(arrays);
    // An engine that computes synchronously, idle: the run is done before run() returns; nothing to queue.
    if (now && this.loaded.runNow) return this.runNow(arrays);
    // No closure or try on the path of a run that starts at once: they measured ~1 µs per call in V8.
    const started = now ? this.start(arrays) : this.last!.then(() => this.start(arrays), () => this.start(arrays));
    this.pending++;
    const result = started.then(
      (outs) => {
        this.pending--;
        return outs.map((o, i) => outputOf(this.outputs[i]!, o));
      },
      (error: unknown) => {
        this.pending--;
        throw error;
      },
    );
    this.last = result;
    return result;
  }

  /** The inputs read, or the InputError to reject with (a try around the read measured ~0.4 µs per call). */
  private read(inputs: ModelInputs, copy: boolean): TensorArray[] | unknown {
    try {
      return this.reader.read(inputs, { copy });
    } catch (error) {
      return error;
    }
  }

  private runNow(arrays: TensorArray[]): Promise<ModelOutput[]> {
    try {
      const outs = this.loaded.runNow!(arrays);
      return Promise.resolve(outs.map((o, i) => outputOf(this.outputs[i]!, o)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private start(arrays: TensorArray[]): Promise<EngineOutput[]> {
    return this.disposed ? Promise.reject(disposedError()) : this.loaded.run(arrays);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.loaded.dispose();
  }
}

export function disposedError(): DisposedError {
  const error = new DisposedError();
  error.message = 'this model was disposed; load it again with loadModel()';
  return error;
}
