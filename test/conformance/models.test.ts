// The trained models committed under models/ load with Borde's own loader (no tfjs-node), have the
// architecture their model cards describe, and still reach their accuracy: the converter's proofs
// (float conversion, int8 quantization) build on these artifacts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Relative import: @borde/test does not list @borde/models as a dependency.
import {
  breastCancerMatrix,
  breastCancerSplit,
  BREAST_CANCER_SPLIT_SEED,
  loadBreastCancer,
  loadFashionMnist,
  loadLayersModelFromDir,
  registerLeanBatchNormGradient,
  registerWasmGradientKernels,
} from '../../models/src/index.js';

const modelsDir = (path: string) => fileURLToPath(new URL(`../../models/${path}`, import.meta.url));
const readMetrics = (name: string) => JSON.parse(readFileSync(modelsDir(`${name}/metrics.json`), 'utf8')) as Record<string, any>;

beforeAll(async () => {
  // The cpu backend is the one the breast-cancer metrics were measured on: results must match exactly.
  await tf.setBackend('cpu');
});

describe('breast-cancer data', () => {
  it('keeps the 683 complete rows, labels 0 benign / 1 malignant', () => {
    const rows = loadBreastCancer();
    expect(rows).toHaveLength(683);
    expect(rows.filter((row) => row.label === 1)).toHaveLength(239);
    expect(rows.every((row) => row.features.length === 9 && row.features.every((v) => v >= 1 && v <= 10))).toBe(true);
  });

  it('splits 88/12 stratified, disjoint and deterministic', () => {
    const split = breastCancerSplit(BREAST_CANCER_SPLIT_SEED);
    expect(split.train).toHaveLength(601);
    expect(split.test).toHaveLength(82);
    expect(split.test.filter((row) => row.label === 1)).toHaveLength(29);
    const trainSet = new Set(split.train);
    expect(split.test.some((row) => trainSet.has(row))).toBe(false);
    expect(breastCancerSplit(BREAST_CANCER_SPLIT_SEED).test.map((row) => row.features)).toEqual(split.test.map((row) => row.features));
    expect(breastCancerSplit(BREAST_CANCER_SPLIT_SEED + 1).test.map((row) => row.features)).not.toEqual(split.test.map((row) => row.features));
  });
});

describe('breast-cancer model (models/breast-cancer/tfjs)', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    model = await loadLayersModelFromDir(modelsDir('breast-cancer/tfjs'));
  });
  afterAll(() => model?.dispose());

  it('is the tutorial network with its input scaling inside', () => {
    expect(model.layers.map((layer) => layer.getClassName())).toEqual(['Rescaling', 'Dense', 'Dense']);
    expect(model.inputs[0]!.shape).toEqual([null, 9]);
    expect(model.outputs[0]!.shape).toEqual([null, 1]);
    expect(model.layers[1]!.getConfig()).toMatchObject({ units: 18, activation: 'relu' });
    expect(model.layers[2]!.getConfig()).toMatchObject({ units: 1, activation: 'sigmoid' });
    expect(model.countParams()).toBe(9 * 18 + 18 + 18 + 1);
  });

  it('reaches >= 0.93 on the 12% test split, exactly the accuracy in metrics.json', () => {
    const test = breastCancerMatrix(breastCancerSplit(BREAST_CANCER_SPLIT_SEED).test);
    const probabilities = tf.tidy(() => (model.predict(tf.tensor2d(test.features, [test.count, 9])) as tf.Tensor).dataSync());
    const correct = test.labels.filter((label, i) => (probabilities[i]! >= 0.5 ? 1 : 0) === label).length;
    const accuracy = correct / test.count;
    expect(accuracy).toBeGreaterThanOrEqual(0.93);
    expect(accuracy.toFixed(4)).toBe(readMetrics('breast-cancer')['testAccuracy'].toFixed(4));
  });
});

