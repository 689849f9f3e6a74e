// The models the semantic fuzz mutates: every real MediaPipe model, and the converter's own outputs for the
// models Borde ships (float and full-integer int8), made here with the converter as a user would.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { convert, type TensorValue } from '@borde/converter';
import { BREAST_CANCER_SPLIT_SEED, breastCancerSplit, loadFashionMnist } from '@borde/models';
import { readModel, type Graph } from '@borde/tflite';
import { mediapipeModels } from '../harness/models.js';

export interface FuzzSeed {
  name: string;
  bytes: Uint8Array;
  graph: Graph;
  /** Cheap enough to load and run on every Node backend for each sampled case. */
  runnable: boolean;
}

const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));
const FASHION_MNIST_DIR = process.env.BORDE_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

function seed(name: string, bytes: Uint8Array, runnable: boolean): FuzzSeed {
  return { name, bytes, graph: readModel(bytes), runnable };
}

/**
 * Converter outputs: breast-cancer MLP and (when the data set is installed) the Fashion-MNIST CNN, float and
 * int8; with `allModes` also float16, dynamic-range, int8 inputs/outputs and per-channel dense layers.
 */
export async function converterSeeds(options: { allModes?: boolean } = {}): Promise<FuzzSeed[]> {
  const seeds: FuzzSeed[] = [];
  const rows = breastCancerSplit(BREAST_CANCER_SPLIT_SEED).train;
  const tabular: TensorValue[][] = rows.map((r) => [{ dtype: 'float32', shape: [1, 9], data: Float32Array.from(r.features) }]);
  const mlp = `${MODELS}breast-cancer/tfjs/model.json`;
  seeds.push(seed('breast-cancer float', (await convert(mlp, { verify: false })).bytes, true));
  seeds.push(seed('breast-cancer int8', (await convert(mlp, { quantize: 'int8', calibration: tabular, verify: false })).bytes, true));
  if (options.allModes) {
    seeds.push(seed('breast-cancer float16', (await convert(mlp, { quantize: 'float16', verify: false })).bytes, true));
    seeds.push(seed('breast-cancer dynamic', (await convert(mlp, { quantize: 'dynamic', verify: false })).bytes, true));
    seeds.push(seed('breast-cancer int8 io', (await convert(mlp, { quantize: 'int8', calibration: tabular, verify: false, io: 'int8' })).bytes, true));
  }
  const cnn = `${MODELS}fashion-mnist/tfjs/model.json`;
  if (existsSync(cnn) && existsSync(`${FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`)) {
    const data = loadFashionMnist('train');
    const images: TensorValue[][] = Array.from({ length: 50 }, (_, i) => [{ dtype: 'float32', shape: [1, 28, 28, 1], data: data.images.slice(i * 784, (i + 1) * 784) }]);
    seeds.push(seed('fashion-mnist float', (await convert(cnn, { verify: false })).bytes, true));
    seeds.push(seed('fashion-mnist int8', (await convert(cnn, { quantize: 'int8', calibration: images, verify: false })).bytes, true));
    if (options.allModes) {
      seeds.push(seed('fashion-mnist float16', (await convert(cnn, { quantize: 'float16', verify: false })).bytes, true));
      seeds.push(seed('fashion-mnist dynamic', (await convert(cnn, { quantize: 'dynamic', verify: false })).bytes, true));
      seeds.push(seed('fashion-mnist int8 io, per-channel dense', (await convert(cnn, { quantize: 'int8', calibration: images, verify: false, io: 'int8', perChannelDense: true })).bytes, true));
    }
  }
  return seeds;
}

/** The MediaPipe models; only the short-range face detector is small enough to run for every sampled case. */
export function mediapipeSeeds(): FuzzSeed[] {
  return mediapipeModels().map((m) => seed(m.file.replace('.tflite', ''), m.bytes(), m.file === 'face_detection_short_range.tflite'));
}
