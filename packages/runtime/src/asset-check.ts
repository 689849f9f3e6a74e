/**
 * Which of an engine's wasm/js files are missing from the assets base. Asked only after an engine failed to load
 * in a browser or worker, so a working app makes no extra request; the engines' own errors for a missing file
 * ("Cannot read properties of undefined (reading '_malloc')", a script `error` event, setBackend returning
 * false) do not say which URL was missing, this does.
 */
import { assetUrl, ENGINE_ASSETS, type AssetGroup } from './assets.js';
import { liteRtVariant } from './engines/litert-engine.js';
import type { BackendName } from './engines/engine.js';
import type { MissingAsset } from './errors.js';
import type { DeviceProbe } from './probe.js';

/** How long one check may take: a same-origin file that does not answer in this time counts as missing. */
const CHECK_TIMEOUT_MS = 15_000;

/** The asset group `backend` loads its files from; undefined for backends that need none (webgl, webgpu, cpu). */
export function assetGroupOf(backend: BackendName): AssetGroup | undefined {
  switch (backend) {
    case 'wasm': return 'tfjs-backend-wasm';
    case 'tfjs-tflite': return 'tfjs-tflite';
    case 'litert-wasm': return 'litert';
    default: return undefined;
  }
}

/** The variant of `group` a device with these capabilities loads (each engine picks by the same features). */
function variantOf(group: AssetGroup, probe: DeviceProbe): string {
  switch (group) {
    case 'tfjs-backend-wasm': return probe.wasmSimd ? (probe.threads ? 'simd-threads' : 'simd') : 'plain';
    case 'tfjs-tflite': return probe.wasmSimd ? (probe.threads ? 'simd-threads' : 'simd') : probe.threads ? 'threads' : 'plain';
    case 'litert': return liteRtVariant(probe);
  }
}

/** URLs of the files `backend` loads on this device, under `base`. */
export function neededAssetUrls(backend: BackendName, probe: DeviceProbe, base: string): { url: string; from: string }[] {
  const group = assetGroupOf(backend);
  if (!group) return [];
  const spec = ENGINE_ASSETS[group];
  return (spec.variants[variantOf(group, probe)] ?? spec.files).map((file) => ({
    url: new URL(assetUrl(base, `${spec.folder}/${file}`), (globalThis as { location?: { href: string } }).location?.href).href,
    from: `${spec.package}/${spec.from}/`,
  }));
}

/** The files of `backend` that cannot be fetched from `base` (empty in Node, where files come from the packages). */
export async function missingAssets(backend: BackendName, probe: DeviceProbe, base: string): Promise<MissingAsset[]> {
  if (probe.platform === 'node' || typeof fetch !== 'function') return [];
  const checks = neededAssetUrls(backend, probe, base).map(async ({ url, from }): Promise<MissingAsset | undefined> => {
    try {
      // GET, not HEAD: a service worker's precache answers GET only. The body is not read.
      const response = await fetch(url, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) return { url, status: response.status, detail: `HTTP ${response.status}`, from };
      // An app's catch-all route (SPA fallback) answers a missing file with its index.html.
      if (/^text\/html/i.test(response.headers.get('content-type') ?? '')) {
        return { url, status: response.status, detail: 'an HTML page came back (a fallback route), not the file', from };
      }
      return undefined;
    } catch (error) {
      return { url, status: undefined, detail: `no response (${error instanceof Error ? error.message : String(error)})`, from };
    }
  });
  return (await Promise.all(checks)).filter((m): m is MissingAsset => m !== undefined);
}
