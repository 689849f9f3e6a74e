// loadModel in real Chromium: @borde/runtime bundled with esbuild (as an app bundles it), its wasm assets
// served from the installed packages at the default `./assets/` next to the bundle, the network cut. Every
// engine/backend the page offers runs MediaPipe's face detector and is judged against LiteRT in Node on the
// same seeded inputs; the plan must say why auto chose what it chose (WebGL and WebGPU here are SwiftShader:
// below wasm). The browser runs with the SwiftShader WebGPU flags, so tfjs webgpu is exercised for real.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareTensors, launchBrowser, mediapipeModels, packageDir, runLiteRt, seededInputs,
  type BrowserSession, type TensorValue,
} from '../harness/index.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../harness/runtime-bundle.js';

type PageApi = {
  load(url: string, options?: LoadOptions): Promise<LoadResult>;
  run(id: number, inputs: number[][], repeat?: number): Promise<{ medianMs: number; outputs: PageOutput[] }>;
  dispose(id: number): void;
};
type LoadOptions = { backend?: unknown; measure?: unknown; holdBack?: { backend: string; kernels: string[] } };
interface PageOutput { name: string; dtype: string; shape: number[]; data: number[] }
interface PlanCandidate { engine: string; backend: string; ok: boolean; reason: string; ms?: number }
type LoadResult =
  | {
    ok: true; id: number; loadMs: number; engine: string; backend: string;
    plan: { decidedBy: string; chosen: { engine: string; backend: string; reason: string }; candidates: PlanCandidate[]; device: { webgl: { software: boolean; description: string }; webgpu: { available: boolean; software: boolean; description: string; deferred?: true }; wasmSimd: boolean; threads: boolean } };
    placement: { index: number; opcode: string; backend: string; reason: string }[];
  }
  | { ok: false; error: { name: string; code?: string; message: string; attempts?: { backend: string; ok: boolean; reason: string }[] } };

const here = fileURLToPath(new URL('.', import.meta.url));
const models = mediapipeModels();
const faceShort = models.find((m) => m.file === 'face_detection_short_range.tflite')!;
const selfie = models.find((m) => m.file === 'selfie_segmentation.tflite')!;

let session: BrowserSession;
let faceInputs: TensorValue[];
let faceReference: TensorValue[];
const figures: string[] = [];

beforeAll(async () => {
  const bundle = await bundleForBrowser(join(here, 'runtime-page/entry.ts'));
  session = await launchBrowser({
    webgpu: true,
    routes: {
      // The runtime's default assets base is ./assets/ next to its module, here the bundle in /app/.
      ...runtimeAssetRoutes('/app/assets/'),
      '/models/face_detection/': packageDir('@mediapipe/face_detection', import.meta.url),
      '/models/selfie_segmentation/': packageDir('@mediapipe/selfie_segmentation', import.meta.url),
    },
  });
  session.server.put('/app/entry.js', bundle);
  session.server.put('/app/index.html', '<!doctype html><title>loading</title><script type="module" src="./entry.js"></script>');
  await session.page.goto(session.url('/app/index.html'));
  await session.page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });

  faceInputs = seededInputs([{ name: 'input', dtype: 'float32', shape: [1, 128, 128, 3] }], 1);
  faceReference = await runLiteRt(faceShort.bytes(), faceInputs);
}, 90_000);

afterAll(async () => {
  console.log(`loadModel in Chromium, face_detection_short_range vs LiteRT (Node):\n${figures.join('\n')}`);
  if (session) {
    // The page must never have reached for anything but the local server.
    expect(session.outsideRequests).toEqual([]);
    // Every asset was where the runtime looked for it (the default ./assets/ next to the bundle), and
    // tfjs-tflite's early preload of its glue next to the page never became a request (tfjs-tflite-preload.ts).
    expect(session.server.notFound).toEqual([]);
    await session.close();
  }
});

const load = (url: string, options?: LoadOptions) =>
  session.page.evaluate(([u, o]) => (window as unknown as { bordeRuntime: PageApi }).bordeRuntime.load(u, o), [url, options] as const);
const run = (id: number, inputs: number[][], repeat: number) =>
  session.page.evaluate(([i, x, r]) => (window as unknown as { bordeRuntime: PageApi }).bordeRuntime.run(i, x, r), [id, inputs, repeat] as const);
const dispose = (id: number) =>
  session.page.evaluate((i) => (window as unknown as { bordeRuntime: PageApi }).bordeRuntime.dispose(i), id);

