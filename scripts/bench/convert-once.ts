// One conversion to int8 of the Fashion-MNIST CNN (calibrated on Fashion-MNIST) or of a MobileNetV2-class
// model (`mobilenet`: calibrated on crops of the shipped photo), verify included for MobileNet, run in its
// own process so its peak memory (max RSS) is its own. Prints one JSON line:
// { model, method, ms, maxRssMb, sizeRatio, agreement, parameters }.
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { convert, type ModelInput, type TensorValue } from '@borde/converter';
import { photoCrops } from '../corpus/photo-crops.js';
import { mobileNetV2ModelJson } from './mobilenet-v2.js';
import { loadFashionMnist } from '@borde/models';
import type { CalibrationMethod } from '../../converter/src/quantize/calibrate.js';

tf.enableProdMode(); // no tfjs-node banner in the table
const method = (process.argv[2] ?? 'minmax') as CalibrationMethod;
const samples = Number(process.argv[3] ?? 200);
const which = process.argv[4] ?? 'fashion';

let model: string;
let calibration: TensorValue[][] | ((inputs: ModelInput[]) => Promise<TensorValue[][]>);
if (which === 'mobilenet') {
  model = await mobileNetV2ModelJson();
  calibration = (inputs) => photoCrops(inputs, samples);
} else {
  model = fileURLToPath(new URL('../../models/fashion-mnist/tfjs/model.json', import.meta.url));
  const train = loadFashionMnist('train');
  const pixels = 28 * 28;
  calibration = Array.from({ length: samples }, (_, i) => [{
    dtype: 'float32' as const,
    shape: [1, 28, 28, 1],
    data: train.images.slice(i * pixels, (i + 1) * pixels),
  }]);
}

const start = performance.now();
// The MobileNet row is the whole `borde convert` (verify included), as issue #9 times it.
// Phase times go to stderr (BORDE_BENCH_PHASES=1), to see where the time goes.
const phases = process.env.BORDE_BENCH_PHASES === '1';
const cpuStart = process.cpuUsage();
const onProgress = (e: { step: string; message: string }) => {
  if (phases) process.stderr.write(`${((performance.now() - start) / 1000).toFixed(1)} s ${e.step}: ${e.message}\n`);
};
const { report } = await convert(model, { quantize: 'int8', calibration, calibrationMethod: method, verify: which === 'mobilenet', onProgress });
const cpu = process.cpuUsage(cpuStart);
const ms = performance.now() - start;
console.log(JSON.stringify({
  model: which,
  parameters: report.parameters,
  method,
  samples,
  ms: Math.round(ms),
  // CPU time of this process: on a shared, oversubscribed machine wall time is not the model's own.
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  sizeRatio: Number(report.sizeRatio.toFixed(4)),
  agreement: report.quantization?.evaluation?.agreement,
}));
