// `pnpm demo`, step 3: the int8 Fashion-MNIST file as an npm package (`borde pack`), then used the way an
// app would: `load()` from the generated wrapper, inputs and outputs by name, labels mapped.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '@borde/models';

interface PackedModel {
  engine: string;
  backend: string;
  run(inputs: { image: Float32Array }): Promise<{ probabilities: { top(k: number): { label: string; score: number }[] } }>;
  dispose(): void;
}

export async function packStep(borde: string, work: string, int8Path: string, report: unknown): Promise<void> {
  const labels = join(work, 'fashion-mnist-labels.txt');
  const reportPath = join(work, 'fashion-mnist-int8.report.json');
  const dir = join(work, 'fashion-mnist-package');
  writeFileSync(labels, `${FASHION_MNIST_CLASSES.join('\n')}\n`);
  writeFileSync(reportPath, JSON.stringify(report, null, 2));
  const args = ['pack', int8Path, '--name', '@demo/fashion-mnist', '--version', '1.0.0', '--labels', labels, '--report', reportPath, '-o', dir, '--tgz'];
  console.log(`$ borde ${args.map((a) => a.replace(`${work}/`, '.demo/')).join(' ')}`);
  execFileSync(process.execPath, [borde, ...args], { stdio: 'inherit' });

  const { load } = (await import(pathToFileURL(join(dir, 'index.js')).href)) as { load(): Promise<PackedModel> };
  const model = await load();
  const test = loadFashionMnist('test');
  console.log(`import { load } from '@demo/fashion-mnist'; (${model.engine}/${model.backend}, sha256 checked)`);
  for (let i = 0; i < 3; i++) {
    const image = test.images.slice(i * 784, (i + 1) * 784);
    const { probabilities } = await model.run({ image });
    const top = probabilities.top(2).map((t) => `${t.label} ${(100 * t.score).toFixed(1)}%`).join(', ');
    console.log(`  test image ${i} (truly ${FASHION_MNIST_CLASSES[test.labels[i]!]}): ${top}`);
  }
  model.dispose();
}
