// backend: 'auto' in a browser ranks the interpreters by what was measured for the model's precision: today
// tfjs-tflite first for both (pnpm bench:runtime: LiteRT.js gains more from int8 but does not pass it), and
// LiteRT.js first where tfjs-tflite refuses an op. Checked on built graphs with a browser-like probe; the
// ranking itself needs no browser.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '@borde/tflite';
import { computesInInt8, rankAuto } from '../src/choose.js';
import { opTable } from '../src/ops/index.js';
import type { DeviceProbe } from '../src/probe.js';

const BROWSER: DeviceProbe = {
  platform: 'browser',
  webgpu: { available: false, software: false, description: '', reason: 'no adapter' },
  webgl: { available: true, software: true, description: 'SwiftShader' },
  wasmSimd: true,
  wasmRelaxedSimd: true,
  threads: false,
  cores: 2,
};

const Q = { scale: [0.02], zeroPoint: [0], quantizedDimension: 0 };

/** x -> FULLY_CONNECTED (int8 weights) -> y; `full`: activations int8 too (full-integer), else float (weights only). */
function fcModel(full: boolean): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 4]);
  const w = b.constant('w', 'int8', [2, 4], Int8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), { quantization: { scale: [0.01], zeroPoint: [0], quantizedDimension: 0 } });
  const fc = { optionsType: 'FullyConnectedOptions' as const, options: {} };
  if (!full) {
    b.output(b.op('FULLY_CONNECTED', [x, w], fc, { name: 'y', dtype: 'float32', shape: [1, 2] }));
    return b.build();
  }
  const xq = b.op('QUANTIZE', [x], undefined, { name: 'xq', dtype: 'int8', shape: [1, 4], quantization: Q });
  const y = b.op('FULLY_CONNECTED', [xq, w], fc, { name: 'yq', dtype: 'int8', shape: [1, 2], quantization: Q });
  b.output(b.op('DEQUANTIZE', [y], undefined, { name: 'y', dtype: 'float32', shape: [1, 2] }));
  return b.build();
}

function floatModel(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 4]);
  b.output(b.op('RELU', [x], undefined, { name: 'y', dtype: 'float32', shape: [1, 4] }));
  return b.build();
}

describe('auto ranks interpreters by the model precision', () => {
  it.each([
    ['a full-integer int8 model', fcModel(true), true, ['tfjs-tflite', 'litert-wasm']],
    ['a float model', floatModel(), false, ['tfjs-tflite', 'litert-wasm']],
    ['a weight-only int8 model (computes in float)', fcModel(false), false, ['tfjs-tflite', 'litert-wasm']],
  ] as const)('%s: %s', (_what, graph, int8, order) => {
    expect(computesInInt8(graph)).toBe(int8);
    const ranked = rankAuto(graph, BROWSER, opTable());
    expect(ranked.slice(0, 2).map((c) => c.backend)).toEqual(order);
    const precision = int8 ? 'int8' : 'float';
    expect(ranked[0]!.reason).toContain(`measured the fastest interpreter for ${precision} models`);
    expect(ranked[1]!.reason).toContain(`after ${order[0]}, which measured faster on ${precision} models`);
  });

  it('in Node LiteRT is the only interpreter, whatever the precision', () => {
    const ranked = rankAuto(fcModel(true), { ...BROWSER, platform: 'node' }, opTable());
    expect(ranked[0]!.backend).toBe('litert-wasm');
    expect(ranked.find((c) => c.backend === 'tfjs-tflite')!.skip).toMatch(/only in browsers/);
  });
});
