// The official LiteRT interpreter runs in plain Node through the harness, on every real MediaPipe model,
// and the harness pieces that judge outputs (seeded inputs, comparisons) do what they claim.

import { describe, expect, it } from 'vitest';
import {
  assertFinite,
  assertIdenticalOutputs,
  assertOutputsClose,
  compareTensors,
  createRng,
  mediapipeModels,
  openLiteRtModel,
  runLiteRt,
  seededInputs,
  type TensorValue,
} from '../harness/index.js';

const models = mediapipeModels();

describe('the real models', () => {
  it('include every .tflite of both MediaPipe packages', () => {
    const ids = models.map((m) => m.id);
    expect(ids).toContain('@mediapipe/face_detection/face_detection_short_range.tflite');
    expect(ids).toContain('@mediapipe/selfie_segmentation/selfie_segmentation.tflite');
    expect(ids.length).toBeGreaterThanOrEqual(5);
  });
});

describe.each(models.map((m) => [m.id, m] as const))('LiteRT in Node: %s', (_id, model) => {
  it('reports concrete float32 inputs and outputs, runs, and is deterministic', async () => {
    const bytes = model.bytes();
    const loaded = await openLiteRtModel(bytes);
    let first: TensorValue[];
    let otherSeed: TensorValue[];
    try {
      expect(loaded.inputs.length).toBeGreaterThan(0);
      expect(loaded.outputs.length).toBeGreaterThan(0);
      for (const details of [...loaded.inputs, ...loaded.outputs]) {
        expect(details.dtype).toBe('float32');
        expect(details.shape.every((dim) => dim > 0)).toBe(true);
        expect(details.name).not.toBe('');
      }
      first = await loaded.run(seededInputs(loaded.inputs, 1));
      otherSeed = await loaded.run(seededInputs(loaded.inputs, 2));
    } finally {
      loaded.close();
    }

    expect(first.map((t) => t.shape)).toEqual(loaded.outputs.map((d) => d.shape));
    expect(first.map((t) => t.name)).toEqual(loaded.outputs.map((d) => d.name));
    assertFinite(first);
    for (const output of first) {
      // A live network: its outputs are not one constant value.
      const data = output.data as Float32Array;
      expect(Math.max(...data) - Math.min(...data)).toBeGreaterThan(0);
    }
    // It reacts to its input.
    expect(first.some((t, i) => !compareTensors(otherSeed[i]!, t).identical)).toBe(true);

    // A second, independent load and run on the same inputs gives the same bytes.
    const again = await runLiteRt(bytes, seededInputs(loaded.inputs, 1));
    assertIdenticalOutputs(again, first);
  });
});

describe('LiteRT in Node: bad input', () => {
  it('refuses bytes that are not a model with an error, and keeps working', async () => {
    await expect(openLiteRtModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).rejects.toThrow(/LiteRT refused the model/);
    const bytes = models[0]!.bytes();
    await expect(openLiteRtModel(bytes.slice(0, 4096))).rejects.toThrow(/LiteRT refused the model/);
    const loaded = await openLiteRtModel(bytes);
    try {
      // Wrong shape or dtype: the caller's mistake, a typed InputError before LiteRT sees it (the instance is kept).
      await expect(loaded.run([{ dtype: 'float32', shape: [1, 2], data: new Float32Array(2) }]))
        .rejects.toMatchObject({ code: 'INPUT', got: 'shape [1, 2]' });
      const shape = [...loaded.inputs[0]!.shape];
      await expect(loaded.run([{ dtype: 'int32', shape, data: new Int32Array(shape.reduce((a, d) => a * d, 1)) }]))
        .rejects.toMatchObject({ code: 'INPUT', expected: 'float32', got: 'int32' });
      assertFinite(await loaded.run(seededInputs(loaded.inputs, 3)));
    } finally {
      loaded.close();
    }
  });
});

