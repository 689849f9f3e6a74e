// The files a multi-file model names (tfjs weight shards, ONNX external data) stay inside the model's
// folder, and a broken manifest gets a message that names its real cause. Each case runs the CLI: exit 1,
// one `error:` line, and no output file.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTfjsArtifacts } from '../src/importers/tfjs-artifacts.js';
import { runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'borde-model-files-'));
const breastCancer = fileURLToPath(new URL('../../models/breast-cancer/tfjs', import.meta.url));
const onnxFixtures = fileURLToPath(new URL('./fixtures/onnx', import.meta.url));
const weights = readFileSync(join(breastCancer, 'weights.bin'));

interface ManifestEntry { name: string; shape: unknown; dtype: string }
interface ModelJson { weightsManifest: { paths: string[]; weights: ManifestEntry[] }[] }

/** A copy of the breast-cancer tfjs model with its model.json edited; returns its folder. */
function tfjsVariant(name: string, edit: (json: ModelJson) => void, shard: Buffer | 'folder' = weights): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const json = JSON.parse(readFileSync(join(breastCancer, 'model.json'), 'utf8')) as ModelJson;
  edit(json);
  writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
  if (shard === 'folder') mkdirSync(join(folder, 'weights.bin'));
  else writeFileSync(join(folder, 'weights.bin'), shard);
  return folder;
}

/** Converts `source`; expects a one-line INVALID_SOURCE-style failure containing every fragment, and no output. */
async function expectRefused(source: string, ...fragments: (string | RegExp)[]): Promise<string> {
  const out = join(dir, `${Math.random().toString(36).slice(2)}.tflite`);
  const { code, stdout, stderr } = await runCli(['convert', source, '-o', out, '--no-verify']);
  const errors = stderr.split('\n').filter((l) => l.startsWith('error:') || l.startsWith('internal error:'));
  expect(code, stderr).toBe(1);
  expect(stdout).toBe('');
  expect(errors, stderr).toHaveLength(1);
  expect(errors[0]).toMatch(/^error: /);
  for (const f of fragments) expect(errors[0]).toMatch(typeof f === 'string' ? new RegExp(f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : f);
  expect(existsSync(out)).toBe(false);
  return errors[0]!;
}

describe('tfjs weight shards', () => {
  // A valid shard for this very model outside its folder: reading it would make the conversion succeed.
  const outside = join(dir, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'weights.bin'), weights);

  it('a path that climbs out of the model folder is refused before it is opened', async () => {
    const model = tfjsVariant('escape', (j) => { j.weightsManifest[0]!.paths = ['../outside/weights.bin']; });
    await expectRefused(model, 'Weight shard path "../outside/weights.bin"', "points outside the model's folder", 'list them by file name');
    const deep = tfjsVariant('escape-deep', (j) => { j.weightsManifest[0]!.paths = ['../../../../../../etc/hostname']; });
    await expectRefused(deep, '"../../../../../../etc/hostname"', 'outside');
  });

  it('an absolute path is refused, even to a valid shard', async () => {
    const model = tfjsVariant('absolute', (j) => { j.weightsManifest[0]!.paths = [join(outside, 'weights.bin')]; });
    await expectRefused(model, `Weight shard path "${join(outside, 'weights.bin')}"`, 'outside');
  });

  it('a shard in a sub-folder of the model folder is fine', async () => {
    const model = tfjsVariant('subfolder', (j) => { j.weightsManifest[0]!.paths = ['shards/weights.bin']; });
    mkdirSync(join(model, 'shards'));
    cpSync(join(model, 'weights.bin'), join(model, 'shards', 'weights.bin'));
    const artifacts = await loadTfjsArtifacts(model);
    expect(artifacts.weightData.byteLength).toBe(weights.byteLength);
  });

  it('a shard longer than the manifest says is an error', async () => {
    const model = tfjsVariant('longer', () => {}, Buffer.concat([weights, Buffer.alloc(40)]));
    await expectRefused(model, `need ${weights.byteLength} bytes`, `hold ${weights.byteLength + 40}`, 'weights.bin: 836 B', 'longer than the manifest says');
  });

  it('a shard that is a folder is named as a folder, not as missing', async () => {
    const message = await expectRefused(tfjsVariant('shard-folder', () => {}, 'folder'), 'Weight shard weights.bin', 'is a folder, not a file');
    expect(message).not.toMatch(/missing/);
  });

  it('complex64 and string weights are refused by name and dtype', async () => {
    for (const dtype of ['complex64', 'string']) {
      const model = tfjsVariant(`dtype-${dtype}`, (j) => { j.weightsManifest[0]!.weights[0]!.dtype = dtype; });
      const message = await expectRefused(model, `weight "hidden/kernel" has dtype ${dtype}`, 'cannot import');
      expect(message).not.toMatch(/values but has/);
    }
  });

  it('a wrong manifest shape is named with the layer that needs another, not blamed on a missing shard', async () => {
    for (const shape of [[10, 18], [9, 17]]) {
      const model = tfjsVariant(`shape-${shape.join('x')}`, (j) => { j.weightsManifest[0]!.weights[0]!.shape = shape; });
      const message = await expectRefused(model, `Weight "hidden/kernel" has shape [${shape.join(',')}] but layer "hidden" needs [9,18]`);
      expect(message).not.toMatch(/missing|truncated/);
    }
    const malformed = tfjsVariant('shape-text', (j) => { j.weightsManifest[0]!.weights[0]!.shape = '9,18'; });
    await expectRefused(malformed, 'weight "hidden/kernel" has shape "9,18"', 'array of whole numbers');
  });

  it('a truncated shard is named with the sizes, and where the weights stop fitting', async () => {
    const model = tfjsVariant('truncated', () => {}, weights.subarray(0, 700));
    await expectRefused(model, `need ${weights.byteLength} bytes`, 'hold 700 (weights.bin: 700 B)', 'A shard is truncated', 'from "hidden/bias" on');
  });
});

