// Issue #16 item 1: `borde pack` makes an npm package of the int8 Fashion-MNIST model whose typed wrapper
// gives the same answers as loading the .tflite directly, checks the model's sha256 before it runs, and whose
// types reject a wrong input name at compile time. (Installed from its tarball in Node and Vite:
// test/consumers, `pnpm test:consumers`.)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES } from '@borde/models';
import { loadModel } from '@borde/runtime';
import { convert } from '../src/convert.js';
import { runCli } from './support/run-cli.js';
import { FASHION_MNIST_MODEL, fashionMnistData } from './support/model-data.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Under the repository (its /tmp/ is ignored by git) so the generated wrapper resolves @borde/runtime.
const work = join(root, 'tmp', `cli-pack-${process.pid}`);
const pkg = join(work, 'fashion-mnist');
const { calibration, test } = fashionMnistData(50);

interface PackedOutput { name: string; data: Float32Array; top(k?: number): { label: string; index: number; score: number }[]; label: string }
interface PackedModule {
  MODEL_SHA256: string;
  labels: readonly string[];
  load(options?: object): Promise<{ engine: string; run(inputs: Record<string, Float32Array>): Promise<Record<string, PackedOutput>>; dispose(): void }>;
}

describe.skipIf(!existsSync(FASHION_MNIST_MODEL))('borde pack (int8 Fashion-MNIST)', () => {
  let model: Uint8Array;
  beforeAll(async () => {
    mkdirSync(work, { recursive: true });
    const { bytes, report } = await convert(FASHION_MNIST_MODEL, { quantize: 'int8', calibration, evalData: test });
    model = bytes;
    writeFileSync(join(work, 'model.tflite'), bytes);
    writeFileSync(join(work, 'report.json'), JSON.stringify(report));
    writeFileSync(join(work, 'labels.txt'), `${FASHION_MNIST_CLASSES.join('\n')}\n`);
    writeFileSync(join(work, 'card.md'), 'Classifies 28x28 grey clothing images.\n');
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes the package: model, sha256 manifest, card with the report, wrapper, package.json', async () => {
    const { code, stderr } = await runCli(['pack', join(work, 'model.tflite'), '--name', '@test/fashion-mnist', '--version', '1.2.3',
      '--labels', join(work, 'labels.txt'), '--report', join(work, 'report.json'), '--card', join(work, 'card.md'), '-o', pkg]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    const runtimeVersion = JSON.parse(readFileSync(join(root, 'packages/runtime/package.json'), 'utf8')).version;
    expect(json).toMatchObject({ name: '@test/fashion-mnist', version: '1.2.3', type: 'module', types: './index.d.ts',
      exports: { '.': { types: './index.d.ts', default: './index.js' } }, peerDependencies: { '@borde/runtime': `^${runtimeVersion}` } });
    for (const file of json.files) expect(existsSync(join(pkg, file)), file).toBe(true);
    const manifest = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8'));
    expect(manifest.sha256).toBe(createHash('sha256').update(model).digest('hex'));
    expect(manifest.classOutput).toBe('probabilities');
    const card = readFileSync(join(pkg, 'README.md'), 'utf8');
    expect(card).toMatch(/\| `image` \| float32 \| \[1, 28, 28, 1\]/);
    expect(card).toMatch(/Verified against the source \| passed in LiteRT/);
    expect(card).toMatch(/Accuracy, float \/ quantized \| \d+\.\d\d% \/ \d+\.\d\d% on 50 samples/);
    expect(card).toContain('Classifies 28x28 grey clothing images.');
    const dts = readFileSync(join(pkg, 'index.d.ts'), 'utf8');
    expect(dts).toContain('"image": Float32Array;');
    expect(dts).toContain('"probabilities": TensorOutput<"probabilities", Float32Array, readonly [1, 10]> & ClassOutput;');
  });

  it('refuses labels that fit no output and names that npm would refuse, saying why', async () => {
    writeFileSync(join(work, 'nine.txt'), FASHION_MNIST_CLASSES.slice(0, 9).join('\n'));
    const labels = await runCli(['pack', join(work, 'model.tflite'), '--name', 'x', '--version', '1.0.0', '--labels', join(work, 'nine.txt'), '-o', join(work, 'bad')]);
    expect(labels.code).toBe(1);
    expect(labels.stderr).toContain('--labels has 9 labels but no output has 9 classes in its last dimension (outputs: probabilities [1, 10])');
    const name = await runCli(['pack', join(work, 'model.tflite'), '--name', 'My Model', '--version', '1.0', '-o', join(work, 'bad')]);
    expect(name.stderr).toContain('--name "My Model" is not an npm package name');
    expect(existsSync(join(work, 'bad'))).toBe(false);
    expect((await runCli(['-V'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/); // borde's own version outside pack
  });

  it('the wrapper answers as loadModel on the file does, with labels mapped', async () => {
    const packed = (await import(pathToFileURL(join(pkg, 'index.js')).href)) as PackedModule;
    const wrapped = await packed.load();
    const direct = await loadModel(model);
    try {
      for (const [image] of test.samples.slice(0, 5)) {
        const outputs = await wrapped.run({ image: image!.data as Float32Array });
        const [expected] = await direct.run({ image: image!.data as Float32Array });
        expect(Object.keys(outputs)).toEqual(['probabilities']);
        expect(Array.from(outputs.probabilities!.data)).toEqual(Array.from(expected!.data as Float32Array));
        const best = Array.from(expected!.data as Float32Array).reduce((b, v, i, a) => (v > a[b]! ? i : b), 0);
        expect(outputs.probabilities!.label).toBe(FASHION_MNIST_CLASSES[best]);
        const top = outputs.probabilities!.top(3);
        expect(top.map((t) => t.index)[0]).toBe(best);
        expect(top[0]!.score).toBeGreaterThanOrEqual(top[1]!.score);
      }
    } finally {
      wrapped.dispose();
      direct.dispose();
    }
  });

  it('a model file that is not the packed one is refused before it runs (IntegrityError)', async () => {
    const tampered = join(work, 'tampered');
    cpSync(pkg, tampered, { recursive: true });
    const bytes = new Uint8Array(model);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(join(tampered, 'model.tflite'), bytes);
    const packed = (await import(pathToFileURL(join(tampered, 'index.js')).href)) as PackedModule;
    await expect(packed.load()).rejects.toMatchObject({ name: 'IntegrityError', code: 'INTEGRITY', expected: packed.MODEL_SHA256 });
  });

  it('TypeScript accepts the right input name and rejects a wrong one at compile time', async () => {
    const consumer = join(work, 'consumer');
    mkdirSync(consumer, { recursive: true });
    const use = (key: string) => `import { load } from '../fashion-mnist/index.js';\nconst model = await load();\n` +
      `const out = await model.run({ ${key}: new Float32Array(784) });\nconst label: string = out.probabilities.label;\nexport { label };\n`;
    writeFileSync(join(consumer, 'right.ts'), use('image'));
    writeFileSync(join(consumer, 'wrong.ts'), use('imag'));
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
        lib: ['ES2022', 'DOM'], customConditions: ['borde-source'], types: ['node'] },
      files: ['right.ts', 'wrong.ts'],
    }));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await promisify(execFile)('node', [tsc, '-p', consumer], { cwd: consumer }).then(() => ({ stdout: '' }), (e: { stdout: string }) => e);
    // Only the consumer's files are judged: the runtime's TypeScript sources (resolved through borde-source
    // here, its built .d.ts for users) are typechecked by the repository's own tsconfig.
    const errors = result.stdout.split('\n').filter((l) => /^(right|wrong)\.ts.*error TS/.test(l));
    expect(errors.filter((l) => !l.startsWith('wrong.ts')), result.stdout).toEqual([]);
    expect(errors.some((l) => /wrong\.ts.*error TS2561|wrong\.ts.*error TS2353/.test(l) && l.includes("'imag'")), result.stdout).toBe(true);
  }, 120_000);
});
