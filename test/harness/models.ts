// The real models the project tests against: every .tflite that the npm packages
// @mediapipe/face_detection and @mediapipe/selfie_segmentation ship (Apache-2.0, float16 weights).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './browser.js';

export const MEDIAPIPE_PACKAGES = ['@mediapipe/face_detection', '@mediapipe/selfie_segmentation'] as const;

export interface RealModel {
  /** e.g. '@mediapipe/face_detection/face_detection_short_range.tflite' */
  readonly id: string;
  /** File name without folder, e.g. 'face_detection_short_range.tflite'. */
  readonly file: string;
  readonly path: string;
  bytes(): Uint8Array;
}

/** Every .tflite in the MediaPipe packages, sorted by id (found on disk, so a new file is never skipped). */
export function mediapipeModels(): RealModel[] {
  const models: RealModel[] = [];
  for (const pkg of MEDIAPIPE_PACKAGES) {
    const dir = packageDir(pkg, import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.tflite')).sort()) {
      const path = join(dir, file);
      models.push({ id: `${pkg}/${file}`, file, path, bytes: () => new Uint8Array(readFileSync(path)) });
    }
  }
  return models;
}