describe('ONNX external data', () => {
  const data = readFileSync(join(onnxFixtures, 'mlp-external.onnx.data'));
  /** mlp-external.onnx with its external data `location` (22 characters) replaced in place. */
  function onnxVariant(name: string, location: string): string {
    expect(location).toHaveLength('mlp-external.onnx.data'.length);
    const folder = join(dir, name);
    mkdirSync(folder, { recursive: true });
    const bytes = readFileSync(join(onnxFixtures, 'mlp-external.onnx'));
    const patched = Buffer.from(bytes.toString('latin1').split('mlp-external.onnx.data').join(location), 'latin1');
    writeFileSync(join(folder, 'model.onnx'), patched);
    return join(folder, 'model.onnx');
  }

  it('a location that climbs out of the model folder or is absolute is refused', async () => {
    // A valid data file for this model right outside the folder: reading it would make the conversion succeed.
    mkdirSync(join(dir, 'onnx-outside'), { recursive: true });
    writeFileSync(join(dir, 'onnx-outside', 'ext.da'), data);
    await expectRefused(onnxVariant('onnx-escape', '../onnx-outside/ext.da'), "external data location '../onnx-outside/ext.da'", "outside the model's folder");
    await expectRefused(onnxVariant('onnx-escape-deep', '../../../../etc/passwd'), "external data location '../../../../etc/passwd'", 'outside');
    await expectRefused(onnxVariant('onnx-absolute', '//////////etc/hostname'), "'//////////etc/hostname'", 'outside');
  });

  it('an external data file that is a folder is named as a folder', async () => {
    const model = onnxVariant('onnx-folder', 'mlp-external.onnx.data');
    mkdirSync(join(dir, 'onnx-folder', 'mlp-external.onnx.data'));
    const message = await expectRefused(model, "external data file 'mlp-external.onnx.data'", 'is a folder, not a file');
    expect(message).not.toMatch(/not found/);
  });
});
