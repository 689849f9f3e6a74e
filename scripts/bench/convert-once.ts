// One conversion of the Fashion-MNIST CNN to int8, run in its own process so its peak memory (max RSS) is
// its own. Prints one JSON line: { method, ms, maxRssMb, sizeRatio, agreement }.
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { convert } from '@borde/converter';
import { loadFashionMnist } from '@borde/models';
import type { CalibrationMethod } from '../../converter/src/quantize/calibrate.js';

tf.enableProdMode(); // no tfjs-node banner in the table
const method = (process.argv[2] ?? 'minmax') as CalibrationMethod;
const samples = Number(process.argv[3] ?? 200);
const model = fileURLToPath(new URL('../../models/fashion-mnist/tfjs/model.json', import.meta.url));

const train = loadFashionMnist('train');
const pixels = 28 * 28;
const calibration = Array.from({ length: samples }, (_, i) => [{
  dtype: 'float32' as const,
  shape: [1, 28, 28, 1],
  data: train.images.slice(i * pixels, (i + 1) * pixels),
}]);

const start = performance.now();
const { report } = await convert(model, { quantize: 'int8', calibration, calibrationMethod: method, verify: false });
const ms = performance.now() - start;
console.log(JSON.stringify({
  method,
  samples,
  ms: Math.round(ms),
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  sizeRatio: Number(report.sizeRatio.toFixed(4)),
  agreement: report.quantization?.evaluation?.agreement,
}));
