/**
 * The wasm/js files each engine loads at run time, and where the runtime looks for them. Nothing is fetched
 * from a CDN: the files are copied from the installed packages into the app (the Vite plugin and the
 * package build do that from this table) and served from the app's own origin.
 *
 * Layout under the assets base (`loadModel(..., { assets })`, default `./assets/` next to the runtime's
 * module file, i.e. next to the bundle chunk that contains it):
 * ```
 * <base>/tfjs-backend-wasm/tfjs-backend-wasm*.wasm     tfjs engine, backend 'wasm'
 * <base>/tfjs-tflite/tflite_web_api_*                   interpreter engine, backend 'tfjs-tflite'
 * <base>/litert/litert_wasm_*_internal.{js,wasm}        interpreter engine, backend 'litert-wasm'
 * ```
 * In Node the files are read from the installed packages (the `assets` option is a folder with the same
 * layout and only changes where tfjs-backend-wasm's files are read from).
 */

/** Asset groups: one per package whose files are loaded at run time. */
export type AssetGroup = 'tfjs-backend-wasm' | 'tfjs-tflite' | 'litert';

export interface AssetGroupFiles {
  /** npm package the files come from. */
  package: string;
  /** Folder inside the package that holds them. */
  from: string;
  /** Folder under the assets base they are served from (the group name). */
  folder: string;
  /** File names (all of them: which variant loads depends on the device, see `variants`). */
  files: string[];
  /** Which files a device loads, by capability; for service-worker precache lists that want less. */
  variants: Record<string, string[]>;
}

export const ENGINE_ASSETS: Record<AssetGroup, AssetGroupFiles> = {
  'tfjs-backend-wasm': {
    package: '@tensorflow/tfjs-backend-wasm',
    from: 'dist',
    folder: 'tfjs-backend-wasm',
    files: ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'],
    variants: {
      // tfjs picks by WebAssembly feature detection; the threaded build only when crossOriginIsolated.
      plain: ['tfjs-backend-wasm.wasm'],
      simd: ['tfjs-backend-wasm-simd.wasm'],
      'simd-threads': ['tfjs-backend-wasm-threaded-simd.wasm'],
    },
  },
  'tfjs-tflite': {
    package: '@tensorflow/tfjs-tflite',
    from: 'wasm',
    folder: 'tfjs-tflite',
    files: [
      'tflite_web_api_client.js',
      'tflite_web_api_cc.js', 'tflite_web_api_cc.wasm',
      'tflite_web_api_cc_simd.js', 'tflite_web_api_cc_simd.wasm',
      'tflite_web_api_cc_threaded.js', 'tflite_web_api_cc_threaded.wasm', 'tflite_web_api_cc_threaded.worker.js',
      'tflite_web_api_cc_simd_threaded.js', 'tflite_web_api_cc_simd_threaded.wasm',
      'tflite_web_api_cc_simd_threaded.worker.js',
    ],
    variants: {
      plain: ['tflite_web_api_cc.js', 'tflite_web_api_cc.wasm'],
      simd: ['tflite_web_api_cc_simd.js', 'tflite_web_api_cc_simd.wasm'],
      threads: ['tflite_web_api_cc_threaded.js', 'tflite_web_api_cc_threaded.wasm', 'tflite_web_api_cc_threaded.worker.js'],
      'simd-threads': [
        'tflite_web_api_cc_simd_threaded.js', 'tflite_web_api_cc_simd_threaded.wasm', 'tflite_web_api_cc_simd_threaded.worker.js',
      ],
    },
  },
  litert: {
    package: '@litertjs/core',
    from: 'wasm',
    folder: 'litert',
    files: [
      'litert_wasm_internal.js', 'litert_wasm_internal.wasm',
      'litert_wasm_compat_internal.js', 'litert_wasm_compat_internal.wasm',
      'litert_wasm_threaded_internal.js', 'litert_wasm_threaded_internal.wasm',
      'litert_wasm_jspi_internal.js', 'litert_wasm_jspi_internal.wasm',
    ],
    variants: {
      // ~9.5 MB each. Borde loads `plain` with relaxed SIMD, `compat` without, `threaded` when the page is
      // crossOriginIsolated and has relaxed SIMD. `jspi` is never chosen by Borde (listed for completeness).
      plain: ['litert_wasm_internal.js', 'litert_wasm_internal.wasm'],
      compat: ['litert_wasm_compat_internal.js', 'litert_wasm_compat_internal.wasm'],
      threaded: ['litert_wasm_threaded_internal.js', 'litert_wasm_threaded_internal.wasm'],
      jspi: ['litert_wasm_jspi_internal.js', 'litert_wasm_jspi_internal.wasm'],
    },
  },
};

/** Folder name (relative to this module) that holds the assets when no `assets` option is given. */
const DEFAULT_ASSET_FOLDER = './assets/';

/**
 * The assets base: the `assets` option, or `./assets/` next to this module. A variable, not a literal, is
 * passed to `new URL` so bundlers do not try to inline a folder as an asset.
 */
export function defaultAssetBase(): string {
  return new URL(DEFAULT_ASSET_FOLDER, import.meta.url).href;
}

/** `base` joined with `file` (e.g. 'litert/' or 'tfjs-tflite/tflite_web_api_client.js'); base gets a trailing '/'. */
export function assetUrl(base: string | URL, file: string): string {
  const text = typeof base === 'string' ? base : base.href;
  const folder = text.endsWith('/') ? text : `${text}/`;
  return `${folder}${file.replace(/^\/+/, '')}`;
}

/** The folder URL of one asset group under `base` (with a trailing '/'). */
export function assetFolder(base: string | URL, group: AssetGroup): string {
  return assetUrl(base, `${ENGINE_ASSETS[group].folder}/`);
}
