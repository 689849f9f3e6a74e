// `tsx --conditions borde-source scripts/bench/savedmodel-import.ts [saved_model dirs...]`: time to read and
// import TensorFlow SavedModels (protobuf decode, checkpoint read with CRC-32C, inlining, op table) and
// to optimize the result, median of 5 runs after one warm-up, in this process. Default: the fixtures.
import { fileURLToPath } from 'node:url';
import { importSavedModel, readSavedModelFolder } from '../../converter/src/importers/savedmodel/index.js';
import { optimize } from '../../converter/src/passes/index.js';

const fixtures = fileURLToPath(new URL('../../converter/test/fixtures/', import.meta.url));
const dirs = process.argv.length > 2
  ? process.argv.slice(2)
  : ['keras/bcw-tutorial', 'keras/small-cnn', 'keras/two-in-two-out', 'savedmodel/tf-module', 'savedmodel/app-blocks'].map((d) => `${fixtures}${d}/saved_model`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log('SavedModel                      pb bytes   import (ms)   optimize (ms)   operators');
for (const dir of dirs) {
  const files = await readSavedModelFolder(dir);
  const importMs: number[] = [];
  const optimizeMs: number[] = [];
  let operators = 0;
  for (let run = 0; run < 6; run++) {
    const t0 = performance.now();
    const graph = importSavedModel(files);
    const t1 = performance.now();
    operators = optimize(graph).subgraphs[0]!.operators.length;
    const t2 = performance.now();
    if (run > 0) {
      importMs.push(t1 - t0);
      optimizeMs.push(t2 - t1);
    }
  }
  const name = dir.replace(fixtures, '').replace(/\/saved_model\/?$/, '');
  console.log(`${name.padEnd(30)} ${String(files.get('saved_model.pb')!.byteLength).padStart(9)}   ${median(importMs).toFixed(0).padStart(11)}   ${median(optimizeMs).toFixed(0).padStart(13)}   ${String(operators).padStart(9)}`);
}
