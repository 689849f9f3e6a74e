// A page built without the engines' wasm/js files (what following the runtime README without the Vite plugin
// used to give): loadModel must fail loudly with one AssetError naming the missing URL and the fix, never drop
// silently to tfjs webgl on SwiftShader; an explicit fallback list is honoured and records why. With the files
// there, onProgress covers the engine's own download (its wasm), with totals, after the model's.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, mediapipeModels, packageDir, type BrowserSession } from '../harness/index.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../harness/runtime-bundle.js';

interface PageError {
  name: string; code?: string; message: string; url?: string;
  missing?: { url: string; status?: number; detail: string; from: string }[];
  attempts?: { backend: string; ok: boolean; reason: string }[];
}
type LoadResult =
  | { ok: true; engine: string; backend: string; progress: { phase: string; url?: string; loaded: number; total?: number }[]; plan: { candidates: { engine: string; backend: string; ok: boolean; reason: string }[] } }
  | { ok: false; error: PageError };

const here = fileURLToPath(new URL('.', import.meta.url));
const face = mediapipeModels().find((m) => m.file === 'face_detection_short_range.tflite')!;
const MODEL = '/models/face_detection/face_detection_short_range.tflite';

let session: BrowserSession;

beforeAll(async () => {
  const bundle = await bundleForBrowser(join(here, 'runtime-page/entry.ts'));
  // /app/ has the page and nothing else: the runtime's default assets base /app/assets/ is empty. /shipped/ has
  // only the LiteRT files, as an app that copied one engine's folder.
  const litert = runtimeAssetRoutes('/shipped/');
  session = await launchBrowser({
    routes: {
      '/models/face_detection/': packageDir('@mediapipe/face_detection', import.meta.url),
      ...Object.fromEntries(Object.entries(litert).filter(([prefix]) => prefix.endsWith('/litert/'))),
    },
  });
  session.server.put('/app/entry.js', bundle);
  session.server.put('/app/index.html', '<!doctype html><title>loading</title><script type="module" src="./entry.js"></script>');
}, 60_000);

afterAll(async () => {
  if (session) {
    expect(session.outsideRequests).toEqual([]);
    await session.close();
  }
});

// A fresh page each time: a failed engine load leaves page-wide state behind (tfjs-tflite caches its loader).
beforeEach(async () => {
  await session.page.goto(session.url('/app/index.html'));
  await session.page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
});

const load = (options: { backend?: unknown; assets?: string; recordProgress?: boolean }) =>
  session.page.evaluate(
    ([url, o]) => (window as unknown as { bordeRuntime: { load(u: string, o: unknown): Promise<LoadResult> } }).bordeRuntime.load(url, o),
    [MODEL, options] as const,
  );

