// A default loadModel in Chromium without WebGPU (the flags most machines run with: navigator.gpu exists,
// no adapter) leaves the console clean: 'auto' asks for a WebGPU adapter only when no better-ranked engine
// loads, because Chromium warns "No available adapters." on every request that finds none. An app that asks
// for WebGPU still gets the probe (and Chromium's warning, which is then about what it asked for).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, packageDir, seededInputs, type BrowserSession } from '../harness/index.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../harness/runtime-bundle.js';

interface GpuProbe { available: boolean; reason?: string; deferred?: true }
type LoadResult =
  | { ok: true; id: number; engine: string; backend: string; plan: { device: { webgpu: GpuProbe } } }
  | { ok: false; error: { name: string; message: string } };
type PageApi = {
  load(url: string, options?: { backend?: unknown }): Promise<LoadResult>;
  run(id: number, inputs: number[][]): Promise<unknown>;
  dispose(id: number): void;
};

const here = fileURLToPath(new URL('.', import.meta.url));
const MODEL_URL = '/models/face_detection/face_detection_short_range.tflite';
let session: BrowserSession;

beforeAll(async () => {
  const bundle = await bundleForBrowser(join(here, 'runtime-page/entry.ts'));
  // No WebGPU flags: Chromium here has navigator.gpu and no adapter, as on machines without WebGPU.
  session = await launchBrowser({
    routes: {
      ...runtimeAssetRoutes('/app/assets/'),
      '/models/face_detection/': packageDir('@mediapipe/face_detection', import.meta.url),
    },
  });
  session.server.put('/app/entry.js', bundle);
  session.server.put('/app/index.html', '<!doctype html><title>loading</title><script type="module" src="./entry.js"></script>');
  await session.page.goto(session.url('/app/index.html'));
  await session.page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
}, 90_000);

afterAll(async () => {
  await session?.close();
});

const load = (options?: { backend?: unknown }) =>
  session.page.evaluate(([u, o]) => (window as unknown as { bordeRuntime: PageApi }).bordeRuntime.load(u, o), [session.url(MODEL_URL), options] as const);
/** tfjs-tflite's interpreter logs this on every load (not the runtime's doing; the consumer suite allows it too). */
const TFLITE_INFO = /^INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.$/;
const noisy = (from: number) => session.consoleMessages.slice(from)
  .filter((m) => (m.type === 'warning' || m.type === 'error') && !TFLITE_INFO.test(m.text))
  .map((m) => `${m.type}: ${m.text}`);

it('a default loadModel and run log no console warning or error', async () => {
  const before = session.consoleMessages.length;
  const result = await load();
  if (!result.ok) throw new Error(`${result.error.name}: ${result.error.message}`);
  const inputs = seededInputs([{ name: 'input', dtype: 'float32', shape: [1, 128, 128, 3] }], 1).map((t) => Array.from(t.data as Float32Array));
  await session.page.evaluate(([i, x]) => (window as unknown as { bordeRuntime: PageApi }).bordeRuntime.run(i, x), [result.id, inputs] as const);
  expect(noisy(before)).toEqual([]);
  // The plan says WebGPU was left unprobed, and why, rather than claiming there is no GPU.
  expect(result.plan.device.webgpu).toMatchObject({ available: false, deferred: true });
  expect(result.plan.device.webgpu.reason).toMatch(/not probed/);
  await session.page.evaluate((i) => (window as unknown as { bordeRuntime: PageApi }).bordeRuntime.dispose(i), result.id);
});

it("backend: 'webgpu' still asks for an adapter and reports what it found", async () => {
  const result = await load({ backend: 'webgpu' });
  // No adapter here: the request fails with the probe's reason; with one, it loads. Either way it was probed.
  const text = result.ok ? JSON.stringify(result.plan.device.webgpu) : result.error.message;
  expect(text).not.toMatch(/not probed/);
  if (result.ok) {
    expect(result.plan.device.webgpu.deferred).toBeUndefined();
    await session.page.evaluate((i) => (window as unknown as { bordeRuntime: PageApi }).bordeRuntime.dispose(i), result.id);
  } else {
    expect(text).toMatch(/requestAdapter|navigator\.gpu/);
  }
});
