// A page has one LiteRT instance, used both by loadModel's engine and by the converter's in-page LiteRT
// (@borde/runtime/litert). A trap under either must re-open the models of the other on the fresh instance,
// never leave them in the discarded one. Run in Node with the real LiteRT compat build: the page's loader,
// which Node cannot run (<script>/importScripts), is served by litert-node's loader of the same build.
import { describe, expect, it, vi } from 'vitest';
import { readModel } from '@borde/tflite';
import type { LiteRt } from '@litertjs/core';
import { EngineCrashError } from '../src/errors.js';
import { loadLiteRtEngine } from '../src/engines/litert-engine.js';
import { browserLiteRtHost } from '../src/litert/browser-host.js';
import { openLiteRtBrowserModel } from '../src/litert/litert-browser.js';
import { discardLiteRt, initLiteRtNode } from '../src/litert/litert-node.js';
import { probeDevice } from '../src/probe.js';
import { convInput, convModel } from './support/trapping-model.js';

vi.mock('@litertjs/core', async (importOriginal) => {
  const real = await importOriginal<typeof import('@litertjs/core')>();
  return {
    ...real,
    loadLiteRt: (path: string, options?: unknown) => {
      if (path.startsWith('/')) return real.loadLiteRt(path, options as never); // litert-node's own load
      discardLiteRt(); // litert-node's cached promise is of the instance the page discarded
      return initLiteRtNode();
    },
  };
});

const input = convInput;
const inputValue = { dtype: 'float32' as const, shape: [1, 8, 8, 3], data: input };

/** Makes a discarded instance fail loudly if any model still runs in it. */
function poison(liteRt: LiteRt): void {
  Object.defineProperty(liteRt.liteRtWasm, 'HEAPU8', { get: () => { throw new Error('ran in the discarded LiteRT instance'); } });
}

describe('one LiteRT instance per page, one crash recovery for all its users', () => {
  it('a trap under the converter re-opens the engine\'s models, and a trap under the engine the converter\'s', async () => {
    const current = async () => (await import('@litertjs/core')).getGlobalLiteRtPromise()!;
    await initLiteRtNode();
    const probe = { ...(await probeDevice()), platform: 'browser' as const, threads: false };
    const context = (bytes: Uint8Array) => ({ graph: readModel(bytes), bytes, probe, assets: 'file:///borde-assets/' });
    const good = convModel(-128);
    const bad = convModel(1000);

    const engine = await loadLiteRtEngine(context(good));
    const page = await openLiteRtBrowserModel(good);
    try {
      const expected = Array.from((await engine.run([input]))[0]!.data as Float32Array);
      expect(expected.some((v) => v !== 0)).toBe(true);
      expect(Array.from((await page.run([inputValue]))[0]!.data as Float32Array)).toEqual(expected);

      // The converter's LiteRT traps: the engine's model must leave the discarded instance.
      let before = await current();
      let generation = browserLiteRtHost.generation();
      await expect(openLiteRtBrowserModel(bad)).rejects.toBeInstanceOf(EngineCrashError);
      expect(browserLiteRtHost.generation()).toBeGreaterThan(generation);
      poison(before);
      expect(Array.from((await engine.run([input]))[0]!.data as Float32Array)).toEqual(expected);
      expect(Array.from((await page.run([inputValue]))[0]!.data as Float32Array)).toEqual(expected);

      // The engine traps: the converter's model must leave the discarded instance.
      before = await current();
      generation = browserLiteRtHost.generation();
      const error = await loadLiteRtEngine(context(bad)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ENGINE_CRASH', engine: 'litert-wasm', stage: 'load' });
      expect(browserLiteRtHost.generation()).toBeGreaterThan(generation);
      poison(before);
      expect(Array.from((await page.run([inputValue]))[0]!.data as Float32Array)).toEqual(expected);
      expect(Array.from((await engine.run([input]))[0]!.data as Float32Array)).toEqual(expected);
    } finally {
      page.close();
      engine.dispose();
    }
  });
});
