// A malformed model that makes LiteRT's wasm trap must not take the engine down for every other model: the
// trap is a typed EngineCrashError, the LiteRT instance is replaced, and models loaded before and after keep
// giving LiteRT's own answers. The bad file is fed to the engine directly, below loadModel's checks, the way a
// model the checks miss would reach it. (Before: the next litert-wasm load after such a trap hung Node.)
// tfjs-backend-wasm: test/conformance/engine-crash.test.ts (its trap needs the shipped CNN).
import { describe, expect, it } from 'vitest';
import { GraphBuilder, readModel, writeModel } from '@borde/tflite';
import { EngineCrashError, loadModel } from '../src/index.js';
import { loadLiteRtEngine } from '../src/engines/litert-engine.js';
import { probeDevice } from '../src/probe.js';

/** int8 CONV_2D; `inputZeroPoint` outside [-128, 127] (e.g. 1000) makes LiteRT 2.5.3 trap while preparing it. */
function convModel(inputZeroPoint: number): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 8, 8, 3]);
  const xq = b.op('QUANTIZE', [x], undefined, { name: 'xq', dtype: 'int8', shape: [1, 8, 8, 3], quantization: { scale: [0.01], zeroPoint: [inputZeroPoint], quantizedDimension: 0 } });
  const w = b.constant('w', 'int8', [4, 3, 3, 3], Int8Array.from({ length: 108 }, (_, i) => ((i * 37) % 255) - 127),
    { quantization: { scale: [0.01, 0.02, 0.01, 0.02], zeroPoint: [0, 0, 0, 0], quantizedDimension: 0 } });
  const bias = b.constant('b', 'int32', [4], Int32Array.from([10, 20, 30, 40]),
    { quantization: { scale: [1e-4, 2e-4, 1e-4, 2e-4], zeroPoint: [0, 0, 0, 0], quantizedDimension: 0 } });
  const y = b.op('CONV_2D', [xq, w, bias], { optionsType: 'Conv2DOptions', options: { padding: 0, strideW: 1, strideH: 1 } },
    { name: 'yq', dtype: 'int8', shape: [1, 8, 8, 4], quantization: { scale: [0.05], zeroPoint: [-10], quantizedDimension: 0 } });
  b.output(b.op('DEQUANTIZE', [y], undefined, { name: 'y', dtype: 'float32', shape: [1, 8, 8, 4] }));
  return writeModel(b.build());
}

const input = Float32Array.from({ length: 192 }, (_, i) => ((i * 13) % 100) / 100 - 0.5);

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
