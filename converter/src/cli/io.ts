import { readFile } from 'node:fs/promises';
import { ConverterError } from '../errors.js';

/** Reads a file the user named, turning "no such file" into an error that names the path. */
export async function readUserFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConverterError('SOURCE_NOT_FOUND', `${what} not found: ${path}`, { cause: error });
    if (code === 'EISDIR') throw new ConverterError('SOURCE_NOT_FOUND', `${what} is a directory, expected a file: ${path}`, { cause: error });
    throw new ConverterError('SOURCE_NOT_FOUND', `cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Terminal output the commands write through, so tests can capture it. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress may redraw lines); false gives plain lines. */
  isTTY: boolean;
}

export const processOutput: CliOutput = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};
