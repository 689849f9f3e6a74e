/**
 * `@borde/converter/browser`: the converter in a page. The same `convert()` as the CLI, reading the model and
 * its calibration data from Files the user dropped (or any Blob/bytes map) instead of disk, and running
 * calibration and verification on the page's LiteRT. Nothing leaves the page.
 */
import { convert, type ConvertOptions, type ConvertResult } from './convert.js';
import { setInterpreterAssets } from './io/browser-host.js';
import { memoryFiles, type FileContent } from './io/memory-files.js';
import { useSourceFiles } from './io/source-files.js';

export { VERIFY_TOLERANCE } from './convert.js';
export type { ConvertOptions, ConvertReport, ConvertResult, ProgressEvent, QuantizeMode } from './convert.js';
export * from './errors.js';
export { memoryFiles, type FileContent } from './io/memory-files.js';
export type { SourceFiles } from './io/source-files.js';

export interface BrowserConvertOptions extends ConvertOptions {
  /** Where the page serves Borde's engine assets (the runtime's Vite plugin: `<base>borde-assets/`). */
  assets?: string;
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
  const { assets, ...convertOptions } = options;
  const run = async (): Promise<ConvertResult> => {
    setInterpreterAssets(assets);
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
