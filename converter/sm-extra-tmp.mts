import { readFileSync, readdirSync } from 'node:fs';
import { writeModel } from '@borde/tflite';
import { openLiteRtModel } from '@borde/runtime/node';
import { readSavedModelFolder, importSavedModel } from './src/importers/savedmodel/index.ts';
import { optimize } from './src/passes/index.ts';
import { parseNpy } from './src/calibration/npy.ts';
import { compareTensors } from './src/verify/compare.ts';
for (const name of process.argv.slice(2)) {
  const dir = `/tmp/sm-extra/${name}`;
  try {
    const t = performance.now();
    const g = optimize(importSavedModel(await readSavedModelFolder(`${dir}/saved_model`)));
    const ms = performance.now() - t;
    const x = parseNpy(readFileSync(`${dir}/input_0.npy`), 'x');
    const y = parseNpy(readFileSync(`${dir}/output_0.npy`), 'y');
    const m = await openLiteRtModel(writeModel(g));
    const batch = x.shape[0]!; const size = x.data.length / batch;
    const got: number[] = [];
    for (let r = 0; r < batch; r++) {
      const [out] = await m.run([{ dtype: 'float32', shape: [1, ...x.shape.slice(1)], data: Float32Array.from(Array.prototype.slice.call(x.data, r * size, (r + 1) * size)) }]);
      got.push(...(out!.data as Float32Array));
    }
    const c = compareTensors({ dtype: 'float32', shape: y.shape, data: Float32Array.from(got) }, { dtype: 'float32', shape: y.shape, data: Float32Array.from(y.data) });
    const ops: Record<string, number> = {};
    for (const o of g.subgraphs[0]!.operators) ops[o.opcode] = (ops[o.opcode] ?? 0) + 1;
    console.log(name, `import+optimize ${ms.toFixed(0)} ms`, 'maxRel', c.maxRelError.toExponential(2), JSON.stringify(ops));
  } catch (e) {
    console.log(name, 'ERROR', (e as Error).message.slice(0, 800));
  }
}
