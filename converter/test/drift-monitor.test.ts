// Issue #16 item 2: the converter stores calibration statistics in the model (metadata entry
// `borde_calibration_stats`, ignored by the official interpreters) and @borde/runtime's monitor() watches live
// traffic against them on the device. Fashion-MNIST test images must not raise a drift event in 10,000
// samples; the same images inverted, blurred or rotated must raise one within 500.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { blurred, inverted, loadFashionMnist, rotated } from '@borde/models';
import { readModel, verifyGraph } from '@borde/tflite';
import { CALIBRATION_STATS_METADATA, loadModel, monitor, readCalibrationStats, type DriftEvent, type Model, type ModelOutput } from '@borde/runtime';
import { openLiteRtModel } from '@borde/runtime/node';
import { convert } from '../src/convert.js';

import { BREAST_CANCER_MODEL, FASHION_MNIST_MODEL, breastCancerData, fashionMnistData } from './support/model-data.js';

const PIXELS = 28 * 28;

describe.skipIf(!existsSync(FASHION_MNIST_MODEL))('drift monitoring on the int8 Fashion-MNIST model', () => {
  let bytes: Uint8Array;
  let model: Model;
  const test = existsSync(FASHION_MNIST_MODEL) ? loadFashionMnist('test') : undefined;
  const image = (i: number) => test!.images.subarray(i * PIXELS, (i + 1) * PIXELS);

  beforeAll(async () => {
    const { calibration } = fashionMnistData(0);
    ({ bytes } = await convert(FASHION_MNIST_MODEL, { quantize: 'int8', calibration, verify: false }));
    model = await loadModel(bytes, { backend: 'litert-wasm' });
  }, 120_000);

  it('stores the statistics as a metadata entry that LiteRT ignores and verifyGraph accepts', async () => {
    const graph = readModel(bytes);
    verifyGraph(graph);
    const stats = readCalibrationStats(graph.metadata)!;
    expect(stats).toMatchObject({ format: CALIBRATION_STATS_METADATA, version: 1, samples: 200 });
    expect(stats.inputs.map((t) => [t.name, t.features.map((f) => f.kind)])).toEqual([['image', ['values', 'regions']]]);
    expect(stats.outputs.map((t) => [t.name, t.features.map((f) => f.kind)])).toEqual([['probabilities', ['classes', 'values']]]);
    for (const t of [...stats.inputs, ...stats.outputs]) {
      for (const f of t.features) expect(f.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    }
    // The same model without the entry gives LiteRT's exact same answers.
    const { calibration } = fashionMnistData(0);
    const plain = await convert(FASHION_MNIST_MODEL, { quantize: 'int8', calibration, verify: false, calibrationStats: false });
    expect(readModel(plain.bytes).metadata.some((m) => m.name === CALIBRATION_STATS_METADATA)).toBe(false);
    const [a, b] = await Promise.all([openLiteRtModel(bytes), openLiteRtModel(plain.bytes)]);
    try {
      for (let i = 0; i < 20; i++) {
        const input = [{ dtype: 'float32' as const, shape: [1, 28, 28, 1], data: image(i) }];
        expect((await a.run(input))[0]!.data).toEqual((await b.run(input))[0]!.data);
      }
    } finally {
      a.close();
      b.close();
    }
  }, 120_000);

  it('raises no drift event on the 10,000 test images', async () => {
    const events: DriftEvent[] = [];
    const watch = monitor(model, { onDrift: (e) => events.push(e) });
    const outputs: ModelOutput[][] = [];
    for (let i = 0; i < test!.count; i++) outputs.push(await model.run(image(i)));
    let worst = 0;
    for (let i = 0; i < test!.count; i++) {
      watch.observe(image(i), outputs[i]!);
      if (i >= watch.window) worst = Math.max(worst, ...watch.scores().map((s) => s.psi));
    }
    console.log(`clean: worst PSI over 10,000 samples ${worst.toFixed(3)} (threshold ${watch.threshold.psi})`);
    expect(watch.observed).toBe(10_000);
    expect(events).toEqual([]);
    expect(watch.drifting).toBe(false);
    const report = JSON.parse(JSON.stringify(watch));
    expect(report).toMatchObject({ format: 'borde_drift_report', observed: 10_000, drifting: false, events: 0 });
    expect(report.distributions).toHaveLength(4);
  }, 120_000);

  const shifts = { inverted, blurred, rotated };
  for (const [name, shift] of Object.entries(shifts)) {
    it(`raises a drift event within 500 ${name} images`, async () => {
      let event: DriftEvent | undefined;
      const watch = monitor(model, { onDrift: (e) => (event ??= e) });
      for (let i = 0; i < 500 && !event; i++) await watch.run(shift(image(i)));
      console.log(`${name}: drift after ${event?.observed} samples: ` +
        event?.drifting.map((s) => `${s.role} ${s.tensor} ${s.feature}${s.of ? `(${s.of})` : ''} PSI ${s.psi.toFixed(2)}`).join(', '));
      expect(event).toBeDefined();
      expect(event!.observed).toBeLessThanOrEqual(500);
      expect(watch.drifting).toBe(true);
      expect(watch.report().events).toBe(1);
    }, 60_000);
  }

  it('sees a rotation in where the image mass lies, though the pixel histogram is unchanged', async () => {
    const watch = monitor(model);
    for (let i = 0; i < watch.window; i++) await watch.run(rotated(image(i)));
    const score = (feature: string) => watch.scores().find((s) => s.role === 'input' && s.feature === feature)!;
    expect(score('values').drifting).toBe(false);
    expect(score('regions').drifting).toBe(true);
  }, 60_000);

  it('catches drift that starts mid-stream, then recovers', async () => {
    const seen: string[] = [];
    const watch = monitor(model, { onDrift: (e) => seen.push(`drift@${e.observed}`), onRecover: (e) => seen.push(`ok@${e.observed}`) });
    for (let i = 0; i < 400; i++) await watch.run(image(i));
    for (let i = 400; i < 900; i++) await watch.run(inverted(image(i)));
    for (let i = 900; i < 1500; i++) await watch.run(image(i));
    expect(seen).toHaveLength(2);
    const [drift, ok] = seen.map((s) => Number(s.split('@')[1]));
    expect(seen[0]).toMatch(/^drift@/);
    expect(drift! - 400).toBeLessThanOrEqual(500);
    expect(seen[1]).toMatch(/^ok@/);
    expect(ok!).toBeGreaterThan(900);
  }, 60_000);
});

describe('calibration statistics', () => {
  it('are written for a tabular model when calibration data is given, and not without it', async () => {
    const { calibration } = breastCancerData();
    const { bytes, report } = await convert(BREAST_CANCER_MODEL, { quantize: 'int8', calibration, verify: false });
    const stats = readCalibrationStats(readModel(bytes).metadata)!;
    expect(report.calibrationStats).toEqual({ samples: Math.min(500, calibration.length), bytes: expect.any(Number) }) // at most 500 are summarised;
    // 9 features in one input: values only (no image regions); one sigmoid output: a value distribution.
    expect(stats.inputs[0]!.features.map((f) => f.kind)).toEqual(['values']);
    expect(stats.outputs[0]!.features.map((f) => f.kind)).toEqual(['values']);
    const float = await convert(BREAST_CANCER_MODEL, { verify: false });
    expect(readCalibrationStats(readModel(float.bytes).metadata)).toBeUndefined();
    expect(float.report.calibrationStats).toBeUndefined();
  }, 60_000);

  it('are compared in real values for an int8-in, int8-out model, whether the app passes real or int8 inputs', async () => {
    const { calibration, test } = breastCancerData();
    const { bytes } = await convert(BREAST_CANCER_MODEL, { quantize: 'int8', io: 'int8', calibration, verify: false });
    const model = await loadModel(bytes, { backend: 'litert-wasm' });
    try {
      const q = model.inputs[0]!.quantization!;
      const asInt8 = (x: Float32Array) => Int8Array.from(x, (v) => Math.max(-128, Math.min(127, Math.round(v / q.scale[0]!) + q.zeroPoint[0]!)));
      const real = monitor(model, { window: 50 });
      const ints = monitor(model, { window: 50 });
      for (const [sample] of test.samples) {
        await real.run(sample!.data as Float32Array);
        await ints.run(asInt8(sample!.data as Float32Array));
      }
      const a = real.report();
      const b = ints.report();
      // Same answers; input shares differ at most by values that fall on the other side of a decile edge after rounding.
      expect(a.distributions.filter((d) => d.role === 'output')).toEqual(b.distributions.filter((d) => d.role === 'output'));
      a.distributions[0]!.window.forEach((v, k) => expect(Math.abs(v - b.distributions[0]!.window[k]!)).toBeLessThan(0.05));
      expect(a.drifting).toBe(false); // the held-out rows look like the training rows
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('are required by monitor(), with a typed error saying how to get them', async () => {
    const float = await convert(BREAST_CANCER_MODEL, { verify: false });
    const model = await loadModel(float.bytes, { backend: 'litert-wasm' });
    expect(() => monitor(model)).toThrow(expect.objectContaining({ code: 'MONITOR', message: expect.stringContaining('--calibration') }));
    model.dispose();
  }, 60_000);
});
