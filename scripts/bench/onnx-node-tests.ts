// The ONNX backend node test cases of Debian's libonnx-testdata (ONNX 1.12, opsets up to 17), run through
// the ONNX importer and LiteRT and compared with each case's own expected outputs. Reports how many of the
// cases whose ops the importer lists pass. Not a test: the package is optional (apt-get install
// libonnx-testdata). Run: pnpm exec tsx --conditions borde-source scripts/bench/onnx-node-tests.ts [filter]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeModel } from '@borde/tflite';
import { ConverterError } from '../../converter/src/errors.js';
import { importOnnxModel } from '../../converter/src/importers/onnx/index.js';
import { invert, permuteConst } from '../../converter/src/importers/onnx/context.js';
import { ONNX_OPS, PASS_THROUGH } from '../../converter/src/importers/onnx/ops/index.js';
import { decodeTensor } from '../../converter/src/importers/onnx/read-model.js';
import { onnxSchema } from '../../converter/src/importers/onnx/schema.js';
import { optimize } from '../../converter/src/passes/index.js';
import { openInterpreter } from '../../converter/src/verify/interpreter.js';
import type { TensorValue } from '../../converter/src/verify/tensor-value.js';

tf.enableProdMode();
const ROOT = '/usr/share/libonnx-testdata/data/node';
if (!existsSync(ROOT)) {
  console.log('libonnx-testdata is not installed (apt-get install libonnx-testdata); nothing to run');
  process.exit(0);
}
const filter = process.argv[2];
const modelType = onnxSchema().lookupType('onnx.ModelProto');
const tensorType = onnxSchema().lookupType('onnx.TensorProto');
type Obj = Record<string, unknown>;

function readTensor(file: string): { name: string; value: TensorValue } {
  const t = tensorType.toObject(tensorType.decode(readFileSync(file)), { longs: Number, arrays: true }) as Obj;
  const c = decodeTensor(t, {});
  return { name: c.name, value: { name: c.name, dtype: c.dtype === 'bool' ? 'bool' : c.dtype, shape: c.shape, data: c.data } as TensorValue };
}

/** The case's model with its inputs after the first turned into initializers (weights given as inputs). */
function withConstantInputs(bytes: Uint8Array, tensors: Uint8Array[]): Uint8Array {
  const model = modelType.decode(bytes) as unknown as { graph: { input: { name: string }[]; initializer: unknown[] } };
  const graph = model.graph;
  tensors.forEach((pb, k) => {
    const t = tensorType.decode(pb) as unknown as { name: string };
    t.name = graph.input[k + 1]!.name;
    graph.initializer.push(t);
  });
  graph.input = graph.input.slice(0, 1);
  return modelType.encode(model as never).finish();
}

interface Outcome { name: string; status: 'pass' | 'mismatch' | 'unsupported' | 'error'; detail?: string; constants?: boolean }

