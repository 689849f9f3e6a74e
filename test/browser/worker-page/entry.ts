// Page side of test/browser/worker.test.ts: the same model loaded on the main thread (loadModel) and in the
// runtime's worker (loadModelInWorker, whose script the test serves next to this bundle, where the package's
// `new URL('./borde-worker-entry.js', import.meta.url)` points). Values cross page.evaluate as number arrays.
import { DisposedError, FetchError, InputError, forgetRememberedChoices, loadModel, type LoadModelOptions, type Model, type ModelOutput } from '@borde/runtime';
import { loadModelInWorker } from '@borde/runtime/worker';

const models = new Map<string, Model>();

/** Runtime workers the page started and terminated (Worker is wrapped before any is created). */
const workers = { started: 0, terminated: 0 };
const NativeWorker = Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workers.started++;
  }
  override terminate(): void {
    workers.terminated++;
    super.terminate();
  }
};

type Options = Pick<LoadModelOptions, 'backend' | 'measure' | 'cache'>;

function describe(error: unknown) {
  const e = error as Record<string, unknown>;
  return {
    name: String(e?.name), message: String(e?.message ?? error), code: e?.code as string | undefined,
    fields: Object.fromEntries(Object.entries(e ?? {}).filter(([, v]) => typeof v !== 'object' || v === null)),
    classes: {
      InputError: error instanceof InputError, FetchError: error instanceof FetchError, DisposedError: error instanceof DisposedError,
      Error: error instanceof Error,
    },
  };
}

const output = (outputs: ModelOutput[]) =>
  outputs.map((o) => ({ name: o.name, shape: o.shape, data: Array.from(o.data as Float32Array) }));

const api = {
  async load(key: string, where: 'main' | 'worker', url: string, options: Options = {}) {
    try {
      const model = where === 'main' ? await loadModel(url, options) : await loadModelInWorker(url, options);
      models.set(key, model);
      return {
        ok: true as const,
        engine: model.engine, backend: model.backend, decidedBy: model.plan.decidedBy,
        inputs: model.inputs, outputs: model.outputs, placement: model.placement.length,
        candidates: model.plan.candidates.map((c) => `${c.engine}/${c.backend} ${c.ok}: ${c.reason}`),
      };
    } catch (error) {
      return { ok: false as const, error: describe(error) };
    }
  },

  /**
   * Runs `samples` one by one. copy: the default; the array is overwritten with garbage right after run() is
   * called (a camera loop refilling its buffer), which must not change the result. transfer: copy: false.
   */
  async run(key: string, samples: number[][], mode: 'copy' | 'transfer') {
    const model = models.get(key)!;
    const results = [];
    const detached: boolean[] = [];
    for (const sample of samples) {
      const input = Float32Array.from(sample);
      const pending = model.run(input, mode === 'transfer' ? { copy: false } : {});
      if (mode === 'copy') input.fill(Number.NaN);
      results.push(output(await pending));
      detached.push(input.byteLength === 0);
    }
    return { results, detached };
  },

  async runBad(key: string, length: number) {
    try {
      await models.get(key)!.run(new Float32Array(length));
      return { ok: true as const };
    } catch (error) {
      return { ok: false as const, error: describe(error) };
    }
  },

  /** An input postMessage cannot send (a function inside): an InputError, as loadModel's parser gives. */
  async runUncloneable(key: string) {
    const value = { data: new Float32Array(784), shape: [1, 28, 28, 1], onDone: () => undefined };
    return models.get(key)!.run({ image: value }).then(() => ({ ok: true as const }), (error: unknown) => ({ ok: false as const, error: describe(error) }));
  },

  /** Disposes with a run in flight: that run and later ones reject with DisposedError. */
  async dispose(key: string, sample: number[]) {
    const model = models.get(key)!;
    const inFlight = model.run(Float32Array.from(sample)).then(() => 'resolved', (error: unknown) => describe(error));
    model.dispose();
    model.dispose();
    const after = await model.run(Float32Array.from(sample)).then(() => 'resolved', (error: unknown) => describe(error));
    models.delete(key);
    return { inFlight: await inFlight, after, workers: { ...workers } };
  },

  /** Loads with a progress callback (proxied to the worker): how often it was called, last value. */
  async loadWithProgress(url: string) {
    const seen: { loaded: number; total: number | undefined }[] = [];
    const model = await loadModelInWorker(url, { onProgress: (p) => seen.push(p) });
    model.dispose();
    return { calls: seen.length, last: seen.at(-1) };
  },

  /** A load aborted while the worker loads, and a worker whose script is missing: both reject, typed. */
  async loadFailures(url: string) {
    const before = { ...workers };
    const controller = new AbortController();
    const aborted = loadModelInWorker(url, { signal: controller.signal }).then(() => 'resolved', (error: unknown) => describe(error));
    controller.abort();
    const missing = await loadModelInWorker(url, { worker: new Worker('/app/no-such-worker.js', { type: 'module' }) })
      .then(() => 'resolved', (error: unknown) => describe(error));
    return { aborted: await aborted, missing, started: workers.started - before.started, terminated: workers.terminated - before.terminated };
  },

  workers: () => ({ ...workers }),
  forget: () => forgetRememberedChoices(),
  cachedUrls: async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    return urls;
  },
};

(window as unknown as { bordeWorker: typeof api }).bordeWorker = api;
document.title = 'ready';

export type WorkerPageApi = typeof api;
