/**
 * Where the converter reads a model, its weight shards and its calibration data from. The CLI reads the file
 * system (node-host.ts); a page reads the files the user dropped (memoryFiles). The converter's core names
 * files by path only and reaches them through the active SourceFiles, so it imports no `node:*` module.
 * Failures carry Node's error codes (ENOENT, EISDIR, ENOTDIR) in both, so callers explain them alike.
 */
export interface FileInfo {
  isDirectory(): boolean;
  isFile(): boolean;
  size: number;
}

export interface DirEntry {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
}

export interface SourceFiles {
  readFile(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
  stat(path: string): Promise<FileInfo>;
  readdir(path: string): Promise<DirEntry[]>;
  /** A JS/TS calibration module's exports (hosts that cannot run one refuse with a typed error). */
  importModule(path: string): Promise<Record<string, unknown>>;
}

let active: SourceFiles | undefined;

/** The SourceFiles the converter reads through: the one set with useSourceFiles, else the host's. */
export function sourceFiles(fallback: SourceFiles): SourceFiles {
  return active ?? fallback;
}

/**
 * Makes `files` the converter's source of files until the returned function is called (the browser entry
 * sets the user's dropped files around one conversion; conversions run one at a time there).
 */
export function useSourceFiles(files: SourceFiles): () => void {
  const previous = active;
  active = files;
  return () => {
    active = previous;
  };
}

export function fileError(code: 'ENOENT' | 'EISDIR' | 'ENOTDIR', path: string): Error & { code: string } {
  const text = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : 'not a directory';
  return Object.assign(new Error(`${code}: ${text}, '${path}'`), { code });
}
