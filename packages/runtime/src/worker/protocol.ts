// What the page and the runtime's worker say to each other (through comlink): one model per worker.
import type { LoadModelOptions, LoadProgress } from '../load-model.js';
import type { ModelInputs, ModelOutput, ModelPlan, ModelTensorInfo } from '../model.js';
import type { ModelSource } from '../model-source.js';
import type { BackendName, EngineName, OpPlacementInfo } from '../engines/engine.js';
import type { WireError } from './error-wire.js';

/** A result, or the error as data (rebuilt as its class on the page). */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** loadModel's options that can cross to a worker (functions cannot: no `hasKernel`, no `ops`; `signal` stays on the page). */
export type WorkerSafeLoadOptions = Omit<LoadModelOptions, 'hasKernel' | 'ops' | 'onProgress' | 'signal'>;

/** The Model's fields, as data. */
export interface LoadedInfo {
  engine: EngineName;
  backend: BackendName;
  plan: ModelPlan;
  placement: OpPlacementInfo[];
  inputs: ModelTensorInfo[];
  outputs: ModelTensorInfo[];
  metadata: { name: string; data: Uint8Array }[];
}

/** The API the worker exposes. */
export interface WorkerApi {
  load(source: ModelSource, options: WorkerSafeLoadOptions, onProgress?: (progress: LoadProgress) => void): Promise<Reply<LoadedInfo>>;
  run(inputs: ModelInputs): Promise<Reply<ModelOutput[]>>;
  dispose(): void;
}
