// One conversion to int8 of the Fashion-MNIST CNN (calibrated on Fashion-MNIST) or of a MobileNetV2-class
// model (`mobilenet`: calibrated on crops of the shipped photo), verify included for MobileNet, run in its
// own process so its peak memory (max RSS) is its own. Prints one JSON line:
// { model, method, search, ms, cpuMs, maxRssMb, sizeRatio, agreement, parameters, phases }.
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
// The MobileNet rows are the whole `borde convert` (verify included), as issue #9 times it; `no-search` turns
// the mixed-precision search off (and writes the model even if it misses the budget), as issue #10 asks.
// Each progress event starts a phase: its wall and CPU time go in `phases` (BORDE_BENCH_PHASES=1 also
// prints the events on stderr as they come).
const search = process.argv[5] !== 'no-search';
const echo = process.env.BORDE_BENCH_PHASES === '1';
const cpuStart = process.cpuUsage();
const cpuMsNow = () => {
  const c = process.cpuUsage(cpuStart);
  return (c.user + c.system) / 1000;
};
const phases: Record<string, { ms: number; cpuMs: number }> = {};
let open: { name: string; ms: number; cpuMs: number } | undefined;
const closePhase = () => {
  if (!open) return;
  const p = (phases[open.name] ??= { ms: 0, cpuMs: 0 });
  p.ms += performance.now() - open.ms;
  p.cpuMs += cpuMsNow() - open.cpuMs;
};
const onProgress = (e: { step: string; message: string }) => {
  if (echo) process.stderr.write(`${((performance.now() - start) / 1000).toFixed(1)} s ${e.step}: ${e.message}\n`);
  closePhase();
  open = { name: phaseOf(e), ms: performance.now(), cpuMs: cpuMsNow() };
};
const { report } = await convert(model, {
  quantize: 'int8', calibration, calibrationMethod: method, verify: which === 'mobilenet', onProgress,
  ...(search ? {} : { mixedPrecision: false, allowDegraded: true }),
});
closePhase();
const cpuMs = cpuMsNow();
const ms = performance.now() - start;
console.log(JSON.stringify({
  model: which,
  parameters: report.parameters,
  method,
  samples,
  search,
  searchRounds: report.quantization?.mixedPrecision?.rounds ?? 0,
  ms: Math.round(ms),
  // CPU time of this process: on a shared, oversubscribed machine wall time is not the model's own.
  cpuMs: Math.round(cpuMs),
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  sizeRatio: Number(report.sizeRatio.toFixed(4)),
  agreement: report.quantization?.evaluation?.agreement,
  phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, { ms: Math.round(v.ms), cpuMs: Math.round(v.cpuMs) }])),
}));

/** The bench's name for the phase a progress event starts. */
function phaseOf(e: { step: string; message: string }): string {
  if (e.step === 'optimize') return 'optimize';
  if (e.step === 'data') return 'load data';
  if (e.step === 'verify') return 'verify float vs source';
  if (e.step === 'write') return 'write + check';
  if (e.step === 'evaluate') {
    if (e.message.includes('mixed precision')) return 'mixed-precision search';
    if (e.message.includes('per-layer')) return 'per-layer SQNR';
    return 'evaluate int8 vs float';
  }
  return e.step;
}