/** Loads face_detection_short_range with `backend`, runs the seeded input, compares with LiteRT. */
async function checkFace(
  backend: string, rtol: number, repeat = 10, holdBack?: LoadOptions['holdBack'],
): Promise<Extract<LoadResult, { ok: true }>> {
  const loaded = await load('/models/face_detection/face_detection_short_range.tflite', { backend, ...(holdBack ? { holdBack } : {}) });
  if (!loaded.ok) throw new Error(`${backend}: ${loaded.error.message}`);
  try {
    const { outputs, medianMs } = await run(loaded.id, faceInputs.map((i) => Array.from(i.data as Float32Array)), repeat);
    let worst = 0;
    for (const expected of faceReference) {
      const ours = outputs.find((o) => o.name === expected.name);
      expect(ours, `${backend}: output ${expected.name}`).toBeDefined();
      const c = compareTensors({ dtype: 'float32', shape: ours!.shape, data: Float32Array.from(ours!.data) }, expected);
      expect(c.maxRelError, `${backend} ${expected.name}: max abs ${c.maxAbsError} of range ${c.range}`).toBeLessThan(rtol);
      worst = Math.max(worst, c.maxRelError);
    }
    const label = holdBack ? `${backend} w/o ${holdBack.kernels.join(',')}` : backend;
    figures.push(`  ${label.padEnd(12)} -> ${loaded.engine}/${loaded.backend}: load ${loaded.loadMs.toFixed(0)} ms, median run ${medianMs.toFixed(1)} ms, max rel error ${worst.toExponential(2)}`);
    return loaded;
  } finally {
    await dispose(loaded.id);
  }
}

describe('loadModel in Chromium (face_detection_short_range)', () => {
  it("auto picks the tfjs-tflite interpreter and says why; software WebGL and WebGPU rank below wasm", async () => {
    const loaded = await checkFace('auto', 1e-4);
    expect(loaded.engine).toBe('interpreter');
    expect(loaded.backend).toBe('tfjs-tflite');
    const { plan } = loaded;
    expect(plan.device.wasmSimd).toBe(true);
    expect(plan.device.webgl.software).toBe(true);
    expect(plan.device.webgl.description).toMatch(/SwiftShader/i);
    expect(plan.chosen.reason).toMatch(/official TFLite interpreter.*runs every op/);
    const order = plan.candidates.map((c) => `${c.engine}/${c.backend}`);
    expect(order.slice(0, 3)).toEqual(['interpreter/tfjs-tflite', 'interpreter/litert-wasm', 'tfjs/wasm']);
    expect(order.indexOf('tfjs/webgl')).toBeGreaterThan(order.indexOf('tfjs/wasm'));
    expect(order.at(-1)).toBe('tfjs/cpu');
    const webgl = plan.candidates.find((c) => c.backend === 'webgl')!;
    expect(webgl.reason).toMatch(/software.*SwiftShader.*ranked below/i);
    // WebGPU ranks below wasm, so 'auto' never asked for an adapter (Chromium warns when it finds none) while
    // a better candidate loads, and says so; backend 'webgpu' below probes the SwiftShader adapter.
    expect(plan.device.webgpu).toMatchObject({ available: false, deferred: true });
    expect(order.indexOf('tfjs/webgpu')).toBeGreaterThan(order.indexOf('tfjs/wasm'));
    const webgpu = plan.candidates.find((c) => c.backend === 'webgpu')!;
    expect(webgpu).toMatchObject({ ok: false, reason: expect.stringMatching(/not probed/) });
    expect(loaded.placement.every((p) => p.backend === 'tfjs-tflite')).toBe(true);
  });

  it("'interpreter' gives tfjs-tflite; 'litert-wasm' gives LiteRT.js; both agree with LiteRT in Node", async () => {
    expect((await checkFace('interpreter', 1e-4)).backend).toBe('tfjs-tflite');
    expect((await checkFace('litert-wasm', 1e-4)).backend).toBe('litert-wasm');
  });

  it.each([['wasm', 1e-4, 10], ['cpu', 1e-4, 3], ['webgl', 1e-3, 3], ['webgpu', 1e-4, 2]] as const)('tfjs %s agrees with LiteRT in Node', async (backend, rtol, repeat) => {
    const loaded = await checkFace(backend, rtol, repeat);
    expect(loaded.engine).toBe('tfjs');
    expect(loaded.backend).toBe(backend);
    expect(loaded.placement.filter((p) => p.backend !== 'load').every((p) => p.backend === backend)).toBe(true);
    if (backend === 'webgpu') {
      // Asked for, so probed: the SwiftShader adapter is found and known for software.
      expect(loaded.plan.device.webgpu).toMatchObject({ available: true, software: true });
      expect(loaded.plan.device.webgpu.description).toMatch(/swiftshader/i);
    }
  });

  it('tfjs webgpu without a kernel: those ops go to cpu, the placement says so, results still agree', async () => {
    // MaxPool held back on webgpu: the MAX_POOL_2D ops cross to cpu at segment borders, everything else stays.
    const loaded = await checkFace('webgpu', 1e-4, 1, { backend: 'webgpu', kernels: ['MaxPool'] });
    const pools = loaded.placement.filter((p) => p.opcode === 'MAX_POOL_2D');
    expect(pools.length).toBeGreaterThan(0);
    for (const p of pools) expect(p).toMatchObject({ backend: 'cpu', reason: 'webgpu lacks MaxPool; fell back to cpu' });
    const others = loaded.placement.filter((p) => p.opcode !== 'MAX_POOL_2D' && p.backend !== 'load');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((p) => p.backend === 'webgpu')).toBe(true);
  });
});

