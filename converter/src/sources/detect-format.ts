import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConverterError, InvalidSourceError } from '../errors.js';
import { isOnnxModel } from '../importers/onnx/index.js';

export type SourceFormat = 'tfjs-layers' | 'tfjs-graph' | 'tflite' | 'onnx';

export interface DetectedSource {
  format: SourceFormat;
  /** The model file itself: model.json for tfjs models, the .tflite file otherwise. */
  path: string;
}

/**
 * Tells the source format from the file, not the file name alone: a `.tflite` must carry the `TFL3`
 * identifier; a model.json is a graph model when its topology is a list of TensorFlow nodes; an ONNX file
 * must decode as a ModelProto with an ir_version and a graph.
 */
export async function detectSourceFormat(path: string): Promise<DetectedSource> {
  const info = await stat(path).catch((error: unknown) => {
    throw new ConverterError('SOURCE_NOT_FOUND', `source model not found: ${path}`, { cause: error });
  });
  const file = info.isDirectory() ? join(path, 'model.json') : path;
  if (/\.(h5|hdf5|keras)$/i.test(file)) {
    throw new ConverterError(
      'UNSUPPORTED_FORMAT',
      `${path}: Keras HDF5/.keras files are not read yet; save the model in TensorFlow.js format ` +
        '(model.save() in tfjs, or a layers-model model.json) and convert that',
    );
  }
  if (/\.json$/i.test(file)) return { format: await tfjsFormat(file), path: file };
  const head = await readHead(file);
  if (head.length >= 8 && String.fromCharCode(...head.subarray(4, 8)) === 'TFL3') return { format: 'tflite', path: file };
  // By name or by content: a damaged .onnx file then gets the ONNX reader's own diagnosis.
  if (/\.onnx$/i.test(file) || isOnnxModel(new Uint8Array(await readFile(file)))) return { format: 'onnx', path: file };
  throw new ConverterError(
    'UNSUPPORTED_FORMAT',
    `${path}: not a model Borde can convert; expected a TensorFlow.js model.json (or its folder), a .tflite or an .onnx file`,
  );
}

async function readHead(file: string): Promise<Uint8Array> {
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new ConverterError('SOURCE_NOT_FOUND', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16));
}

async function tfjsFormat(file: string): Promise<SourceFormat> {
  let json: { format?: string; modelTopology?: { node?: unknown; class_name?: unknown; model_config?: unknown } };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConverterError('SOURCE_NOT_FOUND', `source model not found: ${file}`, { cause: error });
    }
    throw new InvalidSourceError(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const topology = json.modelTopology;
  if (json.format === 'graph-model' || Array.isArray(topology?.node)) return 'tfjs-graph';
  if (json.format === 'layers-model' || topology?.class_name || topology?.model_config) return 'tfjs-layers';
  throw new InvalidSourceError(
    `${file}: a JSON file but not a TensorFlow.js model (no modelTopology with layers or nodes)`,
  );
}