describe('seeded inputs', () => {
  it('are the same for the same seed, differ across seeds and inputs, and stay in range', () => {
    const specs = [
      { dtype: 'float32', shape: [2, 50] },
      { dtype: 'float32', shape: [2, 50] },
      { dtype: 'int8', shape: [1000] },
      { dtype: 'uint8', shape: [1000] },
      { dtype: 'float32', shape: [100], range: [0, 255] },
    ] as const;
    const a = seededInputs(specs, 42);
    const b = seededInputs(specs, 42);
    const c = seededInputs(specs, 43);
    assertIdenticalOutputs(b, a);
    expect(compareTensors(c[0]!, a[0]!).identical).toBe(false);
    expect(compareTensors(a[1]!, a[0]!).identical).toBe(false);
    const f = a[0]!.data as Float32Array;
    expect(Math.min(...f)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...f)).toBeLessThanOrEqual(1);
    const i8 = a[2]!.data as Int8Array;
    expect(Math.min(...i8)).toBeLessThan(-120); // full range, not [-1, 1]
    expect(Math.max(...i8)).toBeGreaterThan(120);
    const u8 = a[3]!.data as Uint8Array;
    expect(Math.max(...u8)).toBeGreaterThan(250);
    const wide = a[4]!.data as Float32Array;
    expect(Math.max(...wide)).toBeGreaterThan(200);
    expect(Math.min(...wide)).toBeGreaterThanOrEqual(0);
  });

  it('quantize a real range for quantized integer inputs', () => {
    const [t] = seededInputs([{ dtype: 'int8', shape: [500], quantization: { scale: 1 / 64, zeroPoint: 10 } }], 5);
    const data = t!.data as Int8Array;
    // real [-1, 1] / (1/64) + 10 -> [-54, 74]
    expect(Math.min(...data)).toBeGreaterThanOrEqual(-54);
    expect(Math.max(...data)).toBeLessThanOrEqual(74);
    expect(Math.max(...data) - Math.min(...data)).toBeGreaterThan(100);
  });

  it('refuse dynamic shapes', () => {
    expect(() => seededInputs([{ dtype: 'float32', shape: [-1, 3] }], 1)).toThrow(/dynamic dimension/);
  });

  it('come from a generator that spreads values evenly', () => {
    const rng = createRng(9);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(rng() * 10)]!++;
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});

describe('comparisons', () => {
  const expected: TensorValue = { name: 'y', dtype: 'float32', shape: [4], data: new Float32Array([0, 1, 2, 10]) };

  it('measure absolute and range-relative error', () => {
    const actual: TensorValue = { dtype: 'float32', shape: [4], data: new Float32Array([0, 1.5, 2, 10]) };
    const result = compareTensors(actual, expected);
    expect(result.maxAbsError).toBeCloseTo(0.5);
    expect(result.maxRelError).toBeCloseTo(0.05);
    expect(result.worstIndex).toBe(1);
    expect(result.mismatches).toBe(1);
    expect(() => assertOutputsClose([actual], [expected], { atol: 0.1 })).toThrow(/y: 1\/4 elements differ/);
    expect(assertOutputsClose([actual], [expected], { rtol: 0.06 })[0]!.maxRelError).toBeCloseTo(0.05);
  });

  it('treat NaN against a number as an infinite error and -0 against 0 as not identical', () => {
    const nan: TensorValue = { dtype: 'float32', shape: [4], data: new Float32Array([0, NaN, 2, 10]) };
    expect(compareTensors(nan, expected).maxAbsError).toBe(Infinity);
    const negZero: TensorValue = { dtype: 'float32', shape: [4], data: new Float32Array([-0, 1, 2, 10]) };
    const result = compareTensors(negZero, expected);
    expect(result.identical).toBe(false);
    expect(result.maxAbsError).toBe(0);
  });

  it('require exact equality for integer outputs unless told otherwise', () => {
    const q: TensorValue = { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) };
    const off: TensorValue = { dtype: 'int8', shape: [3], data: new Int8Array([-128, 1, 127]) };
    expect(() => assertIdenticalOutputs([off], [q])).toThrow(/1\/3 elements differ/);
    expect(() => assertOutputsClose([off], [q], {})).toThrow();
    expect(() => assertOutputsClose([off], [q], { atol: 1 })).not.toThrow();
  });

  it('refuse to compare different shapes or dtypes', () => {
    expect(() => compareTensors({ dtype: 'float32', shape: [2, 2], data: new Float32Array(4) }, expected)).toThrow(/shape/);
    expect(() => compareTensors({ dtype: 'int32', shape: [4], data: new Int32Array(4) }, expected)).toThrow(/dtype/);
  });
});
