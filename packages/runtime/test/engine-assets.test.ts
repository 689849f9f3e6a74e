// The engine files a device needs, how missing ones are found, and how their downloads are counted (the
// browser side of both is in test/browser/engine-assets.test.ts; here fetch is Node's, with a local handler).
import { afterEach, describe, expect, it } from 'vitest';
import { missingAssets, neededAssetUrls } from '../src/asset-check.js';
import { ENGINE_ASSETS } from '../src/assets.js';
import { watchEngineDownloads, type EngineDownload } from '../src/engine-downloads.js';
import { probeDevice, type DeviceProbe } from '../src/probe.js';

/** This machine's probe, as a browser with SIMD and relaxed SIMD and without threads (Chromium here). */
const DEVICE: DeviceProbe = { ...(await probeDevice()), platform: 'browser', wasmSimd: true, wasmRelaxedSimd: true, threads: false };
const BASE = 'https://app.example/borde-assets/';
const realFetch = globalThis.fetch;

afterEach(() => {
  globalThis.fetch = realFetch;
});

/** A fetch that serves `files` (URL -> bytes) in 1 kB chunks with Content-Length, 404 for anything else. */
function serve(files: Record<string, Uint8Array>): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const handler = (async (input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    asked.push(url);
    const bytes = files[url];
    if (!bytes) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.byteLength) return controller.close();
        controller.enqueue(bytes.slice(at, at + 1024));
        at += 1024;
      },
    });
    return new Response(body, { headers: { 'content-type': 'application/wasm', 'content-length': String(bytes.byteLength) } });
  }) as typeof fetch;
  return { fetch: handler, asked };
}

describe('neededAssetUrls: the variant each engine loads on a device', () => {
  it('names the files of the build the engine picks from the same capabilities', () => {
    const names = (backend: Parameters<typeof neededAssetUrls>[0], device: DeviceProbe) =>
      neededAssetUrls(backend, device, BASE).map((f) => f.url.slice(BASE.length));
    expect(names('tfjs-tflite', DEVICE)).toEqual(['tfjs-tflite/tflite_web_api_cc_simd.js', 'tfjs-tflite/tflite_web_api_cc_simd.wasm']);
    expect(names('tfjs-tflite', { ...DEVICE, threads: true })).toEqual([
      'tfjs-tflite/tflite_web_api_cc_simd_threaded.js', 'tfjs-tflite/tflite_web_api_cc_simd_threaded.wasm',
      'tfjs-tflite/tflite_web_api_cc_simd_threaded.worker.js',
    ]);
    expect(names('wasm', { ...DEVICE, wasmSimd: false })).toEqual(['tfjs-backend-wasm/tfjs-backend-wasm.wasm']);
    expect(names('litert-wasm', { ...DEVICE, wasmRelaxedSimd: false })).toEqual(['litert/litert_wasm_compat_internal.js', 'litert/litert_wasm_compat_internal.wasm']);
    expect(names('webgl', DEVICE)).toEqual([]);
    // Every name is a file the package ships (ENGINE_ASSETS lists them all).
    for (const group of Object.values(ENGINE_ASSETS)) {
      for (const files of Object.values(group.variants)) for (const file of files) expect(group.files).toContain(file);
    }
  });
});

describe('missingAssets', () => {
  it('lists the files that 404 or come back as an HTML page, with the package folder they ship in', async () => {
    const simdJs = `${BASE}tfjs-tflite/tflite_web_api_cc_simd.js`;
    const simdWasm = `${BASE}tfjs-tflite/tflite_web_api_cc_simd.wasm`;
    const net = serve({ [simdJs]: new Uint8Array(10) });
    globalThis.fetch = net.fetch;
    expect(await missingAssets('tfjs-tflite', DEVICE, BASE)).toEqual([
      { url: simdWasm, status: 404, detail: 'HTTP 404', from: '@tensorflow/tfjs-tflite/wasm/' },
    ]);
    globalThis.fetch = (async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })) as typeof fetch;
    const html = await missingAssets('wasm', DEVICE, BASE);
    expect(html).toHaveLength(1);
    expect(html[0]!.detail).toMatch(/HTML page came back/);
  });

  it('asks nothing in Node (files come from the installed packages) or for backends without files', async () => {
    const net = serve({});
    globalThis.fetch = net.fetch;
    expect(await missingAssets('tfjs-tflite', { ...DEVICE, platform: 'node' }, BASE)).toEqual([]);
    expect(await missingAssets('cpu', DEVICE, BASE)).toEqual([]);
    expect(net.asked).toEqual([]);
  });
});

describe('watchEngineDownloads', () => {
  it('counts the bytes of files under the assets base as they arrive, with totals, and restores fetch after', async () => {
    const wasm = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
    const url = `${BASE}tfjs-tflite/tflite_web_api_cc_simd.wasm`;
    const elsewhere = 'https://app.example/models/m.tflite';
    const net = serve({ [url]: wasm, [elsewhere]: new Uint8Array(4096) });
    globalThis.fetch = net.fetch;
    const seen: EngineDownload[] = [];
    const received = await watchEngineDownloads(BASE, (d) => seen.push({ ...d }), async () => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      await (await fetch(elsewhere)).arrayBuffer(); // not an engine file: not reported
      return bytes;
    });
    expect(received).toEqual(wasm); // the engine gets every byte, unchanged
    expect(seen[0]).toEqual({ url, loaded: 0, total: wasm.byteLength });
    expect(seen.at(-1)).toEqual({ url, loaded: wasm.byteLength, total: wasm.byteLength });
    expect(seen.length).toBe(1 + Math.ceil(wasm.byteLength / 1024));
    expect(seen.every((d) => d.url === url)).toBe(true);
    expect(globalThis.fetch).toBe(net.fetch);
  });

  it('two loads at once each hear their own base; fetch is restored when both are done', async () => {
    const a = `${BASE}litert/litert_wasm_internal.wasm`;
    const b = 'https://other.example/assets/tfjs-backend-wasm/tfjs-backend-wasm-simd.wasm';
    const net = serve({ [a]: new Uint8Array(3000), [b]: new Uint8Array(2000) });
    globalThis.fetch = net.fetch;
    const first: string[] = [];
    const second: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((done) => { release = done; });
    const one = watchEngineDownloads(BASE, (d) => first.push(d.url), async () => {
      await gate;
      await (await fetch(a)).arrayBuffer();
    });
    await watchEngineDownloads('https://other.example/assets/', (d) => second.push(d.url), async () => {
      await (await fetch(b)).arrayBuffer();
    });
    expect(globalThis.fetch).not.toBe(net.fetch); // the first load still listens
    release();
    await one;
    expect(new Set(first)).toEqual(new Set([a]));
    expect(new Set(second)).toEqual(new Set([b]));
    expect(globalThis.fetch).toBe(net.fetch);
  });
});
