import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createExecutor } from '../src/index.js';
import { checkCase, OP_CASES } from './op-cases.js';
import { oneOpGraph } from './support/one-op-graph.js';
import { maxAbsDiff, typedFor } from './support/typed.js';

// Every backend Node has: tfjs cpu and wasm (webgl/webgpu need a browser; test/browser covers them).
const BACKENDS = ['cpu', 'wasm'];

describe.each(BACKENDS)('ops on %s', (backend) => {
  const before = tf.memory().numTensors;
  afterAll(() => expect(tf.memory().numTensors).toBe(before));

  it.each(OP_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    checkCase(c);
    const exec = await createExecutor(oneOpGraph(c), { backends: [backend] });
    try {
      expect(exec.placement.map((p) => p.backend)).toEqual([backend]);
      const inputs = c.inputs.filter((o) => o && !o.constant).map((o) => typedFor(o!.dtype, o!.data));
      const { outputs } = await exec.run(inputs);
      expect(outputs[0]!.shape).toEqual(c.outputs[0]!.shape);
      const err = maxAbsDiff(outputs[0]!.data as ArrayLike<number>, c.expected);
      expect(err, `got ${Array.from(outputs[0]!.data as ArrayLike<number>).slice(0, 12)} expected ${c.expected.slice(0, 12)}`)
        .toBeLessThanOrEqual(c.tolerance ?? 1e-5);
      (c.moreExpected ?? []).forEach((expected, k) => {
        expect(outputs[k + 1]!.shape, `output ${k + 1}`).toEqual(c.outputs[k + 1]!.shape);
        expect(maxAbsDiff(outputs[k + 1]!.data as ArrayLike<number>, expected), `output ${k + 1}`).toBeLessThanOrEqual(c.tolerance ?? 1e-5);
      });
    } finally {
      exec.dispose();
    }
  });
});
