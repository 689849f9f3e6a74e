// Real TFLite models nobody here wrote: the files the npm packages @mediapipe/face_detection and
// @mediapipe/selfie_segmentation ship (Apache-2.0, float16 weights), resolved through node module resolution.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const REAL_MODELS = {
  face_detection_short_range: '@mediapipe/face_detection/face_detection_short_range.tflite',
  face_detection_full_range: '@mediapipe/face_detection/face_detection_full_range.tflite',
  face_detection_full_range_sparse: '@mediapipe/face_detection/face_detection_full_range_sparse.tflite',
  selfie_segmentation: '@mediapipe/selfie_segmentation/selfie_segmentation.tflite',
  selfie_segmentation_landscape: '@mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite',
} as const;

export type RealModelName = keyof typeof REAL_MODELS;

export const REAL_MODEL_NAMES = Object.keys(REAL_MODELS) as RealModelName[];

const cache = new Map<RealModelName, Uint8Array>();

/** A fresh copy of a real model's bytes (callers may patch it). */
export function loadRealModel(name: RealModelName): Uint8Array {
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(require.resolve(REAL_MODELS[name])));
    cache.set(name, bytes);
  }
  return bytes.slice();
}

/** Small seeded PRNG (mulberry32) so failures reproduce. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