describe('fashion-mnist model (models/fashion-mnist/tfjs)', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    // wasm: the 1,000-image evaluation takes ~10 s on the cpu backend, under 1 s here.
    await tf.setBackend('wasm');
    model = await loadLayersModelFromDir(modelsDir('fashion-mnist/tfjs'));
  });
  afterAll(async () => {
    model?.dispose();
    await tf.setBackend('cpu');
  });

  it('is a MobileNet-style CNN built from the layers the importer must cover', () => {
    const classes = new Set(model.layers.map((layer) => layer.getClassName()));
    for (const name of ['Conv2D', 'BatchNormalization', 'DepthwiseConv2D', 'ReLU', 'ZeroPadding2D', 'Add', 'GlobalAveragePooling2D', 'Dropout', 'Dense']) {
      expect(classes, name).toContain(name);
    }
    const relus = model.layers.filter((layer) => layer.getClassName() === 'ReLU');
    expect(relus.every((layer) => layer.getConfig()['maxValue'] === 6)).toBe(true);
    expect(model.layers.at(-1)!.getConfig()).toMatchObject({ units: 10, activation: 'softmax' });
    expect(model.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
    expect(model.countParams()).toBe(readMetrics('fashion-mnist')['parameters']);
  });

  it('reaches >= 0.85 on the first 1,000 test images', () => {
    const test = loadFashionMnist('test');
    const count = 1000;
    const predicted = tf.tidy(() =>
      tf.argMax(model.predict(tf.tensor4d(test.images.subarray(0, count * 784), [count, 28, 28, 1])) as tf.Tensor, -1).dataSync(),
    );
    const correct = test.labels.subarray(0, count).filter((label, i) => predicted[i] === label).length;
    expect(correct / count).toBeGreaterThanOrEqual(0.85);
  });
});

describe('training helpers (models/src)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  /** Gradients of sum(f(x, w) * r) with respect to x and w, on one backend. */
  async function gradients(backend: string, f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 8, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 4, 6], 0, 1, 'float32', 2) as tf.Tensor4D;
      const r = tf.randomNormal(f(x, w).shape, 0, 1, 'float32', 3);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]).map((g) => g.dataSync() as Float32Array);
    });
  }

  it.each([
    ['Conv2D 3x3 stride 2 same', (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, 2, 'same')],
    ['Conv2D 1x1 (XNNPACK path)', (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w.slice([1, 1, 0, 0], [1, 1, 4, 6]), 1, 'same')],
    ['DepthwiseConv2D stride 2 valid', (x: tf.Tensor4D, w: tf.Tensor4D) => tf.depthwiseConv2d(x, w.slice([0, 0, 0, 0], [3, 3, 4, 1]), 2, 'valid')],
    ['DepthwiseConv2D multiplier 2 same', (x: tf.Tensor4D, w: tf.Tensor4D) => tf.depthwiseConv2d(x, w.slice([0, 0, 0, 0], [3, 3, 4, 2]), 1, 'same')],
  ])('wasm gradient kernels match the cpu backend: %s', async (_name, f) => {
    registerWasmGradientKernels();
    const expected = await gradients('cpu', f);
    const actual = await gradients('wasm', f);
    expected.forEach((values, i) => {
      const worst = values.reduce((max, v, j) => Math.max(max, Math.abs(v - actual[i]![j]!)), 0);
      expect(worst).toBeLessThan(1e-4);
    });
  });

  it('the lean BatchNormalization gradient matches tfjs-core\'s', async () => {
    await tf.setBackend('cpu');
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([2, 5, 4, 3], 1, 2, 'float32', 4);
        const weights = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 5);
        const f = (a: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, beta, gamma, 1e-3), weights));
        };
        return tf.grads(f)([x, tf.tensor1d([0.5, 2, -1]), tf.tensor1d([0.1, 0.2, 0.3])]).map((g) => g.dataSync() as Float32Array);
      });
    const before = run();
    registerLeanBatchNormGradient();
    const after = run();
    before.forEach((values, i) => values.forEach((v, j) => expect(after[i]![j]).toBeCloseTo(v, 4)));
  });
});