describe('loadModel without the engines\' files (Chromium)', () => {
  it("'auto' throws AssetError naming the missing URLs and the fix, and never tries the software GPU or cpu", async () => {
    expect(face).toBeDefined();
    const result = await load({});
    expect(result.ok, JSON.stringify(result)).toBe(false);
    const error = (result as { error: PageError }).error;
    console.log(`AssetError as a developer sees it:\n${error.message}`);
    expect(error.name).toBe('AssetError');
    expect(error.code).toBe('ASSET');
    // A float model: auto ranks tfjs-tflite first; SIMD without threads here, so its SIMD build.
    expect(error.url).toBe(session.url('/app/assets/tfjs-tflite/tflite_web_api_cc_simd.js'));
    expect(error.missing?.map((m) => m.detail)).toContain('HTTP 404');
    expect(error.message).toContain(session.url('/app/assets/tfjs-tflite/tflite_web_api_cc_simd.js'));
    expect(error.message).toMatch(/bordeAssets\(\) from '@borde\/runtime\/vite'/);
    expect(error.message).toMatch(/copy node_modules\/@tensorflow\/tfjs-tflite\/wasm\/\* to .*\/app\/assets\/tfjs-tflite\//);
    expect(error.message).toMatch(/backend: \['interpreter', 'wasm', 'cpu'\]/);
    // Every engine that loads files was tried (each one's files named); WebGL (SwiftShader here) and cpu never.
    expect(error.missing?.map((m) => m.url)).toEqual(expect.arrayContaining([
      session.url('/app/assets/litert/litert_wasm_internal.wasm'),
      session.url('/app/assets/tfjs-backend-wasm/tfjs-backend-wasm-simd.wasm'),
    ]));
    expect(error.attempts?.find((a) => a.backend === 'tfjs/wasm')?.reason).toMatch(/its files cannot be fetched/);
    // LiteRT's loader rejects with the <script> element's error event: said as such, not "[object Event]".
    expect(error.attempts?.find((a) => a.backend === 'interpreter/litert-wasm')?.reason)
      .toContain(`error event loading ${session.url('/app/assets/litert/litert_wasm_internal.js')}`);
    const webgl = error.attempts?.find((a) => a.backend === 'tfjs/webgl');
    expect(webgl?.reason).toMatch(/^(not tried|not usable)/);
    expect(error.attempts?.find((a) => a.backend === 'tfjs/cpu')?.reason).toMatch(/^not tried/);
    expect(session.consoleMessages.some((m) => /SwiftShader/i.test(m.text) && /webgl/i.test(m.text))).toBe(false);
  });

  it('an explicit fallback list is honoured: the missing files are named in the plan, the next entry runs', async () => {
    const result = await load({ backend: ['tfjs-tflite', 'cpu'] });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const loaded = result as Extract<LoadResult, { ok: true }>;
    expect(`${loaded.engine}/${loaded.backend}`).toBe('tfjs/cpu');
    const first = loaded.plan.candidates.find((c) => c.backend === 'tfjs-tflite')!;
    expect(first.ok).toBe(false);
    expect(first.reason).toContain(`${session.url('/app/assets/tfjs-tflite/tflite_web_api_cc_simd.js')}: HTTP 404`);
  });

  it('an explicit backend whose files are missing is an AssetError too (tfjs wasm: setBackend only returns false)', async () => {
    const result = await load({ backend: 'wasm' });
    expect(result.ok).toBe(false);
    const error = (result as { error: PageError }).error;
    expect(error.code).toBe('ASSET');
    expect(error.url).toBe(session.url('/app/assets/tfjs-backend-wasm/tfjs-backend-wasm-simd.wasm'));
    expect(error.message).toMatch(/No engine\/backend in the `backend` list could load/);
  });

  it("an app that ships one engine: 'auto' goes on to it past the engine whose files are missing, and says why", async () => {
    const result = await load({ assets: '/shipped/' });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const loaded = result as Extract<LoadResult, { ok: true }>;
    expect(`${loaded.engine}/${loaded.backend}`).toBe('interpreter/litert-wasm');
    const first = loaded.plan.candidates.find((c) => c.backend === 'tfjs-tflite')!;
    expect(first.reason).toContain(`${session.url('/shipped/tfjs-tflite/tflite_web_api_cc_simd.js')}: HTTP 404`);
  });

  it('onProgress reports the model, then the engine\'s wasm as it downloads, with totals', async () => {
    const result = await load({ backend: 'litert-wasm', assets: '/shipped/', recordProgress: true });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const { progress } = result as Extract<LoadResult, { ok: true }>;
    const model = progress.filter((p) => p.phase === 'model');
    expect(model.at(-1)).toMatchObject({ loaded: face.bytes().byteLength, total: face.bytes().byteLength, url: MODEL });
    // Relaxed SIMD without threads here: LiteRT's plain build.
    const wasmUrl = session.url('/shipped/litert/litert_wasm_internal.wasm');
    const wasm = progress.filter((p) => p.phase === 'engine' && p.url === wasmUrl);
    const size = statSync(join(runtimeAssetRoutes('/shipped/')['/shipped/litert/']!, 'litert_wasm_internal.wasm')).size;
    expect(wasm.length).toBeGreaterThan(2); // streamed: a first report at 0 bytes, then as chunks arrive
    expect(wasm[0]).toMatchObject({ loaded: 0, total: size });
    expect(wasm.at(-1)).toMatchObject({ loaded: size, total: size });
    const phases = progress.map((p) => p.phase);
    expect(phases.indexOf('engine')).toBeGreaterThan(phases.lastIndexOf('model'));
  });
});
