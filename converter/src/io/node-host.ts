// The converter's host in Node (the CLI, scripts, tests): the file system, and LiteRT run in plain Node.
import { readFile, readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openLiteRtModel, type LiteRtNodeModel } from '@borde/runtime/node';
import type { SourceFiles } from './source-files.js';

export const hostFiles: SourceFiles = {
  // A copy of its own (offset 0): importers may hand `.buffer` to libraries, and a Node Buffer can share a pool.
  readFile: async (path) => new Uint8Array(await readFile(path)),
  readText: (path) => readFile(path, 'utf8'),
  stat: (path) => stat(path),
  readdir: (path) => readdir(path, { withFileTypes: true }),
  importModule: async (path) => (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>,
};

export type InterpreterModel = LiteRtNodeModel;

export function openHostInterpreter(bytes: Uint8Array): Promise<InterpreterModel> {
  return openLiteRtModel(bytes);
}
