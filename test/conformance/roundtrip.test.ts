// The main proof: every real MediaPipe model reads into a Graph, writes back with @borde/tflite,
// and the rewritten file computes exactly what the original computes in the official LiteRT interpreter.

import { readModel, writeModel } from '@borde/tflite';
import { describe, expect, it } from 'vitest';
import { assertIdenticalOutputs, mediapipeModels, openLiteRtModel, seededInputs } from '../harness/index.js';

const SEEDS = [1, 2, 3];

describe.each(mediapipeModels().map((m) => [m.id, m] as const))('round trip in LiteRT: %s', (_id, model) => {
  it('the rewritten model gives exactly the original outputs on seeded inputs', async () => {
    const original = model.bytes();
    const rewritten = writeModel(readModel(original));
    // Re-reading the rewritten bytes must work too (the writer's output is valid for our own reader).
    expect(() => readModel(rewritten)).not.toThrow();

    const reference = await openLiteRtModel(original);
    const candidate = await openLiteRtModel(rewritten);
    try {
      expect(candidate.inputs).toEqual(reference.inputs);
      expect(candidate.outputs).toEqual(reference.outputs);
      for (const seed of SEEDS) {
        const inputs = seededInputs(reference.inputs, seed);
        assertIdenticalOutputs(await candidate.run(inputs), await reference.run(inputs));
      }
    } finally {
      candidate.close();
      reference.close();
    }
  });
});
