// The benchmark models of `pnpm bench:runtime`, written to bench-results/models/ so that every row (a
// fresh page or process) reads the same bytes: MediaPipe's face detector as shipped (float16 weights),
// and the project's own networks converted by @borde/converter to float32 and to int8.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert } from '@borde/converter';
import { BREAST_CANCER_SPLIT_SEED, breastCancerSplit, loadFashionMnist } from '@borde/models';
import { readModel } from '@borde/tflite';
import { mediapipeModels } from '../../test/harness/models.js';
import type { InputSpec } from './runtime-rows.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CALIBRATION_SAMPLES = 200;

export interface BenchModel {
  /** File name stem under bench-results/models/, e.g. 'fashion-mnist-int8'. */
  id: string;
  /** The network, shared by its float32 and int8 files (for the int8/float32 ratio). */
  network: string;
  precision: 'float16 weights' | 'float32' | 'int8';
  path: string;
  bytes: number;
  inputs: InputSpec[];
  /** Folder of the original tfjs layers model (shown once per network, on its float32 file). */
  originalDir?: string;
}

type Sample = { dtype: 'float32'; shape: number[]; data: Float32Array }[];

function inputSpecs(bytes: Uint8Array): InputSpec[] {
  const sg = readModel(bytes).subgraphs[0]!;
  return sg.inputs.map((i) => ({ dtype: sg.tensors[i]!.dtype, shape: [...sg.tensors[i]!.shape] }));
}

function fashionMnistCalibration(): Sample[] {
  const train = loadFashionMnist('train');
  const pixels = 28 * 28;
  return Array.from({ length: CALIBRATION_SAMPLES }, (_, i) => [
    { dtype: 'float32' as const, shape: [1, 28, 28, 1], data: train.images.slice(i * pixels, (i + 1) * pixels) },
  ]);
}

function breastCancerCalibration(): Sample[] {
  return breastCancerSplit(BREAST_CANCER_SPLIT_SEED).train.slice(0, CALIBRATION_SAMPLES)
    .map((row) => [{ dtype: 'float32' as const, shape: [1, 9], data: Float32Array.from(row.features) }]);
}

const NETWORKS = [
  { network: 'fashion-mnist CNN', stem: 'fashion-mnist', calibration: fashionMnistCalibration },
  { network: 'breast-cancer MLP', stem: 'breast-cancer', calibration: breastCancerCalibration },
] as const;

/** Writes every benchmark model into `dir`; `notes` receives what was missing or substituted. */
export async function prepareBenchModels(dir: string, log: (line: string) => void): Promise<BenchModel[]> {
  await mkdir(dir, { recursive: true });
  const models: BenchModel[] = [];
  const add = async (model: Omit<BenchModel, 'path' | 'bytes' | 'inputs'>, bytes: Uint8Array) => {
    const path = join(dir, `${model.id}.tflite`);
    await writeFile(path, bytes);
    models.push({ ...model, path, bytes: bytes.byteLength, inputs: inputSpecs(bytes) });
  };

  const face = mediapipeModels().find((m) => m.file === 'face_detection_short_range.tflite');
  if (!face) throw new Error('face_detection_short_range.tflite not found in @mediapipe/face_detection (pnpm install)');
  await copyFile(face.path, join(dir, 'face-detection-short-range.tflite'));
  models.push({
    id: 'face-detection-short-range', network: 'MediaPipe face_detection_short_range', precision: 'float16 weights',
    path: join(dir, 'face-detection-short-range.tflite'), bytes: face.bytes().byteLength, inputs: inputSpecs(face.bytes()),
  });

  // The same detector in int8, as examples/kiosk converts it with the `borde` CLI at build time: the one
  // conv net here big enough for int8 arithmetic (rather than per-op overhead) to decide its speed.
  const kioskInt8 = join(root, 'examples/kiosk/public/models/face-detection-int8.tflite');
  if (existsSync(kioskInt8)) {
    await add({ id: 'face-detection-short-range-int8', network: models[0]!.network, precision: 'int8' }, new Uint8Array(await readFile(kioskInt8)));
    log('MediaPipe face_detection_short_range int8: examples/kiosk/public/models/face-detection-int8.tflite (the kiosk build\'s `borde convert` output)');
  } else {
    log('MediaPipe face_detection_short_range int8: examples/kiosk/public/models/face-detection-int8.tflite not built (pnpm --filter @borde/example-kiosk build): not benchmarked');
  }

  for (const { network, stem, calibration } of NETWORKS) {
    const source = join(root, `models/${stem}/tfjs/model.json`);
    if (!existsSync(source)) {
      log(`${network}: models/${stem}/tfjs/model.json does not exist yet (its recipe has not produced it): not benchmarked`);
      continue;
    }
    const t0 = performance.now();
    const float32 = await convert(source, { verify: false });
    await add({ id: `${stem}-float32`, network, precision: 'float32', originalDir: dirname(source) }, float32.bytes);
    const int8 = await convert(source, { quantize: 'int8', calibration: calibration(), verify: false });
    await add({ id: `${stem}-int8`, network, precision: 'int8' }, int8.bytes);
    log(`${network}: converted with @borde/converter to float32 (${float32.bytes.byteLength} B) and int8 ` +
      `(${int8.bytes.byteLength} B, ${CALIBRATION_SAMPLES} calibration samples) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return models;
}
