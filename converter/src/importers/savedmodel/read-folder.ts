import { InvalidSourceError } from '../../errors.js';
import type { SavedModelFiles } from './tensor-bundle.js';

/**
 * Reads what the importer needs of a SavedModel folder (saved_model.pb and every file in variables/)
 * into a map by relative path. Node only; the importer itself works from bytes.
 */
export async function readSavedModelFolder(dir: string): Promise<SavedModelFiles> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const files = new Map<string, Uint8Array>();
  const pb = path.join(dir, 'saved_model.pb');
  try {
    files.set('saved_model.pb', new Uint8Array(await fs.readFile(pb)));
  } catch (cause) {
    throw new InvalidSourceError(`Cannot read ${pb}: a SavedModel folder holds saved_model.pb.`, { cause });
  }
  const variables = path.join(dir, 'variables');
  const names = await fs.readdir(variables).catch(() => [] as string[]); // missing: the importer says what it lacks
  for (const name of names) {
    const file = path.join(variables, name);
    if ((await fs.stat(file)).isFile()) files.set(`variables/${name}`, new Uint8Array(await fs.readFile(file)));
  }
  return files;
}
