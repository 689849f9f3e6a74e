// backend: 'auto' in a browser ranks the interpreters by what was measured for the model's precision and
// size: tfjs-tflite first for float and small int8 models, LiteRT.js for int8 models of >= 6M multiply-adds
// (pnpm bench:runtime), and LiteRT.js first where tfjs-tflite refuses an op. Checked on built graphs with a browser-like probe; the
// ranking itself needs no browser.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '@borde/tflite';
import { LARGE_INT8_MULTIPLY_ADDS, computesInInt8, multiplyAdds, rankAuto } from '../src/choose.js';
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

/** x [1,64,64,16] -> QUANTIZE -> CONV_2D 3x3, 32 channels (int8) -> DEQUANTIZE: 64*64*32*3*3*16 = 18.9M multiply-adds. */
function largeInt8ConvModel(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 64, 64, 16]);
  const xq = b.op('QUANTIZE', [x], undefined, { name: 'xq', dtype: 'int8', shape: [1, 64, 64, 16], quantization: Q });
  const w = b.constant('w', 'int8', [32, 3, 3, 16], new Int8Array(32 * 3 * 3 * 16).fill(1), {
    quantization: { scale: new Array(32).fill(0.01), zeroPoint: new Array(32).fill(0), quantizedDimension: 0 },
  });
  const bias = b.constant('bias', 'int32', [32], new Int32Array(32), {
    quantization: { scale: new Array(32).fill(0.0002), zeroPoint: new Array(32).fill(0), quantizedDimension: 0 },
  });
  const y = b.op('CONV_2D', [xq, w, bias], { optionsType: 'Conv2DOptions', options: { padding: 0, strideW: 1, strideH: 1 } },
    { name: 'yq', dtype: 'int8', shape: [1, 64, 64, 32], quantization: Q });
  b.output(b.op('DEQUANTIZE', [y], undefined, { name: 'y', dtype: 'float32', shape: [1, 64, 64, 32] }));
  return b.build();
}

function floatModel(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 4]);
  b.output(b.op('RELU', [x], undefined, { name: 'y', dtype: 'float32', shape: [1, 4] }));
  return b.build();
}

describe('auto ranks interpreters by the model precision and size', () => {
  it.each([
    ['a small full-integer int8 model', fcModel(true), 'small int8 models', ['tfjs-tflite', 'litert-wasm']],
    ['a large full-integer int8 model', largeInt8ConvModel(), 'large int8 models', ['litert-wasm', 'tfjs-tflite']],
    ['a float model', floatModel(), 'float models', ['tfjs-tflite', 'litert-wasm']],
    ['a weight-only int8 model (computes in float)', fcModel(false), 'float models', ['tfjs-tflite', 'litert-wasm']],
  ] as const)('%s: %s, %s first', (_what, graph, kind, order) => {
    expect(computesInInt8(graph)).toBe(kind !== 'float models');
    const ranked = rankAuto(graph, BROWSER, opTable());
    expect(ranked.slice(0, 2).map((c) => c.backend)).toEqual(order);
    expect(ranked[0]!.reason).toContain(`measured the fastest interpreter for ${kind}`);
    expect(ranked[1]!.reason).toContain(`after ${order[0]}, which measured faster on ${kind}`);
  });

  it('counts the multiply-adds of convolutions and fully connected layers', () => {
    expect(multiplyAdds(largeInt8ConvModel())).toBe(64 * 64 * 32 * 3 * 3 * 16);
    expect(multiplyAdds(largeInt8ConvModel())).toBeGreaterThanOrEqual(LARGE_INT8_MULTIPLY_ADDS);
    expect(multiplyAdds(fcModel(true))).toBe(2 * 4);
    expect(multiplyAdds(floatModel())).toBe(0);
  });

  it('in Node LiteRT is the only interpreter, whatever the precision', () => {
    const ranked = rankAuto(fcModel(true), { ...BROWSER, platform: 'node' }, opTable());
    expect(ranked[0]!.backend).toBe('litert-wasm');
    expect(ranked.find((c) => c.backend === 'tfjs-tflite')!.skip).toMatch(/only in browsers/);
  });
});
