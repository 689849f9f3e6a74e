import { strFromU8, unzipSync } from 'fflate';
import { InvalidSourceError } from '../../errors.js';

/** A Keras 3 `.keras` file: a zip with config.json, metadata.json and model.weights.h5. */
export interface KerasArchive {
  config: unknown;
  kerasVersion: string | undefined;
  weights: Uint8Array;
}

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

/** A zip holding config.json: the .keras format (checked on the central directory, nothing inflated but it). */
export function isKerasArchive(bytes: Uint8Array): boolean {
  if (!ZIP_SIGNATURE.every((b, i) => bytes[i] === b)) return false;
  try {
    return 'config.json' in unzipSync(bytes, { filter: (f) => f.name === 'config.json' });
  } catch {
    // A damaged zip that starts like one: the importer reports what is wrong with it.
    return true;
  }
}

export function readKerasArchive(bytes: Uint8Array, label: string): KerasArchive {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => ['config.json', 'metadata.json', 'model.weights.h5'].includes(f.name) });
  } catch (cause) {
    throw new InvalidSourceError(`${label}: not a readable .keras zip (${(cause as Error).message}); the file is truncated or damaged, save it again.`, { cause });
  }
  const json = (name: string): unknown => {
    const entry = files[name];
    if (!entry) return undefined;
    try {
      return JSON.parse(strFromU8(entry));
    } catch (cause) {
      throw new InvalidSourceError(`${label}: ${name} in the .keras zip is not valid JSON (${(cause as Error).message}).`, { cause });
    }
  };
  const config = json('config.json');
  if (config === undefined) throw new InvalidSourceError(`${label}: the zip has no config.json, so it is not a Keras .keras model.`);
  const weights = files['model.weights.h5'];
  if (!weights) {
    throw new InvalidSourceError(`${label}: the .keras zip has no model.weights.h5 (weights saved in another format are not read); save with model.save("model.keras").`);
  }
  const metadata = json('metadata.json') as { keras_version?: unknown } | undefined;
  const version = metadata?.keras_version;
  return { config, kerasVersion: typeof version === 'string' ? version : undefined, weights };
}
