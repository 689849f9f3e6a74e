import type { Graph } from '@borde/tflite';
import { InvalidSourceError } from '../../errors.js';
import { importKerasTopology, type ImportLayersModelOptions } from '../layers-model.js';
import { isKerasArchive, readKerasArchive } from './keras-archive.js';
import { normalizeKerasConfig } from './keras-config.js';
import { kerasArchiveWeights, legacyH5Weights } from './keras-weights.js';
import { Hdf5Reader, isHdf5 } from './hdf5.js';

/** `keras`: the Keras 3 zip (.keras); `keras-h5`: the legacy HDF5 file (.h5), Keras 2 or 3. */
export type KerasFormat = 'keras' | 'keras-h5';

export interface KerasImport {
  graph: Graph;
  format: KerasFormat;
  /** The Keras version that wrote the file, when it says. */
  kerasVersion: string | undefined;
}

export interface ImportKerasOptions extends ImportLayersModelOptions {
  /** How errors name the file (default "the Keras model"). */
  label?: string;
}

/** The Keras container in `bytes`, told by content: the HDF5 signature, or a zip holding config.json. */
export function kerasFormatOf(bytes: Uint8Array): KerasFormat | undefined {
  if (isHdf5(bytes)) return 'keras-h5';
  if (isKerasArchive(bytes)) return 'keras';
  return undefined;
}

/**
 * Imports a Keras model file from its bytes (no file system: the browser converter uses it too) into a
 * float32 Graph, through the same layer mapping as tfjs layers models. Both config dialects (Keras 2 and 3)
 * in either container. Throws UnsupportedOpsError naming every layer that cannot be converted (Lambda and
 * custom layers included), InvalidSourceError for a damaged or truncated file.
 */
export function importKerasModel(bytes: Uint8Array, options: ImportKerasOptions = {}): KerasImport {
  const label = options.label ?? 'the Keras model';
  const format = kerasFormatOf(bytes);
  if (format === 'keras-h5') {
    const h5 = new Hdf5Reader(bytes, label);
    const text = h5.stringAttr(h5.root, 'model_config');
    if (text === undefined) {
      throw new InvalidSourceError(
        `${label} is an HDF5 file without a model_config attribute: a weights-only file (save_weights) has no architecture; save the whole model with model.save("model.keras").`,
      );
    }
    const kerasVersion = h5.stringAttr(h5.root, 'keras_version');
    const graph = importKerasTopology(normalizeKerasConfig(parseJson(text, `${label}: model_config`), kerasVersion), () => legacyH5Weights(h5), {
      ...options,
      format: 'Keras .h5 model',
    });
    return { graph, format, kerasVersion };
  }
  if (format === 'keras') {
    const archive = readKerasArchive(bytes, label);
    const h5 = new Hdf5Reader(archive.weights, `${label} (model.weights.h5)`);
    const graph = importKerasTopology(normalizeKerasConfig(archive.config, archive.kerasVersion), () => kerasArchiveWeights(h5, archive.config), {
      ...options,
      format: 'Keras .keras model',
    });
    return { graph, format, kerasVersion: archive.kerasVersion };
  }
  throw new InvalidSourceError(`${label} is neither a Keras .keras zip (with config.json) nor an HDF5 .h5 file.`);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidSourceError(`${what} is not valid JSON (${(cause as Error).message}); the file is damaged.`, { cause });
  }
}
