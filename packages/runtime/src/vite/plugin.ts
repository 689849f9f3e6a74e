/**
 * `@borde/runtime/vite`: ships the engines' wasm/js with the app, so it never needs a CDN.
 *
 * ```ts
 * // vite.config.ts
 * import { bordeAssets } from '@borde/runtime/vite';
 * export default { plugins: [bordeAssets({ engines: ['litert'], threads: false })] };
 * // app code
 * import { assetBase } from 'virtual:borde-assets';
 * const model = await loadModel(url, { assets: assetBase });
 * ```
 * - build: copies every file of the chosen engines (ENGINE_ASSETS) into `<outDir>/borde-assets/<group>/`;
 * - dev and preview: serves the same URLs from node_modules; with `threads: true` sends COOP/COEP so the
 *   page is crossOriginIsolated (needed for threaded wasm);
 * - `virtual:borde-assets` exports `assetBase`, `assetUrls` (for a service worker precache) and `threads`;
 * - `@borde/runtime/worker` works in dev and build (WORKER_CONFIG: optimizeDeps, worker format 'es');
 * - `precacheEntries(options)` gives vite-plugin-pwa's `workbox.additionalManifestEntries` and the size limit
 *   (then keep `borde-assets/**` out of `globPatterns` with `globIgnores`, or files are listed twice).
 */
import { createReadStream, readFileSync } from 'node:fs';
import type { Plugin, ResolvedConfig, UserConfig } from 'vite';
import { engineAssetFiles, fileRevision, type AssetFile, type AssetFileSelection } from './asset-files.js';

export { engineAssetFiles, type AssetFile, type AssetFileSelection, type AssetGroup } from './asset-files.js';

export interface BordeAssetsOptions extends AssetFileSelection {
  /** Folder under the build output (and URL path under Vite's `base`). Default 'borde-assets'. */
  dir?: string;
  /** Send Cross-Origin-Opener-Policy / Cross-Origin-Embedder-Policy in dev and preview (threaded wasm). */
  threads?: boolean;
}

export const VIRTUAL_MODULE_ID = 'virtual:borde-assets';
const RESOLVED_VIRTUAL_ID = `\0${VIRTUAL_MODULE_ID}`;
const DEFAULT_DIR = 'borde-assets';

/** Headers that make a page crossOriginIsolated. Production servers must send them too when threads are used. */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * What `@borde/runtime/worker` (loadModelInWorker) needs from Vite:
 * - dev: the dep optimizer bundles dependencies into node_modules/.vite/deps/, where the worker client's
 *   `new URL('./borde-worker-entry.js', import.meta.url)` would point at a file that is not there; excluded,
 *   the client is served from the package and its worker URL resolves (Vite then serves the worker entry
 *   itself). The runtime and comlink, which the client and the worker import, stay pre-bundled (one copy of
 *   the error classes for the page, no re-optimisation when the worker starts);
 * - build: the worker entry lazy-loads engines (dynamic imports), which Vite's default 'iife' worker
 *   format cannot split: 'es' (the worker is a module worker anyway).
 */
export const WORKER_CONFIG = {
  optimizeDeps: {
    exclude: ['@borde/runtime/worker'],
    include: ['@borde/runtime', '@borde/runtime/errors', '@borde/runtime > comlink'],
  },
  worker: { format: 'es' as const },
};

const RUNTIME_PACKAGE = '@borde/runtime';
/** What the runtime's browser code imports from other packages (Vite pre-bundles them for dev). */
export const RUNTIME_BROWSER_DEPENDENCIES: readonly string[] = [
  '@borde/tflite',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-tflite/dist/tf-tflite.fesm.js',
  '@litertjs/core',
];

