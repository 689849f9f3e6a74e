// LiteRT in a page or worker for callers that drive the interpreter themselves (the converter's in-page
// calibration and verification), outside loadModel()'s engine choice. Browser-safe: no node:* imports.
// Shares the realm's instance and its crash recovery with loadModel's engine (browser-host.ts).
import { assetFolder, defaultAssetBase } from '../assets.js';
import type { LiteRtCompiledModel } from './compiled-model.js';
import { openOnBrowserLiteRt } from './browser-host.js';

export type { LiteRtCompiledModel, LiteRtRunOptions } from './compiled-model.js';
export * from './tensors.js';

/** Opens `bytes` in the page's LiteRT (compat wasm build, CPU, one thread); `assets` is where engine assets are served. */
export function openLiteRtBrowserModel(bytes: Uint8Array, options: { assets?: string } = {}): Promise<LiteRtCompiledModel> {
  const assets = options.assets ?? defaultAssetBase();
  // The compat build by file name (not the folder, which lets LiteRT pick relaxed SIMD): the build Node runs,
  // so a page computes the same float values the CLI does. Used only when no instance is loaded yet.
  return openOnBrowserLiteRt(bytes, (core) => core.loadLiteRt(`${assetFolder(assets, 'litert')}litert_wasm_compat_internal.js`), 1);
}
