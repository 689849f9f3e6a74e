// What `borde` loads and prints before it does any work: --version, an inspect that never loads tfjs, the
// importers or the runtime (its CPU time is measured by `pnpm bench:cli`), and a library that prints no
// tfjs-node banner.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mediapipeModels } from '@borde/test/harness';
import { runCli } from './support/run-cli.js';
import { spawnCli } from './support/spawn-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const version = (JSON.parse(readFileSync(join(root, 'converter/package.json'), 'utf8')) as { version: string }).version;
const faceModel = mediapipeModels().find((m) => m.file === 'face_detection_short_range.tflite')!;

/** A preload that appends the URL of every module the process loads to `log` (a module loader hook). */
function moduleLog(log: string): string {
  const hooks = `import { appendFileSync } from 'node:fs'; let log;
    export function initialize(data) { log = data.log; }
    export async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }`;
  const preload = `import { register } from 'node:module';
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: { log: ${JSON.stringify(log)} } });`;
  return `data:text/javascript,${encodeURIComponent(preload)}`;
}

describe('borde start-up', () => {
  it('--version and -V print the version of @borde/converter', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await runCli([flag]);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(version);
    }
  });

  it('inspect loads neither tfjs, ONNX Runtime, the runtime nor the conversion pipeline', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'borde-startup-')), 'modules.txt');
    const { code, stdout, stderr } = await spawnCli(['inspect', faceModel.path], { nodeArgs: ['--import', moduleLog(log)] });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/CONV_2D\s+\d+/);
    const loaded = readFileSync(log, 'utf8').trim().split('\n');
    expect(loaded.some((url) => url.includes('/packages/tflite/src/'))).toBe(true); // the hook saw the modules
    expect(loaded.filter((url) => /@tensorflow|onnxruntime|\/packages\/runtime\/|\/converter\/src\/(convert|importers|calibration|quantize|verify)/.test(url))).toEqual([]);
  }, 60_000);

  it('the library\'s convert() prints no tfjs-node banner', async () => {
    const script = `import { convert } from '@borde/converter';
      const { bytes } = await convert(${JSON.stringify(join(root, 'models/breast-cancer/tfjs'))}, { verify: false });
      console.log('converted', bytes.byteLength);`;
    const { stdout, stderr } = await promisify(execFile)(process.execPath,
      ['--import', 'tsx', '--conditions', 'borde-source', '--input-type=module', '-e', script], { cwd: join(root, 'converter') });
    expect(stdout).toMatch(/^converted \d+/);
    expect(stderr).not.toMatch(/TensorFlow\.js in Node\.js|tfjs-node/);
  }, 60_000);
});
