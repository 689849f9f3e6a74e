// loadModelInWorker in real Chromium: the fashion-mnist int8 model (converted here by the converter, as the
// project ships it) runs in the runtime's own module worker and must give exactly what loadModel gives on the
// main thread, with inputs copied (the caller refills its array at once) and transferred (copy: false);
// errors arrive as the runtime's classes; dispose terminates the worker; measured engine choices are kept in
// IndexedDB, which workers have (a second worker recalls them); the sha256-verified cache works from the worker.

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert } from '@borde/converter';
import { launchBrowser, type BrowserSession } from '../harness/index.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../harness/runtime-bundle.js';
import { FASHION_MNIST_MODEL, fashionMnistData } from '../../converter/test/support/model-data.js';
import type { WorkerPageApi } from './worker-page/entry.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));
const MODEL_URL = '/models/fashion-mnist-int8.tflite';
const CACHED_URL = '/models/cached/fashion-mnist-int8.tflite';

let session: BrowserSession;
let samples: number[][];
let sha256: string;

beforeAll(async () => {
  const data = fashionMnistData(4);
  const int8 = await convert(FASHION_MNIST_MODEL, { quantize: 'int8', calibration: data.calibration, verify: false });
  samples = data.test.samples.map((s) => Array.from(s[0]!.data as Float32Array));
  sha256 = createHash('sha256').update(int8.bytes).digest('hex');
  const [page, worker] = await Promise.all([
    bundleForBrowser(join(here, 'worker-page/entry.ts')),
    bundleForBrowser(join(repo, 'packages/runtime/src/worker/borde-worker-entry.ts')),
  ]);
  session = await launchBrowser({ routes: runtimeAssetRoutes('/app/assets/') });
  session.server.put('/app/entry.js', page);
  // Where the package's `new URL('./borde-worker-entry.js', import.meta.url)` points from the page bundle.
  session.server.put('/app/borde-worker-entry.js', worker);
  session.server.put('/app/index.html', '<!doctype html><title>loading</title><script type="module" src="./entry.js"></script>');
  session.server.put(MODEL_URL, int8.bytes);
  session.server.put(CACHED_URL, int8.bytes);
  await session.page.goto(session.url('/app/index.html'));
  await session.page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  if (!session) return;
  try {
    expect(session.outsideRequests).toEqual([]);
    // Missing on purpose: the model of the FetchError test and the worker script of the WorkerError test
    // (and tfjs-tflite's glue preload next to the worker's script, as in runtime.test.ts).
    const missing = session.server.notFound.filter((p) => !/^\/app\/tflite_web_api_cc(_simd)?(_threaded)?\.js$/.test(p));
    expect([...new Set(missing)].sort()).toEqual(['/app/no-such-worker.js', '/models/none.tflite']);
  } finally {
    await session.close();
  }
});

const api = <K extends keyof WorkerPageApi>(method: K, ...args: Parameters<WorkerPageApi[K]>) =>
  session.page.evaluate(
    ([m, a]) => (window as unknown as { bordeWorker: Record<string, (...x: unknown[]) => unknown> }).bordeWorker[m]!(...a),
    [method, args] as const,
  ) as Promise<Awaited<ReturnType<WorkerPageApi[K]>>>;

