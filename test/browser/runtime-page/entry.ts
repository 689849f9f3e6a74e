// Page side of test/browser/runtime.test.ts and runtime-models.test.ts: @borde/runtime bundled by esbuild
// as an app would bundle it, with a small API the tests drive through page.evaluate. Values cross as plain
// number arrays.
import { loadModel, type Model, type LoadModelOptions } from '@borde/runtime';
// The runtime's own kernel check (same module instance as the bundled runtime's), to hold kernels back.
import { registeredKernel } from '../../../packages/runtime/src/backends.js';

/** Kernels to pretend `backend` lacks (a function cannot cross page.evaluate, this description can). */
interface HoldBack { backend: string; kernels: string[] }
type PageLoadOptions = Pick<LoadModelOptions, 'backend' | 'measure' | 'assets'> & { holdBack?: HoldBack; recordProgress?: boolean };

const models = new Map<number, Model>();
let nextId = 1;

function describeError(error: unknown): { name: string; code?: string; message: string; attempts?: unknown; ops?: unknown; url?: string; missing?: unknown } {
  const e = error as { name?: string; code?: string; message?: string; attempts?: unknown; ops?: unknown; url?: string; missing?: unknown };
  return { name: e?.name ?? 'Error', code: e?.code, message: e?.message ?? String(error), attempts: e?.attempts, ops: e?.ops, url: e?.url, missing: e?.missing };
}

const api = {
  async load(url: string, { holdBack, recordProgress, ...rest }: PageLoadOptions = {}) {
    const t0 = performance.now();
    const progress: { phase: string; url?: string; loaded: number; total?: number }[] = [];
    const options: LoadModelOptions = recordProgress ? { ...rest, onProgress: (p) => progress.push({ ...p }) } : rest;
    try {
      const model = await loadModel(url, holdBack
        ? { ...options, hasKernel: (b, k) => !(b === holdBack.backend && holdBack.kernels.includes(k)) && registeredKernel(b, k) }
        : options);
      const loadMs = performance.now() - t0;
      const id = nextId++;
      models.set(id, model);
      return {
        ok: true as const,
        id,
        loadMs,
        engine: model.engine,
        backend: model.backend,
        plan: model.plan,
        placement: model.placement,
        inputs: model.inputs,
        outputs: model.outputs,
        progress,
      };
    } catch (error) {
      return { ok: false as const, error: describeError(error) };
    }
  },

  async run(id: number, inputs: number[][], repeat = 1) {
    const model = models.get(id);
    if (!model) throw new Error(`no model ${id}`);
    const arrays = inputs.map((values) => Float32Array.from(values));
    const times: number[] = [];
    let outputs = await model.run(arrays);
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      outputs = await model.run(arrays);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return {
      medianMs: times[Math.floor((times.length - 1) / 2)],
      outputs: outputs.map((o) => ({ name: o.name, dtype: o.dtype, shape: o.shape, data: Array.from(o.data as Float32Array) })),
    };
  },

  /** One run per sample (each a list of inputs), after one warm-up run; median time of those runs. */
  async runSamples(id: number, samples: number[][][]) {
    const model = models.get(id);
    if (!model) throw new Error(`no model ${id}`);
    const inputs = samples.map((sample) => sample.map((values) => Float32Array.from(values)));
    await model.run(inputs[0]!);
    const times: number[] = [];
    const outputs: { name: string; shape: number[]; data: number[] }[][] = [];
    for (const sample of inputs) {
      const t0 = performance.now();
      const got = await model.run(sample);
      times.push(performance.now() - t0);
      outputs.push(got.map((o) => ({ name: o.name, shape: o.shape, data: Array.from(o.data as Float32Array) })));
    }
    times.sort((a, b) => a - b);
    return { medianMs: times[Math.floor((times.length - 1) / 2)]!, outputs };
  },

  dispose(id: number) {
    models.get(id)?.dispose();
    models.delete(id);
  },
};

(window as unknown as { bordeRuntime: typeof api }).bordeRuntime = api;
document.title = 'ready';

/** What the page offers the tests (types only; the tests drive it through page.evaluate). */
export type RuntimePageApi = typeof api;
