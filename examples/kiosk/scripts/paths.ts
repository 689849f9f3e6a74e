// Where the kiosk's build scripts read and write, relative to this example (no absolute paths).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KIOSK_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const SOURCE_IMAGE = join(KIOSK_DIR, 'calibration', 'astronaut.png');
/** Served by Vite from public/, precached by the service worker. Generated: not committed. */
export const MODEL_DIR = join(KIOSK_DIR, 'public', 'models');
export const MODEL_FILE = join(MODEL_DIR, 'face-detection-int8.tflite');
export const ICON_DIR = join(KIOSK_DIR, 'public', 'icons');

/** MediaPipe's float16 face detector as installed from npm (@mediapipe/face_detection, Apache-2.0). */
export function floatModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@mediapipe/face_detection/package.json')), 'face_detection_short_range.tflite');
}

/** Calibration: 200 augmented images; the agreement figures use another seed, so other images. */
export const CALIBRATION = { count: 200, seed: 1, percentile: 99.8 } as const;
export const EVALUATION = { count: 100, seed: 2 } as const;
