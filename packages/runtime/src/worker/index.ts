/**
 * `@borde/runtime/worker`: the same Model, run in a dedicated Web Worker, so inference never blocks the page
 * (a camera kiosk's UI stays smooth while its detector runs).
 *
 * ```ts
 * import { loadModelInWorker } from '@borde/runtime/worker';
 * const model = await loadModelInWorker('/models/detector.tflite', { assets: assetBase });
 * const outputs = await model.run(frame);                    // frame copied: refill it at once
 * const outputs2 = await model.run(frame, { copy: false });  // frame's buffer transferred (detached here)
 * model.dispose();                                           // terminates the worker
 * ```
 * The package creates the worker itself, a module worker made with the `new Worker(new URL(...))` pattern
 * that Vite and webpack bundle. Errors arrive as the same classes as from
 * loadModel (InputError, BackendError...). Talks to the worker with comlink.
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { DisposedError, InputError, WorkerError } from '@borde/runtime/errors';
import type { BackendName, EngineName, OpPlacementInfo } from '../engines/engine.js';
import type { LoadModelOptions } from '../load-model.js';
import type { Model, ModelInputs, ModelOutput, ModelPlan, ModelRunOptions, ModelTensorInfo } from '../model.js';
import type { ModelSource } from '../model-source.js';
import { fromWire } from './error-wire.js';
import type { LoadedInfo, Reply, WorkerApi, WorkerSafeLoadOptions } from './protocol.js';

export interface WorkerLoadOptions extends Omit<LoadModelOptions, 'hasKernel' | 'ops'> {
  /**
   * A worker running `@borde/runtime/worker-entry` to use instead of the one the package creates (for a bundler
   * that does not understand `new Worker(new URL(...))` in a dependency). It is terminated by dispose().
   */
  worker?: Worker;
}

/** The runtime's own module worker. The literal pattern is what Vite and webpack look for to bundle it. */
function createRuntimeWorker(): Worker {
  return new Worker(new URL('./borde-worker-entry.js', import.meta.url), { type: 'module', name: 'borde-runtime' });
}

/** A URL as the page means it: relative URLs resolve against the page, not the worker's script. */
function absoluteUrl(url: string | URL): string {
  const g = globalThis as { document?: { baseURI: string }; location?: { href: string } };
  const base = g.document?.baseURI ?? g.location?.href;
  return base ? new URL(String(url), base).href : String(url);
}

function unwrap<T>(reply: Reply<T>): T {
  if (!reply.ok) throw fromWire(reply.error);
  return reply.value;
}

/** The ArrayBuffers behind `inputs` (typed arrays, `{ data }` values, lists or records of them). */
function inputBuffers(inputs: ModelInputs): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (value: unknown) => {
    const data = ArrayBuffer.isView(value) ? value : (value as { data?: unknown } | null)?.data;
    if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer) buffers.add(data.buffer);
  };
  if (ArrayBuffer.isView(inputs) || (inputs as { data?: unknown }).data !== undefined) add(inputs);
  else if (Array.isArray(inputs)) inputs.forEach(add);
  else Object.values(inputs).forEach(add);
  return [...buffers];
}

/** An input postMessage cannot copy (a function, a DOM node): the same InputError loadModel would give. */
function uncloneable(cause: unknown): InputError {
  const error = new InputError('inputs', 'typed arrays (or { data, shape })', 'a value that cannot be sent to the worker');
  error.message = `inputs: expected typed arrays (or { data, shape }), got a value that cannot be sent to the worker (${(cause as Error).message})`;
  (error as { cause?: unknown }).cause = cause;
  return error;
}

function disposed(): DisposedError {
  const error = new DisposedError();
  error.message = 'this model was disposed (its worker is terminated); load it again with loadModelInWorker()';
  return error;
}

class WorkerModel implements Model {
  readonly engine: EngineName;
  readonly backend: BackendName;
  readonly plan: ModelPlan;
  readonly placement: readonly OpPlacementInfo[];
  readonly inputs: readonly ModelTensorInfo[];
  readonly outputs: readonly ModelTensorInfo[];
  readonly metadata: readonly { name: string; data: Uint8Array }[];
  private closed = false;
  /** Rejects of runs in flight: dispose() settles them (a terminated worker never answers). */
  private readonly pending = new Set<(error: Error) => void>();

  constructor(info: LoadedInfo, private readonly worker: Worker, private readonly remote: Remote<WorkerApi>) {
    this.engine = info.engine;
    this.backend = info.backend;
    this.plan = info.plan;
    this.placement = info.placement;
    this.inputs = info.inputs;
    this.outputs = info.outputs;
    this.metadata = info.metadata;
  }

  run(inputs: ModelInputs, options: ModelRunOptions = {}): Promise<ModelOutput[]> {
    if (this.closed) return Promise.reject(disposed());
    return new Promise<ModelOutput[]>((resolve, reject) => {
      this.pending.add(reject);
      // postMessage clones (copy: true) or transfers (copy: false) the inputs now, inside this call.
      const sent = options.copy === false ? transfer(inputs, inputBuffers(inputs)) : inputs;
      this.remote
        .run(sent)
        .then((reply) => unwrap(reply))
        .catch((error: unknown) => {
          throw (error as { name?: string }).name === 'DataCloneError' ? uncloneable(error) : error;
        })
        .then(resolve, reject)
        .finally(() => this.pending.delete(reject));
    });
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.remote[releaseProxy]();
    this.worker.terminate();
    for (const reject of this.pending) reject(disposed());
    this.pending.clear();
  }
}

/**
 * loadModel in a dedicated Web Worker: the same options (but `hasKernel` and `ops`, which are functions) and
 * the same Model. Browsers only (Node has no Web Workers: use loadModel there).
 */
export async function loadModelInWorker(source: ModelSource, options: WorkerLoadOptions = {}): Promise<Model> {
  const { worker: given, signal, onProgress, ...rest } = options;
  signal?.throwIfAborted();
  if (!given && typeof Worker === 'undefined') {
    throw new WorkerError('loadModelInWorker needs Web Workers (browsers); in Node, use loadModel from @borde/runtime');
  }
  const worker = given ?? createRuntimeWorker();
  const remote = wrap<WorkerApi>(worker);
  const settings: WorkerSafeLoadOptions = { ...rest };
  if (rest.assets !== undefined) settings.assets = absoluteUrl(rest.assets);
  const sent = typeof source === 'string' || source instanceof URL ? absoluteUrl(source) : source;

  let stop: ((error: unknown) => void) | undefined;
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  // A worker whose script did not load (404, wrong MIME type, a syntax error) never answers: its error event says so.
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    stop!(new WorkerError(
      `the runtime's worker failed to start (${event.message || 'its script did not load'}). ` +
        'Check that your bundler emitted @borde/runtime\'s worker (see the runtime README, "In a Web Worker"), or pass options.worker.',
    ));
  };
  const onAbort = () => stop!(signal!.reason ?? new DOMException('loadModelInWorker was aborted', 'AbortError'));
  worker.addEventListener('error', onError);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const reply = await Promise.race([remote.load(sent, settings, onProgress ? proxy(onProgress) : undefined), stopped]);
    return new WorkerModel(unwrap(reply), worker, remote);
  } catch (error) {
    remote[releaseProxy]();
    worker.terminate();
    throw error;
  } finally {
    worker.removeEventListener('error', onError);
    signal?.removeEventListener('abort', onAbort);
  }
}

export type { Model, ModelInputs, ModelOutput, ModelRunOptions } from '../model.js';
