import { basename, dirname, join } from 'pathe';
import { files } from '../io/files.js';
import { ConverterError, InvalidSourceError } from '../errors.js';
import { kerasFormatOf } from '../importers/keras/keras-model.js';
import { isOnnxModel } from '../importers/onnx/index.js';

export type SourceFormat = 'tfjs-layers' | 'tfjs-graph' | 'tflite' | 'keras' | 'keras-h5' | 'savedmodel' | 'onnx';

export interface DetectedSource {
  format: SourceFormat;
  /** The model file itself: model.json for tfjs models, the folder of a SavedModel, the .tflite, .keras or .h5 file otherwise. */
  path: string;
  /** The file's bytes when detection had to read them (single-file formats), so the importer need not read it again. */
  bytes?: Uint8Array;
}

/**
 * Tells the source format from the file, not the file name alone: a `.tflite` must carry the `TFL3`
 * identifier; a model.json is a graph model when its topology is a list of TensorFlow nodes; a Keras file
 * starts with the HDF5 signature (.h5) or is a zip holding config.json (.keras), whatever its name; an
 * ONNX file must decode as a ModelProto with an ir_version and a graph.
 */
export async function detectSourceFormat(path: string): Promise<DetectedSource> {
  const info = await files().stat(path).catch((error: unknown) => {
    throw new ConverterError('SOURCE_NOT_FOUND', `source model not found: ${path}`, { cause: error });
  });
  // A SavedModel is a folder holding saved_model.pb (given as the folder or as that file).
  if (info.isDirectory() && (await files().stat(join(path, 'saved_model.pb')).catch(() => undefined))?.isFile()) return { format: 'savedmodel', path };
  if (!info.isDirectory() && basename(path) === 'saved_model.pb') return { format: 'savedmodel', path: dirname(path) };
  const file = info.isDirectory() ? join(path, 'model.json') : path;
  if (/\.json$/i.test(file)) return { format: await tfjsFormat(file), path: file };
  const bytes = await readSourceBytes(file);
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'TFL3') return { format: 'tflite', path: file, bytes };
  // Keras by content: the HDF5 signature (.h5), or a zip holding config.json (.keras).
  const keras = kerasFormatOf(bytes);
  if (keras) return { format: keras, path: file, bytes };
  // ONNX by name or by content: a damaged .onnx file then gets the ONNX reader's own diagnosis.
  if (/\.onnx$/i.test(file) || isOnnxModel(bytes)) return { format: 'onnx', path: file, bytes };
  throw new ConverterError(
    'UNSUPPORTED_FORMAT',
    `${path}: not a model Borde can convert; expected a TensorFlow.js model.json (or its folder), a Keras .keras or .h5 file, a SavedModel folder, an .onnx file or a .tflite file`,
  );
}

async function readSourceBytes(file: string): Promise<Uint8Array> {
  const bytes = await files().readFile(file).catch((error: unknown) => {
    throw new ConverterError('SOURCE_NOT_FOUND', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  });
  return bytes;
}

async function tfjsFormat(file: string): Promise<SourceFormat> {
  let json: { format?: string; modelTopology?: { node?: unknown; class_name?: unknown; model_config?: unknown } };
  try {
    json = JSON.parse(await files().readText(file));
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
