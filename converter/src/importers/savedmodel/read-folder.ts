import { join } from 'pathe';
import { InvalidSourceError } from '../../errors.js';
import { files as sourceFiles } from '../../io/files.js';
import type { SavedModelFiles } from './tensor-bundle.js';

/**
 * Reads what the importer needs of a SavedModel folder (saved_model.pb and every file in variables/)
 * into a map by relative path, through the converter's SourceFiles; the importer itself works from bytes.
 */
export async function readSavedModelFolder(dir: string): Promise<SavedModelFiles> {
  const fs = sourceFiles();
  const files = new Map<string, Uint8Array>();
  const pb = join(dir, 'saved_model.pb');
  try {
    files.set('saved_model.pb', await fs.readFile(pb));
  } catch (cause) {
    throw new InvalidSourceError(`Cannot read ${pb}: a SavedModel folder holds saved_model.pb.`, { cause });
  }
  const variables = join(dir, 'variables');
  const names = (await fs.readdir(variables).catch(() => [])).map((entry) => entry.name); // missing: the importer says what it lacks
  for (const name of names) {
    const file = join(variables, name);
    if ((await fs.stat(file)).isFile()) files.set(`variables/${name}`, await fs.readFile(file));
  }
  return files;
}