describe('loadModelInWorker (fashion-mnist int8, Chromium)', () => {
  it('gives the main thread model its engine and exactly its outputs, inputs copied or transferred', async () => {
    for (const backend of ['auto', 'wasm'] as const) {
      const main = await api('load', `main-${backend}`, 'main', MODEL_URL, { backend });
      const inWorker = await api('load', `worker-${backend}`, 'worker', MODEL_URL, { backend });
      if (!main.ok || !inWorker.ok) throw new Error(JSON.stringify([main, inWorker]));
      expect({ ...inWorker, decidedBy: undefined }).toEqual({ ...main, decidedBy: undefined });
      const expected = await api('run', `main-${backend}`, samples, 'copy');
      const copied = await api('run', `worker-${backend}`, samples, 'copy');
      const transferred = await api('run', `worker-${backend}`, samples, 'transfer');
      expect(copied.results, `${backend}: the caller refilled its array after run(); the copy taken at the call ran`).toEqual(expected.results);
      expect(copied.detached).toEqual(samples.map(() => false));
      expect(transferred.results).toEqual(expected.results);
      expect(transferred.detached, 'copy: false transfers the input buffer to the worker').toEqual(samples.map(() => true));
      // A real answer: ten class probabilities that sum to about 1.
      const first = expected.results[0]![0]!;
      expect(first.shape).toEqual([1, 10]);
      expect(first.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    }
  });

  it('errors arrive as the runtime classes with their fields: InputError from run, FetchError from load', async () => {
    const bad = await api('runBad', 'worker-auto', 27);
    expect(bad.ok).toBe(false);
    const error = (bad as Extract<typeof bad, { ok: false }>).error;
    expect(error.classes).toMatchObject({ InputError: true, Error: true });
    expect(error).toMatchObject({ name: 'InputError', code: 'INPUT', fields: { input: 'image' } });
    expect(error.message).toMatch(/input "image": expected .*784.*got .*27/);
    const main = await api('runBad', 'main-auto', 27);
    expect(error.message).toBe((main as Extract<typeof main, { ok: false }>).error.message);

    const uncloneable = await api('runUncloneable', 'worker-auto');
    expect(uncloneable).toMatchObject({ ok: false, error: { name: 'InputError', code: 'INPUT', classes: { InputError: true } } });

    const missing = await api('load', 'missing', 'worker', '/models/none.tflite');
    expect(missing.ok).toBe(false);
    const fetchError = (missing as Extract<typeof missing, { ok: false }>).error;
    expect(fetchError).toMatchObject({ name: 'FetchError', code: 'FETCH', fields: { status: 404 }, classes: { FetchError: true } });
    // The relative URL was resolved against the page, not against the worker's script.
    expect(fetchError.fields.url).toBe(session.url('/models/none.tflite'));
  });

  it('onProgress is called from the worker; an aborted load and a worker that cannot start reject, typed', async () => {
    const progress = await api('loadWithProgress', MODEL_URL);
    expect(progress.calls).toBeGreaterThan(0);
    expect(progress.last?.loaded).toBe(progress.last?.total);
    const failures = await api('loadFailures', MODEL_URL);
    expect(failures.aborted).toMatchObject({ name: 'AbortError' });
    expect(failures.missing).toMatchObject({ name: 'WorkerError', code: 'WORKER', message: expect.stringMatching(/failed to start/) });
    // Both workers (the aborted load's and the given one) were terminated.
    expect(failures).toMatchObject({ started: 2, terminated: 2 });
  });

  it('dispose terminates the worker; a run in flight and later runs reject with DisposedError', async () => {
    const before = await api('workers');
    const result = await api('dispose', 'worker-wasm', samples[0]!);
    expect(result.workers.terminated).toBe(before.terminated + 1);
    for (const outcome of [result.inFlight, result.after]) {
      expect(outcome).toMatchObject({ name: 'DisposedError', code: 'DISPOSED', classes: { DisposedError: true } });
    }
    // The page still has a working main-thread model: disposing the worker touched nothing else.
    expect((await api('run', 'main-wasm', samples.slice(0, 1), 'copy')).results).toHaveLength(1);
  });

  it('a measured choice is kept in IndexedDB: a second worker (nothing shared in memory) recalls it', async () => {
    await api('forget');
    const measure = { top: 2, runs: 2, budgetMs: 300 };
    const first = await api('load', 'measured-1', 'worker', MODEL_URL, { measure });
    const second = await api('load', 'measured-2', 'worker', MODEL_URL, { measure });
    if (!first.ok || !second.ok) throw new Error(JSON.stringify([first, second]));
    expect(first.decidedBy).toBe('measured');
    expect(second).toMatchObject({ decidedBy: 'remembered', engine: first.engine, backend: first.backend });
    // The page itself is another device key (a worker probes as 'worker': no DOM, its own WebGL context).
    const main = await api('load', 'measured-main', 'main', MODEL_URL, { measure });
    expect(main.ok && main.decidedBy).toBe('measured');
  });

  it('the sha256-verified model cache works from the worker', async () => {
    const loaded = await api('load', 'cached', 'worker', CACHED_URL, { cache: { sha256 } });
    expect(loaded.ok, JSON.stringify(loaded)).toBe(true);
    expect(await api('cachedUrls')).toContain(CACHED_URL);
    const requests = session.server.requested.filter((p) => p === CACHED_URL).length;
    const again = await api('load', 'cached-again', 'worker', CACHED_URL, { cache: { sha256 } });
    expect(again.ok).toBe(true);
    expect(session.server.requested.filter((p) => p === CACHED_URL).length, 'the second load read the cache').toBe(requests);
    expect((await api('run', 'cached-again', samples, 'copy')).results).toEqual((await api('run', 'main-auto', samples, 'copy')).results);
  });
});
