import { ConverterError } from '../errors.js';
import { fileError, type DirEntry, type SourceFiles } from './source-files.js';

/** A file's content as a page holds it: a File or Blob from an <input> or a drop, or bytes. */
export type FileContent = Blob | Uint8Array;

const normalize = (path: string): string => path.split('/').filter((p) => p !== '' && p !== '.').reduce<string[]>((parts, p) => {
  if (p === '..') parts.pop(); else parts.push(p);
  return parts;
}, []).join('/');

/**
 * SourceFiles over an in-memory map of relative paths (`model/model.json`, `calibration/0.png`) to Files,
 * Blobs or bytes: folders are the paths' prefixes. Nothing is read before the converter asks.
 */
export function memoryFiles(entries: Record<string, FileContent> | Map<string, FileContent>): SourceFiles {
  const files = new Map<string, FileContent>();
  for (const [path, content] of entries instanceof Map ? entries : Object.entries(entries)) files.set(normalize(path), content);
  const isDir = (dir: string): boolean => dir === '' || [...files.keys()].some((p) => p.startsWith(`${dir}/`));
  const content = (path: string): FileContent => {
    const key = normalize(path);
    const found = files.get(key);
    if (found !== undefined) return found;
    throw fileError(isDir(key) ? 'EISDIR' : 'ENOENT', path);
  };
  const bytesOf = async (c: FileContent): Promise<Uint8Array> => (c instanceof Uint8Array ? c.slice() : new Uint8Array(await c.arrayBuffer()));
  const sizeOf = (c: FileContent): number => (c instanceof Uint8Array ? c.byteLength : c.size);
  return {
    readFile: async (path) => bytesOf(content(path)),
    readText: async (path) => new TextDecoder().decode(await bytesOf(content(path))),
    async stat(path) {
      const key = normalize(path);
      const found = files.get(key);
      if (found === undefined && !isDir(key)) throw fileError('ENOENT', path);
      const dir = found === undefined;
      return { isDirectory: () => dir, isFile: () => !dir, size: found === undefined ? 0 : sizeOf(found) };
    },
    async readdir(path) {
      const dir = normalize(path);
      if (files.has(dir)) throw fileError('ENOTDIR', path);
      if (!isDir(dir)) throw fileError('ENOENT', path);
      const prefix = dir === '' ? '' : `${dir}/`;
      const seen = new Map<string, DirEntry>();
      for (const key of files.keys()) {
        if (!key.startsWith(prefix)) continue;
        const [name, ...rest] = key.slice(prefix.length).split('/');
        const sub = rest.length > 0;
        if (!seen.has(name!)) seen.set(name!, { name: name!, isDirectory: () => sub, isFile: () => !sub });
      }
      return [...seen.values()];
    },
    async importModule(path) {
      throw new ConverterError('INVALID_OPTIONS', `calibration module ${path}: JS/TS modules run only in the CLI; ` +
        'give the samples as a folder of images, a CSV, JSON or .npy file');
    },
  };
}
