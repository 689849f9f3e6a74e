/** Shared by the app, its build scripts, vite.config.ts and the e2e test. */
export const MODEL_PATH = 'models/face-detection-int8.tflite';
