// The float model's outputs on the judged samples are run once and shared by every evaluation (the
// all-int8 one and each mixed-precision round): a second call gives the same objects, not a new run, and the
// values are the interpreter's own.
import { describe, expect, it } from 'vitest';
import { writeModel } from '@borde/tflite';
import { seededInputs } from '@borde/converter/verify';
import { runLiteRt } from '@borde/runtime/node';
import { FloatOutputs } from '../src/quantize/float-outputs.js';
import { inputSpecsOf } from '../src/verify/verify.js';
import { tinyCnn } from './support/tiny-cnn.js';

describe('FloatOutputs', () => {
  it('runs the float model once per sample and gives its outputs in the samples order', async () => {
    const graph = tinyCnn();
    const bytes = writeModel(graph);
    const samples = [1, 2, 3].map((seed) => seededInputs(inputSpecsOf(graph, [0, 1]), seed));
    const float = new FloatOutputs(bytes, graph);
    const first = await float.of(samples.slice(0, 2));
    const all = await float.of([samples[2]!, samples[0]!, samples[1]!]);
    expect(all[1]).toBe(first[0]); // kept, not run again
    expect(all[2]).toBe(first[1]);
    for (const [n, inputs] of samples.entries()) {
      const expected = await runLiteRt(bytes, inputs);
      const got = (await float.of([inputs]))[0]!;
      expect(got.map((o) => o.name)).toEqual(expected.map((o) => o.name));
      got.forEach((o, k) => expect(Array.from(o.data as Float32Array), `sample ${n}`).toEqual(Array.from(expected[k]!.data as Float32Array)));
    }
  });
});
