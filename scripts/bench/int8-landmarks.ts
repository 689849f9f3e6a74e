// `pnpm bench:int8` (issue #10, item 4): MediaPipe's pose_landmark_full and hand_landmark_full and the
// face_detection_short_range detector quantized to int8 (mixed precision where the budget needs it) and to
// int16x8, judged within the default quality budget on held-out real photos fed the way their pipelines
// feed them: landmark models get square crops around a person or a hand (hand-checked boxes, enlarged as
// MediaPipe's ROI steps enlarge the detector's box), the detector gets the whole frame letterboxed. Calibrated
// on three photos, judged on two others (people-photos.ts). Prints the table: budget verdict, ops moved out of
// int8, size, LiteRT latency. Exit 1 when a model cannot be served in int8 (or mixed) within the budget, or
// only by a "mixed" file that kept so much float that it is over half the float32 size.
import { join } from 'node:path';
import { convert, type ConvertOptions, type ConvertReport, type TensorValue } from '@borde/converter';
import { modelLatencyMs } from '../../converter/src/quantize/op-latency.js';
import { CORPUS } from '../corpus/corpus.js';
import { fetchPackage } from '../corpus/fetch.js';
import { CALIBRATION_PHOTOS, PHOTOS, jitteredCrops, loadPhoto, type PeoplePhoto } from './people-photos.js';

interface BenchModel {
  name: string;
  pkg: string;
  file: string;
  input: string;
  size: number;
  range: [number, number];
  /** Outputs the app passes through a sigmoid (presence / detection logits). */
  logits: string[];
  /** Square crops of one photo, `count` jittered variants per box. */
  crops: (photo: PeoplePhoto, image: Awaited<ReturnType<typeof loadPhoto>>, count: number, seed: number) => Float32Array[];
}

const MODELS: BenchModel[] = [
  {
    name: 'pose_landmark_full', pkg: '@mediapipe/pose', file: 'pose_landmark_full.tflite', input: 'input_1', size: 256, range: [0, 1],
    logits: ['Identity_1'],
    // The pose ROI is a square around the body, 1.25x its extent (MediaPipe's pose detection-to-ROI scale).
    crops: (photo, image, count, seed) => photo.people.flatMap(([x0, y0, x1, y1], k) =>
      jitteredCrops(image, (x0 + x1) / 2, (y0 + y1) / 2, 1.25 * Math.max(x1 - x0, y1 - y0), 256, count, seed + k, [0, 1])),
  },
  {
    name: 'hand_landmark_full', pkg: '@mediapipe/hands', file: 'hand_landmark_full.tflite', input: 'input_1', size: 224, range: [0, 1],
    logits: [],
    // The hand ROI is about twice the hand (MediaPipe enlarges the palm box 2.6x; the palm is ~0.8 of the hand).
    crops: (photo, image, count, seed) => photo.hands.flatMap(([cx, cy, s], k) => jitteredCrops(image, cx, cy, 2.1 * s, 224, count, seed + k, [0, 1])),
  },
  {
    name: 'face_detection_short_range', pkg: '@mediapipe/face_detection', file: 'face_detection_short_range.tflite', input: 'input', size: 128, range: [-1, 1],
    logits: ['classificators'],
    // The detector sees the whole frame, letterboxed to a square (then zoomed variants, as a camera frames it).
    crops: (_photo, image, count, seed) =>
      jitteredCrops(image, image.width / 2, image.height / 2, Math.max(image.width, image.height), 128, count, seed, [-1, 1]),
  },
];

const VARIANTS = 4;
/** The largest quantized/float32 size ratio still counted as served by int8 (all-int8 files are ~0.25-0.45). */
const MAX_SIZE_RATIO = 0.5;

interface Row {
  model: string;
  mode: string;
  written: boolean;
  report: ConvertReport;
  latencyMs: { float: number; quantized: number };
  seconds: number;
}

async function samples(model: BenchModel, calibration: boolean): Promise<TensorValue[][]> {
  const out: TensorValue[][] = [];
  for (const [p, photo] of PHOTOS.entries()) {
    if (CALIBRATION_PHOTOS.has(photo.name) !== calibration) continue;
    for (const data of model.crops(photo, await loadPhoto(photo), VARIANTS, 100 * p + 1)) {
      out.push([{ name: model.input, dtype: 'float32', shape: [1, model.size, model.size, 3], data }]);
    }
  }
  return out;
}

