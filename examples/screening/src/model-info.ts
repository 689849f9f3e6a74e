/** Shared by the app, its build script and the e2e test: where the model is and how the data was split. */
export const MODEL_FILE = 'breast-cancer-int8.tflite';
/** Seed of models/breast-cancer's train/test split (metrics.json); calibration uses the train part only. */
export const SPLIT_SEED = 42;
