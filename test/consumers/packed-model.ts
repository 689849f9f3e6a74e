// `borde pack` as users get it (issue #16 item 1): the packed CLI converts the Fashion-MNIST CNN to int8 and
// packs it with labels and its report; the package's .tgz, installed with npm beside the runtime's tarballs
// in a fresh project outside the workspace, answers in Node exactly as loadModel on the .tflite does, its
// types reject a wrong input name (tsc), and Vite (production build and dev server) serves the model from the package.
import { copyFileSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '@borde/models';
import type { Browser } from 'playwright-core';
import { writeNpy } from '../../scripts/demo/write-npy.js';
import type { PageResult } from './browser.js';
import { runCommand } from './processes.js';
import type { Tarball } from './projects.js';

const PIXELS = 28 * 28;
const TEST_IMAGES = 8;
/** Exact versions, as for the other consumer projects. */
const REGISTRY = { vite: '8.3.8', typescript: '5.9.3' };

type Check = (name: string, body: () => Promise<string>) => Promise<boolean>;

interface NodeComparison {
  engine: string;
  backend: string;
  labels: string[];
  results: { packed: number[]; direct: number[]; label: string; top: string[] }[];
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export async function packedModelChecks(options: {
  check: Check;
  work: string;
  root: string;
  fixtures: string;
  borde: string;
  tarballs: Record<Tarball, string>;
  install: (dir: string) => Promise<string>;
  /** Chromium, a static server for a build, and Vite's dev server for a project, each opened in it. */
  launch: () => Promise<{ browser: Browser; serve: (dist: string) => Promise<PageResult>; dev: (dir: string) => Promise<PageResult> }>;
}): Promise<void> {
  const { check, work, root, fixtures, borde, tarballs } = options;
  const dir = join(work, 'packed');
  const data = join(work, 'packed-data');
  mkdirSync(data, { recursive: true });
  const model = join(data, 'fashion-mnist-int8.tflite');
  const tgz = join(data, 'consumer-fashion-mnist-1.0.0.tgz');
  const images = join(data, 'images.json');

  const packed = await check('borde convert --quantize int8 + borde pack --tgz (Fashion-MNIST)', async () => {
    const train = loadFashionMnist('train');
    writeNpy(join(data, 'calibration.npy'), train.images.subarray(0, 200 * PIXELS), [200, 28, 28, 1]);
    const test = loadFashionMnist('test');
    writeFileSync(images, JSON.stringify(Array.from({ length: TEST_IMAGES }, (_, i) => Array.from(test.images.subarray(i * PIXELS, (i + 1) * PIXELS)))));
    writeFileSync(join(data, 'labels.txt'), `${FASHION_MNIST_CLASSES.join('\n')}\n`);
    const { stdout } = await runCommand(borde, ['convert', join(root, 'models/fashion-mnist/tfjs/model.json'), '-o', model,
      '--quantize', 'int8', '--calibration', join(data, 'calibration.npy'), '--json'], { cwd: data });
    writeFileSync(join(data, 'report.json'), stdout);
    await runCommand(borde, ['pack', model, '--name', '@consumer/fashion-mnist', '--version', '1.0.0', '--labels', join(data, 'labels.txt'),
      '--report', join(data, 'report.json'), '-o', join(data, 'fashion-mnist'), '--tgz'], { cwd: data });
    const listed = (await runCommand('tar', ['-tzf', tgz], { cwd: data })).stdout.trim().split('\n');
    for (const file of ['package/package.json', 'package/index.js', 'package/index.d.ts', 'package/model.tflite', 'package/manifest.json', 'package/README.md']) {
      assert(listed.includes(file), `${tgz} lacks ${file} (it holds ${listed.join(', ')})`);
    }
    return `${listed.length} files in ${tgz.slice(work.length + 1)}`;
  });
  if (!packed) return;

  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({
    name: 'borde-consumer-packed', private: true, version: '0.0.0', type: 'module',
    dependencies: { '@borde/runtime': `file:${tarballs.runtime}`, '@borde/tflite': `file:${tarballs.tflite}`, '@consumer/fashion-mnist': `file:${tgz}` },
    devDependencies: REGISTRY,
  }, null, 2)}\n`);
  for (const file of ['compare.mjs', 'vite.config.js']) cpSync(join(fixtures, 'packed', file), join(dir, file));
  // .ts.in: the repository's own typecheck must not see them (they import the package made here).
  for (const file of ['right.ts', 'wrong.ts']) cpSync(join(fixtures, 'packed', `${file}.in`), join(dir, file));
  copyFileSync(join(fixtures, 'app/index.html'), join(dir, 'index.html'));
  copyFileSync(join(fixtures, 'packed/main.js'), join(dir, 'src/main.js'));
  copyFileSync(images, join(dir, 'src/images.json'));
  if (!(await check('npm install (packed: @borde/runtime @borde/tflite @consumer/fashion-mnist.tgz vite typescript)', () => options.install(dir)))) return;

  let reference: NodeComparison | undefined;
  await check('packed model in Node = loadModel on the .tflite', async () => {
    const { stdout } = await runCommand('node', ['compare.mjs', model, images], { cwd: dir });
    const result = JSON.parse(stdout) as NodeComparison;
    assert(result.results.length === TEST_IMAGES, `${result.results.length} results for ${TEST_IMAGES} images`);
    for (const [i, r] of result.results.entries()) {
      assert(JSON.stringify(r.packed) === JSON.stringify(r.direct), `image ${i}: packed [${r.packed.join(', ')}] differs from direct [${r.direct.join(', ')}]`);
      const best = r.direct.indexOf(Math.max(...r.direct));
      assert(r.label === FASHION_MNIST_CLASSES[best] && r.top[0] === r.label, `image ${i}: label ${r.label}, top ${r.top.join(', ')}; the best class is ${FASHION_MNIST_CLASSES[best]}`);
    }
    reference = result;
    return `${result.engine}/${result.backend}, ${TEST_IMAGES} images identical, labels ${result.results.map((r) => r.label).slice(0, 3).join(', ')}, ...`;
  });
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  await check('tsc: right input name compiles, wrong one fails', async () => {
    const right = await runCommand('node', [tsc, '--noEmit', '--strict', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--skipLibCheck', 'right.ts'], { cwd: dir })
      .then(() => '', (e: Error) => e.message);
    assert(right === '', `right.ts does not compile:\n${right}`);
    const wrong = await runCommand('node', [tsc, '--noEmit', '--strict', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--skipLibCheck', 'wrong.ts'], { cwd: dir })
      .then(() => '', (e: Error) => e.message);
    assert(/wrong\.ts.*error TS(2561|2353).*'imag'/.test(wrong), `wrong.ts compiled or failed for another reason:\n${wrong || 'no error'}`);
    return wrong.split('\n').find((l) => l.includes('error TS'))!.trim();
  });

  if (!reference) return;
  const { browser, serve, dev } = await options.launch();
  try {
    await check('packed model in a Vite 8 production build (Chromium) = Node', async () => {
      const built = await runCommand('node', [join(dir, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: dir });
      const emitted = readdirSync(join(dir, 'dist/assets'));
      assert(emitted.some((f) => f.endsWith('.tflite')), `vite build emitted no .tflite asset: ${emitted.join(', ')}`);
      return `built in ${(built.ms / 1000).toFixed(1)} s; ${judgePage(await serve(join(dir, 'dist')), reference!)}`;
    });
    await check('packed model in the Vite 8 dev server (Chromium) = Node', async () => judgePage(await dev(dir), reference!));
  } finally {
    await browser.close();
  }
}

/** A page's outputs against Node's: same labels, values within float rounding, nothing failed. */
function judgePage(page: PageResult, reference: NodeComparison): string {
  assert(page.errors.length === 0 && page.failedRequests.length === 0 && page.outsideRequests.length === 0,
    `errors ${page.errors.join('; ')}, failed ${page.failedRequests.join('; ')}, outside ${page.outsideRequests.join('; ')}`);
  const results = (page.result as { results: { packed: number[]; label: string }[] }).results;
  let worst = 0;
  for (const [i, r] of results.entries()) {
    const expected = reference.results[i]!;
    worst = Math.max(worst, ...r.packed.map((v, j) => Math.abs(v - expected.direct[j]!)));
    assert(r.label === expected.label, `image ${i}: the page says ${r.label}, Node ${expected.label}`);
  }
  assert(results.length === TEST_IMAGES && worst <= 1e-5, `${results.length} results, worst difference from Node ${worst}`);
  return `${String(page.result.engine)}/${String(page.result.backend)}, labels as Node, worst |diff| ${worst.toExponential(1)}`;
}
