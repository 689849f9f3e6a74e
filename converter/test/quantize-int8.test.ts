import { describe, expect, it } from 'vitest';
import { writeModel } from '@borde/tflite';
import { seededInputs, compareOutputs } from '@borde/converter/verify';
import { openLiteRtModel } from '@borde/runtime/node';
import { calibrate } from '../src/quantize/calibrate.js';
import { quantizeInt8 } from '../src/quantize/quantize-int8.js';
import { samplesFor } from '../src/quantize/model-io.js';
import { int8SpecViolations } from './support/int8-spec.js';
import { tinyCnn } from './support/tiny-cnn.js';

const graph = tinyCnn();
const specs = [{ name: 'image', dtype: 'float32' as const, shape: [1, 8, 8, 3], range: [0, 1] as [number, number] }];
const calibration = Array.from({ length: 64 }, (_, i) => seededInputs(specs, 100 + i));
const heldOut = Array.from({ length: 32 }, (_, i) => seededInputs(specs, 1000 + i));

describe('full-integer int8 quantization', () => {
  for (const io of ['float', 'int8'] as const) {
    it(`follows the TFLite int8 spec and stays close to float (--io ${io})`, async () => {
      const { ranges } = await calibrate(graph, calibration);
      const { graph: int8, floatOps } = quantizeInt8(graph, ranges, { io });
      expect(floatOps).toEqual([]);
      const bytes = writeModel(int8);
      expect(int8SpecViolations(bytes, { io })).toEqual([]);

      const floatModel = await openLiteRtModel(writeModel(graph));
      const int8Model = await openLiteRtModel(bytes);
      let agree = 0;
      let worst = 0;
      const int8Inputs = samplesFor(int8, heldOut);
      for (const [n, inputs] of heldOut.entries()) {
        const f = await floatModel.run(inputs);
        const q = await int8Model.run(int8Inputs[n]!);
        const qf = io === 'int8'
          ? [{ ...f[0]!, data: Float32Array.from(q[0]!.data as Int8Array, (v) => (v + 128) / 256) }]
          : q;
        worst = Math.max(worst, compareOutputs(qf, f)[0]!.maxAbsError);
        const argmax = (d: ArrayLike<number>) => Array.from(d).indexOf(Math.max(...Array.from(d)));
        if (argmax(f[0]!.data as Float32Array) === argmax(qf[0]!.data as Float32Array)) agree++;
      }
      floatModel.close();
      int8Model.close();
      // Softmax outputs are probabilities: an int8 step is 1/256; a few steps of drift are expected.
      expect(worst).toBeLessThan(0.05);
      expect(agree / heldOut.length).toBeGreaterThanOrEqual(0.9);
    });
  }
});

describe('calibration edge cases', () => {
  it('names the sample and both shapes when a sample has the wrong shape', async () => {
    const bad = [...calibration.slice(0, 3), seededInputs([{ ...specs[0]!, shape: [1, 8, 8, 1] }], 5)];
    await expect(calibrate(graph, bad)).rejects.toThrow(/sample 3, input 'image': shape \[1, 8, 8, 1\] does not match the model input shape \[1, 8, 8, 3\]/);
  });

  it('names the sample and element holding NaN or Infinity', async () => {
    const poisoned = seededInputs(specs, 9);
    (poisoned[0]!.data as Float32Array)[17] = Number.NaN;
    await expect(calibrate(graph, [calibration[0]!, poisoned])).rejects.toThrow(/sample 1, input 'image': element 17 is NaN/);
    (poisoned[0]!.data as Float32Array)[17] = Infinity;
    await expect(calibrate(graph, [poisoned])).rejects.toThrow(/sample 0, input 'image': element 17 is Infinity/);
  });

  it('refuses an empty calibration set', async () => {
    await expect(calibrate(graph, [])).rejects.toThrow(/calibration set is empty/);
  });

  it('quantizes constant activations and ranges that exclude zero', async () => {
    // All-equal inputs make every activation constant (min = max); inputs in [2, 3] exclude 0.
    const constant = [seededInputs([{ ...specs[0]!, range: [0.5, 0.5] }], 1)];
    const shifted = Array.from({ length: 8 }, (_, i) => seededInputs([{ ...specs[0]!, range: [2, 3] }], i));
    for (const samples of [constant, shifted]) {
      const { ranges } = await calibrate(graph, samples);
      const bytes = writeModel(quantizeInt8(graph, ranges, { io: 'float' }).graph);
      expect(int8SpecViolations(bytes, { io: 'float' })).toEqual([]);
      const model = await openLiteRtModel(bytes);
      const [out] = await model.run(samples[0]!);
      model.close();
      expect(Array.from(out!.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
    const { ranges } = await calibrate(graph, shifted);
    const inputRange = ranges.get(graph.subgraphs[0]!.inputs[0]!)!;
    expect(inputRange.min).toBeGreaterThanOrEqual(2); // observed; the quantizer widens it to include 0
  });
});