export function bordeAssets(options: BordeAssetsOptions = {}): Plugin {
  const dir = trimSlashes(options.dir ?? DEFAULT_DIR);
  let files: AssetFile[] = [];
  let base = '/';
  const bySubpath = () => new Map(files.map((file) => [`${dir}/${file.path}`, file]));

  return {
    name: 'borde-assets',
    config(user?: UserConfig) {
      // An app that keeps the runtime out of dependency optimization would get its dependencies unbundled, and
      // their CommonJS parts (tfjs-core's `long`) fail in the browser with "module is not defined".
      const runtimeExcluded = user?.optimizeDeps?.exclude?.includes(RUNTIME_PACKAGE) ?? false;
      const include = runtimeExcluded
        ? [...RUNTIME_BROWSER_DEPENDENCIES, 'comlink'].map((name) => `${RUNTIME_PACKAGE} > ${name}`)
        : WORKER_CONFIG.optimizeDeps.include;
      const added: UserConfig = {
        optimizeDeps: { exclude: [...WORKER_CONFIG.optimizeDeps.exclude], include: [...include] },
        worker: { ...WORKER_CONFIG.worker },
      };
      if (options.threads) {
        added.server = { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } };
        added.preview = { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } };
      }
      return added;
    },
    configResolved(config: ResolvedConfig) {
      base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      files = engineAssetFiles(options);
    },
    resolveId(id) {
      return id === VIRTUAL_MODULE_ID ? RESOLVED_VIRTUAL_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_VIRTUAL_ID) return undefined;
      const assetBase = `${base}${dir}/`;
      const urls = files.filter((file) => file.precache).map((file) => `${assetBase}${file.path}`);
      return [
        `export const assetBase = ${JSON.stringify(assetBase)};`,
        `export const assetUrls = ${JSON.stringify(urls)};`,
        `export const threads = ${JSON.stringify(Boolean(options.threads))};`,
        'export default { assetBase, assetUrls, threads };',
      ].join('\n');
    },
    configureServer(server) {
      const map = bySubpath();
      server.middlewares.use((req, res, next) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const file = path.startsWith(base) ? map.get(decodeURIComponent(path.slice(base.length))) : undefined;
        if (!file) return next();
        res.setHeader('Content-Type', contentType(file.path));
        res.setHeader('Content-Length', String(file.size));
        createReadStream(file.source).pipe(res);
      });
    },
    generateBundle() {
      for (const file of files) {
        this.emitFile({ type: 'asset', fileName: `${dir}/${file.path}`, source: readFileSync(file.source) });
      }
    },
  };
}

export interface PrecacheEntry {
  url: string;
  revision: string;
}

/**
 * The engine files for a service worker's precache, e.g. vite-plugin-pwa:
 * `workbox: { additionalManifestEntries: entries, globIgnores: ['borde-assets/**'], maximumFileSizeToCacheInBytes }`.
 * `maximumFileSizeToCacheInBytes` is the largest listed file (LiteRT's wasm is ~9.5 MB, above workbox's 2 MiB default).
 */
export function precacheEntries(options: BordeAssetsOptions & { base?: string } = {}): {
  entries: PrecacheEntry[];
  maximumFileSizeToCacheInBytes: number;
  bytes: number;
} {
  const dir = trimSlashes(options.dir ?? DEFAULT_DIR);
  const base = options.base ?? '';
  const listed = engineAssetFiles(options).filter((file) => file.precache);
  return {
    entries: listed.map((file) => ({ url: `${base}${dir}/${file.path}`, revision: fileRevision(file.source) })),
    maximumFileSizeToCacheInBytes: Math.max(2 * 1024 * 1024, ...listed.map((file) => file.size)),
    bytes: listed.reduce((sum, file) => sum + file.size, 0),
  };
}

function contentType(path: string): string {
  if (path.endsWith('.wasm')) return 'application/wasm';
  if (path.endsWith('.js')) return 'text/javascript; charset=utf-8';
  return 'application/octet-stream';
}

function trimSlashes(text: string): string {
  return text.replace(/^\/+|\/+$/g, '');
}
