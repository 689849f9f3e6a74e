// The page's (or worker's) one LiteRT instance, as every Borde user of it sees it: loadModel's engine
// (engines/litert-engine.ts) and the converter's in-page LiteRT (litert-browser.ts). @litertjs/core keeps one
// instance per realm, so its generation and discard live here once: a trap under either user re-opens the
// models of both. Browser-safe: no node:* imports. (Node has its own single host: litert-node.ts.)
import type { LiteRt } from '@litertjs/core';
import { openCompiledModel, type LiteRtCompiledModel } from './compiled-model.js';
import { forgetGlobalLiteRt, openResilient, type LiteRtHost } from './resilient-model.js';

type LiteRtCore = typeof import('@litertjs/core');

let generation = 0;
/** @litertjs/core once imported (lazily: apps that never use LiteRT never load it). */
let core: LiteRtCore | undefined;

/** The realm's LiteRT instance: after a trap it is dropped and the next open loads a fresh one. */
export const browserLiteRtHost: LiteRtHost = {
  generation: () => generation,
  discard(trapped) {
    if (trapped !== generation) return;
    generation++;
    if (core) forgetGlobalLiteRt(core);
  },
};

/**
 * Opens `bytes` on the realm's LiteRT (wasm CPU accelerator): the instance already loaded (by Borde or the
 * app), else the one `load` loads. Re-opens itself after a trap (openResilient).
 */
export function openOnBrowserLiteRt(
  bytes: Uint8Array,
  load: (core: LiteRtCore) => Promise<LiteRt>,
  numThreads: number,
): Promise<LiteRtCompiledModel> {
  return openResilient(browserLiteRtHost, async () => {
    core ??= await import('@litertjs/core');
    const liteRt = await (core.getGlobalLiteRtPromise() ?? load(core));
    return openCompiledModel(liteRt, bytes, { accelerator: 'wasm', numThreads });
  });
}