describe('measure in Chromium', () => {
  it('times the top candidates on the model, keeps the fastest, and remembers it in IndexedDB', async () => {
    const url = '/models/face_detection/face_detection_short_range.tflite';
    const first = await load(url, { measure: { top: 3, runs: 5, budgetMs: 1000 } });
    if (!first.ok) throw new Error(first.error.message);
    await dispose(first.id);
    const timed = first.plan.candidates.filter((c) => c.ms !== undefined);
    expect(timed.map((c) => c.backend)).toEqual(['tfjs-tflite', 'litert-wasm', 'wasm']);
    expect(first.backend).toBe(timed.reduce((x, y) => (y.ms! < x.ms! ? y : x)).backend);
    figures.push(`  measure: ${timed.map((c) => `${c.backend} ${c.ms!.toFixed(1)} ms`).join(', ')} -> ${first.backend}`);
    // IndexedDB, database 'borde', store 'plans' (workers have it; localStorage they do not): one choice.
    const stored = await session.page.evaluate(() => new Promise<number>((resolve, reject) => {
      const open = indexedDB.open('borde');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const count = open.result.transaction('plans').objectStore('plans').count();
        count.onsuccess = () => resolve(count.result);
        count.onerror = () => reject(count.error);
      };
    }));
    expect(stored).toBe(1);
    const second = await load(url, { measure: true });
    if (!second.ok) throw new Error(second.error.message);
    await dispose(second.id);
    expect(second.plan.decidedBy).toBe('remembered');
    expect(second.backend).toBe(first.backend);
  });
});

describe('custom ops in Chromium (selfie_segmentation)', () => {
  it('auto goes to LiteRT.js because tfjs-tflite refuses Convolution2DTransposeBias, and agrees with LiteRT in Node', async () => {
    const loaded = await load('/models/selfie_segmentation/selfie_segmentation.tflite');
    if (!loaded.ok) throw new Error(loaded.error.message);
    try {
      expect(`${loaded.engine}/${loaded.backend}`).toBe('interpreter/litert-wasm');
      expect(loaded.plan.chosen.reason).toMatch(/Convolution2DTransposeBias.*tfjs-tflite refuses/);
      expect(loaded.plan.candidates.find((c) => c.backend === 'tfjs-tflite')).toMatchObject({ ok: false, reason: expect.stringContaining('Convolution2DTransposeBias') });
      const inputs = seededInputs([{ name: 'input', dtype: 'float32', shape: [1, 256, 256, 3], range: [0, 1] }], 2);
      const { outputs, medianMs } = await run(loaded.id, inputs.map((i) => Array.from(i.data as Float32Array)), 2);
      const [expected] = await runLiteRt(selfie.bytes(), inputs);
      const c = compareTensors({ dtype: 'float32', shape: outputs[0]!.shape, data: Float32Array.from(outputs[0]!.data) }, expected!);
      expect(c.maxRelError).toBeLessThan(1e-4);
      figures.push(`  selfie_segmentation auto -> litert-wasm: load ${loaded.loadMs.toFixed(0)} ms, median run ${medianMs.toFixed(1)} ms, max rel error ${c.maxRelError.toExponential(2)}`);
    } finally {
      await dispose(loaded.id);
    }
  });
});
