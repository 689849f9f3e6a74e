// LiteRT in a page or worker for callers that drive the interpreter themselves (the converter's in-page
// calibration and verification), outside loadModel()'s engine choice. Browser-safe: no node:* imports.
import type { LiteRt } from '@litertjs/core';
import { assetFolder, defaultAssetBase } from '../assets.js';
import { openCompiledModel, type LiteRtCompiledModel } from './compiled-model.js';
import { forgetGlobalLiteRt, openResilient, type LiteRtHost } from './resilient-model.js';

export type { LiteRtCompiledModel, LiteRtRunOptions } from './compiled-model.js';
export * from './tensors.js';

let generation = 0;
let core: typeof import('@litertjs/core') | undefined;
const host: LiteRtHost = {
  generation: () => generation,
  discard(trapped) {
    if (trapped !== generation) return;
    generation++;
    if (core) forgetGlobalLiteRt(core);
  },
};

async function compatLiteRt(assets: string): Promise<LiteRt> {
  core ??= await import('@litertjs/core');
  const existing = core.getGlobalLiteRtPromise();
  if (existing) return existing;
  // The compat build by file name (not the folder, which lets LiteRT pick relaxed SIMD): the build Node runs,
  // so a page computes the same float values the CLI does.
  return core.loadLiteRt(`${assetFolder(assets, 'litert')}litert_wasm_compat_internal.js`);
}

/** Opens `bytes` in the page's LiteRT (compat wasm build, CPU, one thread); `assets` is where engine assets are served. */
export function openLiteRtBrowserModel(bytes: Uint8Array, options: { assets?: string } = {}): Promise<LiteRtCompiledModel> {
  const assets = options.assets ?? defaultAssetBase();
  return openResilient(host, async () => openCompiledModel(await compatLiteRt(assets), bytes, { accelerator: 'wasm', numThreads: 1 }));
}
