// Times `convert()` of an ONNX file to float32 TFLite: import + optimize + write, and with verification
// against ONNX Runtime (4 seeded samples in LiteRT). The budget: a ResNet-18-sized file under 20 s.
// Run: pnpm exec tsx --conditions borde-source scripts/bench/onnx-convert.ts model.onnx
// (a ResNet-18 with seeded weights: see converter/test/fixtures/onnx/make_fixtures.py's blocks; 46 MB, not kept).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { convert } from '@borde/converter';
import { writeModel } from '@borde/tflite';
import { importOnnxModel } from '../../converter/src/importers/onnx/index.js';
import { optimize } from '../../converter/src/passes/index.js';

tf.enableProdMode();
const path = process.argv[2];
if (!path) {
  console.log('usage: onnx-convert.ts <model.onnx>');
  process.exit(2);
}
let start = performance.now();
const imported = importOnnxModel(new Uint8Array(readFileSync(path)));
const importMs = performance.now() - start;
const bytes = writeModel(optimize(imported.graph));
const floatMs = performance.now() - start;
start = performance.now();
const { report } = await convert(path);
const verifiedMs = performance.now() - start;
console.log(JSON.stringify({
  model: path,
  importMs: Math.round(importMs),
  importOptimizeWriteMs: Math.round(floatMs),
  convertWithVerifyMs: Math.round(verifiedMs),
  outputBytes: bytes.byteLength,
  transposes: report.operators.TRANSPOSE ?? 0,
  maxRelError: report.verify?.maxRelError,
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
