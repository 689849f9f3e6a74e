// `borde convert -o`: a path that cannot be written fails before any work, naming the path and the fix;
// nothing is ever left behind (no partial output, no hidden temp file), not even on SIGINT/SIGTERM.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readModel } from '@borde/tflite';
import { ConverterError } from '../src/errors.js';
import { checkOutputPath, writeOutputFile, type OutputFs } from '../src/cli/output-file.js';
import { runCli } from './support/run-cli.js';
import { spawnCli } from './support/spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'borde-cli-output-'));
// The project's breast-cancer classifier (tfjs layers model), as committed.
const modelDir = fileURLToPath(new URL('../../models/breast-cancer/tfjs', import.meta.url));

/** Every file under `folder`, hidden ones included. */
const filesIn = (folder: string): string[] => readdirSync(folder);

/** A typed error, before any work: one `error:` line naming the -o path, and no progress line at all. */
function expectEarlyOutputError(result: { code: number | null; stdout: string; stderr: string }, out: string, reason: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(/\] (import|verify|write): /);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain(`error: cannot write -o ${out}: `);
  expect(lines[0]).toMatch(reason);
}

describe('borde convert -o', () => {
  it('a missing folder fails before any work, naming the path and mkdir', async () => {
    const out = join(dir, 'no-such-folder', 'model.tflite');
    expectEarlyOutputError(await runCli(['convert', modelDir, '-o', out]), out, /folder .*no-such-folder does not exist; create it \(mkdir -p/);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });

  it('a folder named as the output file fails before any work, suggesting a file name', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expectEarlyOutputError(await runCli(['convert', modelDir, '-o', folder]), folder, /it is a folder; give a file name, e\.g\. .*a-folder\/model\.tflite/);
    expectEarlyOutputError(await runCli(['convert', modelDir, '-o', `${folder}/`]), `${folder}/`, /it names a folder/);
    expect(filesIn(folder)).toEqual([]);
  });

  it('a path through a file fails before any work', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const out = join(file, 'model.tflite');
    expectEarlyOutputError(await runCli(['convert', modelDir, '-o', out]), out, /is not a folder|not a folder/);
  });

  it('a path that is not a regular file (a socket here; /dev/null alike) is refused, not replaced by a file', async () => {
    const socket = join(dir, 'borde.sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      expectEarlyOutputError(await runCli(['convert', modelDir, '-o', socket]), socket, /not a regular file/);
      expect(fs.statSync(socket).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });

  it('a read-only folder fails before any work, naming the permission problem', async () => {
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly, { mode: 0o755 });
    chmodSync(dir, 0o755); // reachable by the unprivileged user below
    chmodSync(readOnly, 0o555);
    const out = join(readOnly, 'model.tflite');
    // root writes anywhere: run the CLI as `nobody` then, so the permission bits are what they are for users.
    const asRoot = process.getuid?.() === 0;
    const result = await spawnCli(['convert', modelDir, '-o', out], asRoot ? { options: { uid: 65534, gid: 65534 } } : {});
    expectEarlyOutputError(result, out, /permission denied in .*read-only; choose a folder you can write to with -o/);
    expect(filesIn(readOnly)).toEqual([]);
  }, 60_000);

  it('writes a good model after the checks pass, and no temp file stays', async () => {
    const folder = mkdtempSync(join(dir, 'ok-'));
    const out = join(folder, 'model.tflite');
    const { code, stderr } = await runCli(['convert', modelDir, '-o', out, '--no-verify']);
    expect(code, stderr).toBe(0);
    expect(filesIn(folder)).toEqual(['model.tflite']);
    expect(readModel(readFileSync(out)).subgraphs[0]!.operators.length).toBeGreaterThan(0);
  });
});