async function run(model: BenchModel, mode: 'int8' | 'int16x8'): Promise<Row> {
  const pkg = CORPUS.find((c) => c.spec.startsWith(`${model.pkg}@`))!;
  const path = join(fetchPackage(pkg), model.file);
  const calibration = await samples(model, true);
  const judged = await samples(model, false);
  // allowDegraded: the CLI would refuse (QUALITY_BUDGET, exit 1) a model over budget; the bench wants its table.
  const options: ConvertOptions = { quantize: mode, calibration, evalData: { samples: judged }, logitOutputs: model.logits, verify: false, allowDegraded: true };
  const start = performance.now();
  const { bytes, report } = await convert(path, { ...options, onProgress: (e) => process.env.BORDE_BENCH_VERBOSE && console.error(`  ${model.name} ${mode}: ${e.step} ${e.message}`) });
  const seconds = (performance.now() - start) / 1000;
  const float = await convert(path, { verify: false });
  const latencyMs = { float: await modelLatencyMs(float.bytes, judged[0]!), quantized: await modelLatencyMs(bytes, judged[0]!) };
  // A "mixed" file that kept most of the model float (over half the float32 size) is float in disguise: int8
  // did not serve that model, whatever its budget says.
  const served = report.quantization!.budget!.passed && report.outputBytes <= MAX_SIZE_RATIO * report.float32Bytes;
  return { model: model.name, mode, written: served, report, latencyMs, seconds };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

function print(rows: Row[]): void {
  console.log('\nmodel                       mode      budget   moved out of int8      size float32 -> file     LiteRT ms float/quant  worst output (mean, p99 of range)  s');
  for (const r of rows) {
    const q = r.report.quantization!;
    const kept = q.mixedPrecision?.kept ?? [];
    const int16 = kept.filter((k) => k.precision === 'int16').length;
    const moved = `${q.floatOps.length} float, ${int16} int16`;
    const worst = [...q.evaluation!.outputs].sort((a, b) => b.meanError / 0.02 + b.p99Error / 0.1 - a.meanError / 0.02 - a.p99Error / 0.1)[0]!;
    console.log([
      r.model.padEnd(27), r.mode.padEnd(9), (r.written ? 'met' : q.budget!.passed ? 'FLOAT' : 'MISSED').padEnd(8), moved.padEnd(22),
      `${kib(r.report.float32Bytes)} -> ${kib(r.report.outputBytes)}`.padEnd(24),
      `${r.latencyMs.float.toFixed(1)} / ${r.latencyMs.quantized.toFixed(1)}`.padEnd(22),
      `${worst.name} ${worst.meanError.toFixed(4)}, ${worst.p99Error.toFixed(4)}`.padEnd(34), r.seconds.toFixed(0),
    ].join(' '));
    for (const k of kept) console.log(`    -> ${k.precision}: ${k.opcode} '${k.name}'${k.sqnrDropDb !== undefined ? ` (lost ${k.sqnrDropDb.toFixed(1)} dB)` : ''}`);
    for (const f of q.floatOps.filter((f) => !kept.some((k) => k.index === f.index))) console.log(`    -> float: ${f.opcode} '${f.name}': ${f.reason}`);
    if (!r.written || process.env.BORDE_BENCH_VERBOSE) {
      for (const o of q.evaluation!.outputs) {
        console.log(`    ${o.name}: range ${o.range.toPrecision(3)}, SQNR ${o.sqnrDb.toFixed(1)} dB, mean ${o.meanError.toFixed(4)}, p99 ${o.p99Error.toFixed(4)}, max ${o.maxError.toFixed(4)}` +
          (o.decisionStep !== undefined ? `, decision step ${o.decisionStep.toFixed(4)}` : ''));
      }
      for (const m of q.budget!.misses) console.log(`    miss: ${m.output} ${m.measure} ${m.value.toFixed(4)} > ${m.limit}`);
    }
  }
  console.log('\nbudget: met; MISSED (over the default budget even after the mixed-precision search); FLOAT (within budget only ' +
    `with so many ops float that the file is over ${MAX_SIZE_RATIO}x float32: not served by int8)`);
  console.log(`judged on ${PHOTOS.filter((p) => !CALIBRATION_PHOTOS.has(p.name)).map((p) => p.name).join(', ')} ` +
    `(calibrated on ${[...CALIBRATION_PHOTOS].join(', ')}), ${VARIANTS} jittered crops per box; LiteRT median ms per run on one crop`);
}

// `pnpm bench:int8 [model] [int8|int16x8]`: one model or all, one mode or both.
const [only, onlyMode] = process.argv.slice(2);
const rows: Row[] = [];
for (const model of MODELS.filter((m) => !only || m.name === only)) {
  for (const mode of (['int8', 'int16x8'] as const).filter((m) => !onlyMode || m === onlyMode)) {
    rows.push(await run(model, mode));
    console.error(`${model.name} ${mode}: ${rows.at(-1)!.written ? 'within budget' : 'over budget'} (${rows.at(-1)!.seconds.toFixed(0)} s)`);
    print(rows.slice(-1));
  }
}
console.log('\n== all');
print(rows);
// A model int8 cannot serve within the budget, even with mixed precision, is a failure of this proof.
if (rows.some((r) => r.mode === 'int8' && !r.written)) process.exit(1);