async function runCase(dir: string, name: string): Promise<Outcome> {
  const bytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  const set = join(dir, 'test_data_set_0');
  const inputFiles = readdirSync(set).filter((f) => f.startsWith('input_')).sort((a, b) => Number(a.slice(6, -3)) - Number(b.slice(6, -3)));
  const outputFiles = readdirSync(set).filter((f) => f.startsWith('output_')).sort((a, b) => Number(a.slice(7, -3)) - Number(b.slice(7, -3)));
  const decoded = modelType.toObject(modelType.decode(bytes), { arrays: true }) as { graph: { input: { name: string }[]; output: { name: string }[] } };
  const inputNames = decoded.graph.input.map((i) => i.name);
  const outputNames = decoded.graph.output.map((o) => o.name);
  let model: Uint8Array = bytes;
  let inputs = inputFiles.map((f, k) => ({ ...readTensor(join(set, f)).value, name: inputNames[k]! }));
  let constants = false;
  let imported;
  try {
    imported = importOnnxModel(model);
  } catch (error) {
    if (inputs.length < 2 || !(error instanceof ConverterError)) throw error;
    // Conv/MatMul/... cases pass their weights as inputs; the importer wants weights as initializers.
    model = withConstantInputs(bytes, inputFiles.slice(1).map((f) => new Uint8Array(readFileSync(join(set, f)))));
    inputs = inputs.slice(0, 1);
    constants = true;
    imported = importOnnxModel(model);
  }
  const graph = optimize(imported.graph);
  const interpreter = await openInterpreter(writeModel(graph));
  try {
    const feed = imported.inputs.map((layout) => {
      const v = inputs.find((i) => i.name === layout.name)!;
      if (!layout.perm) return v;
      const c = permuteConst({ name: v.name ?? '', dtype: 'float32', shape: [...v.shape], data: v.data as Float32Array }, layout.perm);
      return { ...v, shape: c.shape, data: c.data } as TensorValue;
    });
    const got = await interpreter.run(feed);
    for (const [k, file] of outputFiles.entries()) {
      const want = readTensor(join(set, file)).value;
      const layout = imported.outputs.find((o) => o.name === outputNames[k]);
      let value = got.find((g) => g.name === outputNames[k]);
      if (!value || !layout) return { name, status: 'mismatch', detail: `no output ${outputNames[k]}`, constants };
      if (layout.perm) {
        const c = permuteConst({ name: '', dtype: 'float32', shape: [...value.shape], data: value.data as Float32Array }, invert(layout.perm));
        value = { ...value, shape: c.shape, data: c.data } as TensorValue;
      }
      if (value.shape.join() !== want.shape.join()) return { name, status: 'mismatch', detail: `shape [${value.shape}] vs [${want.shape}]`, constants };
      let lo = Infinity; let hi = -Infinity; let err = 0;
      for (let i = 0; i < want.data.length; i++) {
        const w = Number(want.data[i]); const g = Number(value.data[i]);
        lo = Math.min(lo, w); hi = Math.max(hi, w);
        err = Math.max(err, Number.isNaN(w) && Number.isNaN(g) ? 0 : Math.abs(w - g));
      }
      const tolerance = 1e-5 * Math.max(hi - lo, 1) + 1e-6;
      if (!(err <= Math.max(tolerance, 1e-4 * Math.max(Math.abs(hi), Math.abs(lo))))) return { name, status: 'mismatch', detail: `output ${outputNames[k]}: max abs error ${err.toExponential(2)} (range ${(hi - lo).toPrecision(3)})`, constants };
    }
    return { name, status: 'pass', constants };
  } finally {
    interpreter.close();
  }
}

const supported = new Set([...Object.keys(ONNX_OPS), ...PASS_THROUGH]);
const outcomes: Outcome[] = [];
let outOfScope = 0;
for (const name of readdirSync(ROOT).sort()) {
  if (filter && !name.includes(filter)) continue;
  const dir = join(ROOT, name);
  if (!existsSync(join(dir, 'model.onnx')) || !existsSync(join(dir, 'test_data_set_0'))) continue;
  const m = modelType.toObject(modelType.decode(readFileSync(join(dir, 'model.onnx'))), { arrays: true }) as { graph: { node: { op_type: string; domain?: string }[] } };
  if (!m.graph.node.every((n) => !n.domain && supported.has(n.op_type))) {
    outOfScope++;
    continue;
  }
  try {
    outcomes.push(await runCase(dir, name));
  } catch (error) {
    const unsupported = error instanceof ConverterError;
    outcomes.push({ name, status: unsupported ? 'unsupported' : 'error', detail: (error as Error).message.split('\n').slice(0, 3).join(' ') });
  }
}
const count = (s: Outcome['status']): number => outcomes.filter((o) => o.status === s).length;
console.log(`libonnx-testdata node cases whose ops the importer lists: ${outcomes.length} (${outOfScope} others skipped)`);
console.log(`pass ${count('pass')} (${outcomes.filter((o) => o.status === 'pass' && o.constants).length} with weights given as initializers), ` +
  `refused ${count('unsupported')}, mismatch ${count('mismatch')}, error ${count('error')}`);
for (const o of outcomes.filter((x) => x.status !== 'pass')) console.log(`  ${o.status.padEnd(11)} ${o.name}: ${o.detail ?? ''}`);
if (process.env.ONNX_NODE_TESTS_JSON) writeFileSync(process.env.ONNX_NODE_TESTS_JSON, JSON.stringify(outcomes, null, 1));
