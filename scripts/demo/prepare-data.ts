import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BREAST_CANCER_FEATURES, BREAST_CANCER_SPLIT_SEED, breastCancerSplit, loadFashionMnist } from '@borde/models';
import { writeNpy } from './write-npy.js';

export interface DemoData {
  breastCancer: { calibration: string; test: string };
  fashionMnist: { calibration: string; test: string };
}

/** The bundled models' data as files the CLI reads: CSV for the tabular model, .npy for the images. */
export function prepareDemoData(dir: string): DemoData {
  mkdirSync(dir, { recursive: true });
  const split = breastCancerSplit(BREAST_CANCER_SPLIT_SEED);
  const csv = (rows: typeof split.train) =>
    [[...BREAST_CANCER_FEATURES, 'label'].join(','), ...rows.map((r) => [...r.features, r.label].join(','))].join('\n') + '\n';
  const breastCancer = { calibration: join(dir, 'breast-cancer-train.csv'), test: join(dir, 'breast-cancer-test.csv') };
  writeFileSync(breastCancer.calibration, csv(split.train));
  writeFileSync(breastCancer.test, csv(split.test));

  const pixels = 28 * 28;
  const train = loadFashionMnist('train');
  const test = loadFashionMnist('test');
  const fashionMnist = { calibration: join(dir, 'fashion-mnist-calibration.npy'), test: join(dir, 'fashion-mnist-test.npy') };
  // 200 training images for calibration (issue #4), the whole 10,000-image test set for evaluation.
  writeNpy(fashionMnist.calibration, train.images.subarray(0, 200 * pixels), [200, 28, 28, 1]);
  writeNpy(fashionMnist.test, test.images, [test.count, 28, 28, 1]);
  writeNpy(join(dir, 'fashion-mnist-test.labels.npy'), test.labels, [test.count]);
  return { breastCancer, fashionMnist };
}
