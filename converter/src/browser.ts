/**
 * `@borde/converter/browser`: the converter in a page. The same `convert()` as the CLI, reading the model and
 * its calibration data from Files the user dropped (or any Blob/bytes map) instead of disk, and running
 * calibration and verification on the page's LiteRT. Nothing leaves the page.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadLabelledData, loadSamples, type SampleOptions } from './calibration/index.js';
import { convert, type ConvertOptions, type ConvertResult } from './convert.js';
import { setInterpreterAssets } from './io/browser-host.js';
import { memoryFiles, type FileContent } from './io/memory-files.js';
import { useSourceFiles } from './io/source-files.js';

export { VERIFY_TOLERANCE } from './convert.js';
export type { ConvertOptions, ConvertReport, ConvertResult, ProgressEvent, QuantizeMode } from './convert.js';
export * from './errors.js';
export { memoryFiles, type FileContent } from './io/memory-files.js';
export type { SourceFiles } from './io/source-files.js';

export type { SampleOptions } from './calibration/index.js';

export interface BrowserConvertOptions extends Omit<ConvertOptions, 'calibration' | 'evalData'> {
  /** Where the page serves Borde's engine assets (the runtime's Vite plugin: `<base>borde-assets/`), as a full URL. */
  assets?: string;
  /** Representative data: a path into the files (a folder of images, a .csv, .json or .npy file), as the CLI's --calibration. */
  calibration?: string;
  /** Labelled evaluation data, a path into the files, as the CLI's --eval. */
  evalData?: string;
  /** How samples are read, as the CLI's data flags (--samples, --preset, --label-column, ...); `limit` defaults to the CLI's 500. */
  samples?: SampleOptions;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Converts the model at `source` (a path into `files`: `model/model.json`, `model.tflite`, ...) with the
 * CLI's options; `options.calibration` and `options.evalData` are paths into `files` too (a folder of
 * images, a CSV, JSON or .npy file). Conversions run one after another (the files are the converter's for
 * the duration of one).
 */
export function convertFiles(
  files: Record<string, FileContent> | Map<string, FileContent>,
  source: string,
  options: BrowserConvertOptions = {},
): Promise<ConvertResult> {
  const { assets, calibration, evalData, samples, ...rest } = options;
  const sampleOptions: SampleOptions = { limit: 500, ...samples };
  const convertOptions: ConvertOptions = {
    ...rest,
    // Loaded once the model's inputs are known, exactly as the CLI's convert command does.
    ...(calibration !== undefined ? { calibration: (inputs) => loadSamples(calibration, inputs, sampleOptions) } : {}),
    ...(evalData !== undefined ? { evalData: (inputs) => loadLabelledData(evalData, inputs, { ...sampleOptions, limit: Infinity }) } : {}),
  };
  const run = async (): Promise<ConvertResult> => {
    setInterpreterAssets(assets);
    // tfjs sources run on tfjs-backend-wasm: its .wasm files are among the engine assets.
    if (assets !== undefined && !tf.engine().registry['wasm']) setWasmPaths(new URL('tfjs-backend-wasm/', assets).href);
    // In a page tfjs' preferred backend (wasm) initializes asynchronously: settle it before weights are decoded.
    await tf.ready();
    const restore = useSourceFiles(memoryFiles(files));
    try {
      return await convert(source, convertOptions);
    } finally {
      restore();
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
