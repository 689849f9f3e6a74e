import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConverterError } from '../errors.js';

/**
 * The `-o` file of `borde convert`: checked before any work (a missing, read-only or full folder, or a
 * folder named as the file, fails at once and names the path), then written next to the target and
 * renamed, so readers never see a partial file and a failure leaves none.
 *
 * The temp file lives only inside one synchronous block (create, write, rename) during which SIGINT and
 * SIGTERM are held: a signal cannot stop the process between creating and removing it, and is delivered
 * (with its default action) right after the block.
 */

/** The calls this module makes, so a test can inject what a real disk rarely does on demand (ENOSPC). */
export type OutputFs = Pick<typeof nodeFs, 'openSync' | 'writeSync' | 'closeSync' | 'renameSync' | 'unlinkSync' | 'statSync' | 'statfsSync'>;

const HELD_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Fails with OUTPUT_NOT_WRITABLE, naming `path` and the fix, unless a file can be written at `path`. */
export async function checkOutputPath(path: string, flag = '-o', fs: OutputFs = nodeFs): Promise<void> {
  const problem = (what: string, fix: string, cause?: unknown): ConverterError =>
    new ConverterError('OUTPUT_NOT_WRITABLE', `cannot write ${flag} ${path}: ${what}; ${fix}`, cause === undefined ? undefined : { cause });
  if (path === '' || /[/\\]$/.test(path)) throw problem('it names a folder', `give a file name, e.g. ${join(path || '.', 'model.tflite')}`);
  const target = statOrUndefined(fs, path);
  if (target instanceof Error) throw explain(target, path, flag, dirname(resolve(path)));
  if (target?.isDirectory()) throw problem('it is a folder', `give a file name, e.g. ${join(path, 'model.tflite')}`);
  // The write renames a new file onto the path: that would replace a device or pipe (/dev/null) with a file.
  if (target !== undefined && !target.isFile()) throw problem('it is not a regular file (a device, pipe or socket)', 'give the path of a .tflite file');
  const folder = dirname(resolve(path));
  const folderStat = statOrUndefined(fs, folder);
  if (folderStat instanceof Error) throw explain(folderStat, path, flag, folder);
  if (folderStat === undefined) throw problem(`the folder ${folder} does not exist`, `create it (mkdir -p ${folder}) or choose another ${flag}`);
  if (!folderStat.isDirectory()) throw problem(`${folder} is not a folder`, `choose another ${flag}`);
  // Creating (and removing) the very kind of temp file the write uses proves permissions and a writable mount.
  try {
    await holdingSignals(() => writeAndRename(fs, path, undefined));
  } catch (error) {
    throw explain(error, path, flag, folder);
  }
  if (noFreeSpace(fs, folder)) throw explain(Object.assign(new Error('no space left'), { code: 'ENOSPC' }), path, flag, folder);
}

/** Writes `bytes` to `path` atomically; on any failure nothing is left behind and the error names `path`. */
export async function writeOutputFile(path: string, bytes: Uint8Array, flag = '-o', fs: OutputFs = nodeFs): Promise<void> {
  try {
    await holdingSignals(() => writeAndRename(fs, path, bytes));
  } catch (error) {
    throw explain(error, path, flag, dirname(resolve(path)));
  }
}

/**
 * Creates `.<name>.<hex>.tmp` next to `path`, writes `bytes` into it and renames it onto `path`; with no
 * bytes (the pre-flight probe) it removes the temp file instead. Synchronous on purpose: see the header.
 */
function writeAndRename(fs: OutputFs, path: string, bytes: Uint8Array | undefined): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx');
    for (let offset = 0; bytes !== undefined && offset < bytes.byteLength;) {
      offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
    }
    fs.closeSync(fd);
    fd = undefined;
    if (bytes === undefined) fs.unlinkSync(temp);
    else fs.renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) tryQuietly(() => fs.closeSync(fd!));
    tryQuietly(() => fs.unlinkSync(temp));
    throw error;
  }
}

/** Runs `work` with SIGINT/SIGTERM held, then lets the event loop deliver any that came and re-raises it. */
async function holdingSignals<T>(work: () => T): Promise<T> {
  const received: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals): void => void received.push(signal);
  for (const signal of HELD_SIGNALS) process.on(signal, hold);
  try {
    return work();
  } finally {
    // Two turns of the loop: a signal caught during `work` reaches `hold` in the poll phase between them.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    for (const signal of HELD_SIGNALS) process.off(signal, hold);
    if (received.length > 0) process.kill(process.pid, received[0]);
  }
}

function statOrUndefined(fs: OutputFs, path: string): nodeFs.Stats | undefined | Error {
  try {
    return fs.statSync(path);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (error as Error);
  }
}

function noFreeSpace(fs: OutputFs, folder: string): boolean {
  try {
    const stats = fs.statfsSync(folder);
    // Root may also use the blocks reserved for it.
    return (process.getuid?.() === 0 ? stats.bfree : stats.bavail) === 0;
  } catch {
    return false; // statfs unsupported here: the write itself reports a full disk
  }
}

/** A file-system error turned into OUTPUT_NOT_WRITABLE that names the -o path, the cause and the fix. */
function explain(error: unknown, path: string, flag: string, folder: string): ConverterError {
  if (error instanceof ConverterError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOSPC: `no space left on the device of ${folder}; free some space or choose another ${flag}`,
    EDQUOT: `the disk quota for ${folder} is used up; free some space or choose another ${flag}`,
    EACCES: `permission denied in ${folder}; choose a folder you can write to with ${flag}`,
    EPERM: `permission denied in ${folder}; choose a folder you can write to with ${flag}`,
    EROFS: `${folder} is on a read-only file system; choose another ${flag}`,
    EISDIR: `it is a folder; give a file name, e.g. ${join(path, 'model.tflite')}`,
    ENOTDIR: `a part of the path is a file, not a folder; choose another ${flag}`,
    ENOENT: `the folder ${folder} does not exist; create it or choose another ${flag}`,
    ENAMETOOLONG: `the name is too long; choose a shorter ${flag}`,
  };
  const reason = (code !== undefined && reasons[code]) || `${(error as Error).message}; choose another ${flag}`;
  return new ConverterError('OUTPUT_NOT_WRITABLE', `cannot write ${flag} ${path}: ${reason}`, { cause: error });
}

function tryQuietly(action: () => void): void {
  try {
    action();
  } catch {
    // cleanup of a file that may already be gone
  }
}