describe('the -o file on a full disk (ENOSPC injected: a tmpfs needs root to mount)', () => {
  const enospc = (): never => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  };

  it('a write that runs out of space is OUTPUT_NOT_WRITABLE naming the path; neither file nor temp remains', async () => {
    const folder = mkdtempSync(join(dir, 'full-'));
    const out = join(folder, 'model.tflite');
    let wrote = 0;
    // The real file system, except that the disk fills after the first 1000 bytes.
    const fullAfter1000: OutputFs = {
      ...fs,
      writeSync: ((fd: number, bytes: Uint8Array, offset: number, length: number) => {
        if (wrote >= 1000) enospc();
        const n = fs.writeSync(fd, bytes, offset, Math.min(length, 1000 - wrote));
        wrote += n;
        return n;
      }) as OutputFs['writeSync'],
    };
    const error = await writeOutputFile(out, new Uint8Array(5000), '-o', fullAfter1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConverterError);
    expect((error as ConverterError).code).toBe('OUTPUT_NOT_WRITABLE');
    expect((error as Error).message).toBe(`cannot write -o ${out}: no space left on the device of ${folder}; free some space or choose another -o`);
    expect(wrote).toBe(1000); // the write did start: the temp file existed and had to be removed
    expect(filesIn(folder)).toEqual([]);
  });

  it('the pre-flight check refuses a file system with no free blocks', async () => {
    const folder = mkdtempSync(join(dir, 'full-'));
    const noBlocks: OutputFs = { ...fs, statfsSync: ((p: string) => ({ ...fs.statfsSync(p), bavail: 0, bfree: 0 })) as OutputFs['statfsSync'] };
    const out = join(folder, 'model.tflite');
    await expect(checkOutputPath(out, '-o', noBlocks)).rejects.toMatchObject({
      code: 'OUTPUT_NOT_WRITABLE',
      message: expect.stringContaining(`cannot write -o ${out}: no space left on the device of ${folder}`),
    });
    expect(filesIn(folder)).toEqual([]);
  });

  it('a probe file that cannot be created (out of inodes) is OUTPUT_NOT_WRITABLE too', async () => {
    const folder = mkdtempSync(join(dir, 'full-'));
    const noInodes: OutputFs = { ...fs, openSync: enospc as unknown as OutputFs['openSync'] };
    await expect(checkOutputPath(join(folder, 'm.tflite'), '-o', noInodes)).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE' });
    expect(filesIn(folder)).toEqual([]);
  });
});

describe('borde convert interrupted', () => {
  it('SIGINT/SIGTERM around the write leave no temp file and never a partial output', async () => {
    // Signals land from just before the final write to just after it (the 'write' progress line comes a
    // few milliseconds before the file is written), in three processes at once. Before the fix, one in two
    // such interrupts left an empty `.model.tflite.<hex>.tmp`.
    const cases: [NodeJS.Signals, number][] = [['SIGINT', 0], ['SIGTERM', 2], ['SIGINT', 6]];
    const results = await Promise.all(cases.map(async ([signal, delayMs], i) => {
      const folder = mkdtempSync(join(dir, `signal-${i}-`));
      const out = join(folder, 'model.tflite');
      let sent = false;
      const result = await spawnCli(['convert', modelDir, '-o', out, '--no-verify'], {
        onStderr: (text, child) => {
          if (sent || !/\] write: /.test(text)) return;
          sent = true;
          setTimeout(() => child.kill(signal), delayMs);
        },
      });
      return { signal, sent, result, files: filesIn(folder), out };
    }));
    for (const { signal, sent, result, files, out } of results) {
      expect(sent, result.stderr).toBe(true);
      // Killed by the signal itself, or finished before it came: never an error, never a hang.
      expect(result.signal === signal || result.code === 0, `${signal}: ${result.code} ${result.signal} ${result.stderr}`).toBe(true);
      expect(files.filter((f) => f.endsWith('.tmp')), signal).toEqual([]);
      if (files.includes('model.tflite')) expect(readModel(readFileSync(out)).subgraphs.length).toBe(1);
      else expect(files).toEqual([]);
    }
  }, 60_000);
});
