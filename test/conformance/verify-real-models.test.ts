// Every real model passes verifyGraph: the MediaPipe files, and what the converter writes for the models Borde
// ships in every quantization mode (float32, float16, dynamic range, full-integer int8 with float or int8
// inputs/outputs, per-channel dense). The converter also runs verifyGraph on each file it writes, so every
// converter test checks its own outputs; this test states it on the shipped models in one place.
import { describe, expect, it } from 'vitest';
import { verifyGraph } from '@borde/tflite';
import { converterSeeds, mediapipeSeeds } from '../fuzz/seeds.js';

describe('verifyGraph on real models', () => {
  it.each(mediapipeSeeds().map((s) => [s.name, s] as const))('accepts %s (MediaPipe)', (_name, seed) => {
    expect(() => verifyGraph(seed.graph)).not.toThrow();
  });

  it('accepts every converter output of the shipped models, in every mode', async () => {
    const seeds = await converterSeeds({ allModes: true });
    expect(seeds.length).toBeGreaterThanOrEqual(5);
    for (const seed of seeds) expect(() => verifyGraph(seed.graph), seed.name).not.toThrow();
    console.log(`verified: ${seeds.map((s) => s.name).join(', ')}`);
  }, 120_000);
});
