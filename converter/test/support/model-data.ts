// The bundled models' data as converter inputs: calibration samples and labelled test sets.
import { fileURLToPath } from 'node:url';
import { BREAST_CANCER_SPLIT_SEED, breastCancerSplit, loadFashionMnist, type BreastCancerRow } from '@borde/models';
import type { TensorValue } from '../../src/verify/tensor-value.js';

export const BREAST_CANCER_MODEL = fileURLToPath(new URL('../../../models/breast-cancer/tfjs/model.json', import.meta.url));
export const FASHION_MNIST_MODEL = fileURLToPath(new URL('../../../models/fashion-mnist/tfjs/model.json', import.meta.url));

const rowSample = (row: BreastCancerRow): TensorValue[] => [{ dtype: 'float32', shape: [1, 9], data: Float32Array.from(row.features) }];

export function breastCancerData(): { calibration: TensorValue[][]; test: { samples: TensorValue[][]; labels: number[] } } {
  const split = breastCancerSplit(BREAST_CANCER_SPLIT_SEED);
  return {
    calibration: split.train.map(rowSample),
    test: { samples: split.test.map(rowSample), labels: split.test.map((r) => r.label) },
  };
}

const PIXELS = 28 * 28;

function images(part: 'train' | 'test', count: number): { samples: TensorValue[][]; labels: number[] } {
  const data = loadFashionMnist(part);
  const n = Math.min(count, data.count);
  return {
    samples: Array.from({ length: n }, (_, i) => [{ dtype: 'float32', shape: [1, 28, 28, 1], data: data.images.subarray(i * PIXELS, (i + 1) * PIXELS) }]),
    labels: Array.from(data.labels.subarray(0, n)),
  };
}

/** 200 training images for calibration (issue #4) and the first `testCount` test images with labels. */
export function fashionMnistData(testCount = 10_000): { calibration: TensorValue[][]; test: { samples: TensorValue[][]; labels: number[] } } {
  return { calibration: images('train', 200).samples, test: images('test', testCount) };
}
