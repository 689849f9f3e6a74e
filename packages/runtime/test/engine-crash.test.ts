// A malformed model that makes LiteRT's wasm trap must not take the engine down for every other model: the
// trap is a typed EngineCrashError, the LiteRT instance is replaced, and models loaded before and after keep
// giving LiteRT's own answers. The bad file is fed to the engine directly, below loadModel's checks, the way a
// model the checks miss would reach it. (Before: the next litert-wasm load after such a trap hung Node.)
// tfjs-backend-wasm: test/conformance/engine-crash.test.ts (its trap needs the shipped CNN).
import { describe, expect, it } from 'vitest';
import { readModel } from '@borde/tflite';
import { EngineCrashError, loadModel } from '../src/index.js';
import { loadLiteRtEngine } from '../src/engines/litert-engine.js';
import { probeDevice } from '../src/probe.js';
import { convInput, convModel } from './support/trapping-model.js';

const input = convInput;

describe('LiteRT survives a model that traps it', () => {
  it('a trap while loading is an EngineCrashError; models loaded before and after keep working', async () => {
    const good = convModel(-128);
    const before = await loadModel(good, { backend: 'litert-wasm' });
    const expected = Array.from((await before.run(input))[0]!.data as Float32Array);
    expect(expected.some((v) => v !== 0)).toBe(true);

    const bad = convModel(1000);
    const context = { graph: readModel(bad), bytes: bad, probe: await probeDevice(), assets: undefined };
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await loadLiteRtEngine(context).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineCrashError);
      expect(error).toMatchObject({ code: 'ENGINE_CRASH', engine: 'litert-wasm', stage: 'load' });
      expect((error as Error).message).toMatch(/crashed while loading this model .*the engine was re-created/);
    }

    const after = await loadModel(good, { backend: 'litert-wasm' });
    try {
      expect(Array.from((await after.run(input))[0]!.data as Float32Array)).toEqual(expected);
      // The model loaded before lived in the discarded instance: it re-opens itself on the fresh one.
      expect(Array.from((await before.run(input))[0]!.data as Float32Array)).toEqual(expected);
    } finally {
      after.dispose();
      before.dispose();
    }
  });
});
