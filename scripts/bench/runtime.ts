// `pnpm bench:runtime`: one run, side by side, in Chromium and in Node, for each benchmark model: Borde auto,
// Borde on each engine/backend, the raw interpreters, and tfjs on the original model; load time, first
// run, median and p90 of warm runs. Writes bench-results/runtime.json and prints the two ratios issue #5
// sets targets for: Borde auto / fastest raw engine (<= 1.05) and int8 / float32 on the wasm interpreter
// (< 0.7), and the share of a run that the default finite-input scan costs on the face detector (< 0.02,
// issue #13). A missed target is printed as missed; nothing here tunes the numbers.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openChromiumBench } from './runtime-browser.js';
import { prepareBenchModels, type BenchModel } from './runtime-models.js';
import { RAW_ENGINE_ROWS, ROWS, type Platform, type RowJob, type RowSpec } from './runtime-rows.js';
import { measureWorkerRoundTrips, printWorkerRoundTrips, type WorkerRoundTrip } from './worker-round-trip.js';
import { PAIRED_TIMING, TIMING, describeFailure, pairedRatio, type PairedResult, type RowResult } from './runtime-timing.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = join(root, 'bench-results');
const nodeRowScript = fileURLToPath(new URL('./runtime-node-row.ts', import.meta.url));
const NODE_ROW_TIMEOUT_MS = 90_000;
const PLATFORMS: readonly Platform[] = ['chromium', 'node'];
/** tfjs-tflite requests its glue next to the script the moment it is evaluated (ENVIRONMENT.md). */
const PRELOAD_MISS = /^\/app\/tflite_web_api_cc(_simd)?(_threaded)?\.js$/;

type Cell = RowResult | { ok: false; error: string; notApplicable: true };
type Results = Record<string, Record<Platform, Record<string, Cell>>>;

const notes: string[] = [];
const note = (line: string) => {
  notes.push(line);
  console.log(`  ${line}`);
};

async function nodeRow<T extends RowResult | PairedResult>(job: RowJob | { paired: RowJob[] }): Promise<T> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'borde-source', nodeRowScript, JSON.stringify(job)],
      { cwd: root, timeout: NODE_ROW_TIMEOUT_MS, maxBuffer: 16 << 20 },
    );
    return JSON.parse(stdout.trim().split('\n').pop()!) as T;
  } catch (error) {
    const e = error as { killed?: boolean; stderr?: string };
    if (e.killed) return { ok: false, error: `timed out after ${NODE_ROW_TIMEOUT_MS / 1000} s` } as T;
    const said = e.stderr?.trim().split('\n').filter(Boolean).pop();
    return { ok: false, error: said ? said.slice(0, 300) : describeFailure(error) } as T;
  }
}

const applies = (spec: RowSpec, model: BenchModel) => !spec.needsOriginal || model.originalDir !== undefined;

function fmt(ms: number): string {
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

function cellText(cell: Cell | undefined): string {
  if (!cell) return '-'.padStart(36);
  if (!cell.ok) {
    const text = 'notApplicable' in cell ? `n/a: ${cell.error}` : `FAILED: ${cell.error}`;
    return text.length > 36 ? `${text.slice(0, 35)}…` : text.padEnd(36);
  }
  return [cell.loadMs, cell.firstRunMs, cell.medianMs, cell.p90Ms].map((v) => fmt(v).padStart(8)).join(' ') + ' ';
}

function printTable(model: BenchModel, results: Results): void {
  const byPlatform = results[model.id]!;
  console.log(`\n${model.network}, ${model.precision} (${model.bytes.toLocaleString('en')} B; ${model.id}.tflite)`);
  const head = ['load', 'first', 'median', 'p90'].map((h) => h.padStart(8)).join(' ');
  console.log(`${''.padEnd(31)}| ${'Chromium (ms)'.padEnd(36)}| Node (ms)`);
  console.log(`${'row'.padEnd(31)}| ${head} | ${head}`);
  for (const spec of ROWS) {
    if (!applies(spec, model)) continue;
    console.log(`${spec.label.padEnd(31)}| ${cellText(byPlatform.chromium[spec.id])}| ${cellText(byPlatform.node[spec.id])}`);
  }
  const chose = PLATFORMS.map((p) => {
    const auto = byPlatform[p]['auto'];
    return `${p} ${auto?.ok ? auto.chosen : 'failed'}`;
  });
  console.log(`Borde auto chose: ${chose.join('; ')}`);
}

interface Ratio {
  kind: 'auto-vs-fastest-raw' | 'same-engine' | 'int8-vs-float32' | 'noise-gauge' | 'finite-scan-share';
  platform: Platform;
  subject: string;
  numerator: string;
  denominator: string;
  value: number;
  /** value: median over rounds of the per-round ratio. medianMs: each runner's own median, for scale. */
  medianMs: [number, number];
  target?: number;
  met?: boolean;
  /** auto-vs-fastest-raw: the engine/backend auto chose for this model (does the ranking pick the fastest?). */
  chosen?: string;
  /** Set instead of `met` when identical code differed by more than NOISE_LIMIT and by more than the ratio's distance to its target. */
  inconclusive?: string;
}

/** Beyond this deviation of the noise gauge from 1, a ratio within that deviation of its target is not judged. */
const NOISE_LIMIT = 0.05;

/** One interleaved measurement: which runners (label + job), and what came of it. */
interface PairedSet {
  purpose: 'overhead' | 'int8-vs-float32' | 'finite-scan';
  platform: Platform;
  subject: string;
  labels: string[];
  result?: PairedResult;
}

const bordeRow = (backend: string): RowJob['row'] => ({ kind: 'borde', backend });

/** The runners each ratio compares, loaded together and timed in interleaved rounds. */
function pairedSets(models: readonly BenchModel[]): { set: PairedSet; jobs: (platform: Platform) => { label: string; row: RowJob['row']; model: BenchModel }[] }[] {
  const sets: ReturnType<typeof pairedSets> = [];
  for (const model of models) {
    for (const platform of PLATFORMS) {
      const runners = platform === 'chromium'
        ? [['auto', bordeRow('auto')], ['raw-tfjs-tflite', { kind: 'raw-tfjs-tflite' }], ['raw-litert', { kind: 'raw-litert' }], ['tfjs-tflite', bordeRow('tfjs-tflite')], ['litert-wasm', bordeRow('litert-wasm')]] as const
        : [['auto', bordeRow('auto')], ['raw-litert', { kind: 'raw-litert' }], ['litert-wasm', bordeRow('litert-wasm')]] as const;
      sets.push({
        set: { purpose: 'overhead', platform, subject: model.id, labels: runners.map(([label]) => label) },
        jobs: () => runners.map(([label, row]) => ({ label, row, model })),
      });
    }
  }
  // checkInputs: 'finite' (the default) scans every float input of every run: its time beside a run of auto
  // on the face detector (the kiosk's model, float and int8: both take float pixels).
  for (const model of models.filter((m) => m.id.startsWith('face-detection'))) {
    for (const platform of PLATFORMS) {
      const runners = [['auto', bordeRow('auto')], ['finite-scan', { kind: 'finite-scan' }]] as const;
      sets.push({
        set: { purpose: 'finite-scan', platform, subject: model.id, labels: runners.map(([label]) => label) },
        jobs: () => runners.map(([label, row]) => ({ label, row, model })),
      });
    }
  }
  for (const network of [...new Set(models.map((m) => m.network))]) {
    // The float file of the network: float32, or MediaPipe's float16 weights (float arithmetic at run time).
    const f32 = models.find((m) => m.network === network && m.precision !== 'int8');
    const i8 = models.find((m) => m.network === network && m.precision === 'int8');
    if (!f32 || !i8) continue;
    for (const platform of PLATFORMS) {
      const backends = platform === 'chromium' ? ['tfjs-tflite', 'litert-wasm'] : ['litert-wasm'];
      const runners = backends.flatMap((backend) => [
        { label: `float32 ${backend}`, row: bordeRow(backend), model: f32 },
        { label: `int8 ${backend}`, row: bordeRow(backend), model: i8 },
      ]);
      sets.push({ set: { purpose: 'int8-vs-float32', platform, subject: network, labels: runners.map((r) => r.label) }, jobs: () => runners });
    }
  }
  return sets;
}

function ratios(sets: readonly PairedSet[]): Ratio[] {
  const out: Ratio[] = [];
  for (const set of sets) {
    if (!set.result?.ok) continue;
    const { medianMs: medians, samplesMs } = set.result;
    const m = (label: string) => {
      const i = set.labels.indexOf(label);
      return i >= 0 ? medians[i] : undefined;
    };
    const push = (kind: Ratio['kind'], numerator: string, denominator: string, target?: number) => {
      const a = m(numerator);
      const b = m(denominator);
      if (a === undefined || b === undefined) return;
      const value = pairedRatio(samplesMs[set.labels.indexOf(numerator)]!, samplesMs[set.labels.indexOf(denominator)]!);
      const met = target === undefined ? undefined : kind === 'int8-vs-float32' || kind === 'finite-scan-share' ? value < target : value <= target;
      out.push({ kind, platform: set.platform, subject: set.subject, numerator, denominator, value, medianMs: [a, b], ...(target === undefined ? {} : { target, met }) });
    };
    if (set.purpose === 'overhead') {
      const fastestRaw = RAW_ENGINE_ROWS.filter((id) => m(id) !== undefined).sort((x, y) => m(x)! - m(y)!)[0];
      if (fastestRaw) {
        push('auto-vs-fastest-raw', 'auto', fastestRaw, 1.05);
        const chosen = set.result.chosen[set.labels.indexOf('auto')];
        const last = out[out.length - 1];
        if (chosen && last?.kind === 'auto-vs-fastest-raw' && last.subject === set.subject) last.chosen = chosen;
      }
      push('same-engine', 'tfjs-tflite', 'raw-tfjs-tflite');
      push('same-engine', 'litert-wasm', 'raw-litert');
      // auto loads the very engine of one of the Borde rows: their ratio shows how far apart identical
      // code lands on this machine right now, the resolution every other ratio has.
      const autoTwin = set.result.chosen[set.labels.indexOf('auto')]?.split(' ')[0]!.split('/')[1];
      if (autoTwin && autoTwin !== 'auto' && set.labels.includes(autoTwin)) push('noise-gauge', 'auto', autoTwin);
    } else if (set.purpose === 'finite-scan') {
      push('finite-scan-share', 'finite-scan', 'auto', 0.02);
    } else {
      for (const backend of ['tfjs-tflite', 'litert-wasm']) push('int8-vs-float32', `int8 ${backend}`, `float32 ${backend}`, 0.7);
    }
  }
  // Judge a target only where identical code agreed within NOISE_LIMIT: per measurement where it has a gauge,
  // otherwise (int8 sets) the platform's worst gauge.
  const gauges = out.filter((r) => r.kind === 'noise-gauge');
  for (const r of out) {
    if (r.target === undefined) continue;
    const own = gauges.filter((g) => g.platform === r.platform && (r.kind === 'int8-vs-float32' || g.subject === r.subject));
    const worst = own.reduce((w, g) => Math.max(w, Math.abs(g.value - 1)), 0);
    // Only a verdict the noise could flip is withheld: a ratio further from its target than the gauge's
    // deviation stands.
    if (worst > NOISE_LIMIT && Math.abs(r.value / r.target - 1) <= worst) {
      delete r.met;
      r.inconclusive = `identical code differed by ${(100 * worst).toFixed(0)}% in ${r.kind === 'int8-vs-float32' ? 'this platform\'s measurements' : 'this measurement'}`;
    }
  }
  return out;
}

function printRatios(list: readonly Ratio[], sets: readonly PairedSet[]): void {
  const verdict = (r: Ratio) => (r.target === undefined ? '' : `  target ${r.kind === 'int8-vs-float32' || r.kind === 'finite-scan-share' ? '<' : '<='} ${r.target}: ${r.inconclusive ? `inconclusive (${r.inconclusive})` : r.met ? 'met' : 'NOT MET'}`);
  const ms = (r: Ratio) => `${fmt(r.medianMs[0])} / ${fmt(r.medianMs[1])} ms`;
  console.log('\nRatios: the runners of each line loaded together in one page/process and sampled in turn (A B, B A, ...);' +
    '\nthe ratio is the median of the per-round ratios (medians in parentheses for scale):');
  console.log('Borde auto / fastest raw engine (target <= 1.05: the runtime adds no cost):');
  for (const r of list.filter((x) => x.kind === 'auto-vs-fastest-raw')) {
    console.log(`  ${r.subject.padEnd(28)} ${r.platform.padEnd(8)} ${r.value.toFixed(3)}  (${ms(r)}, auto chose ${r.chosen ?? '?'} vs ${r.denominator})${verdict(r)}`);
  }
  console.log('Same interpreter, Borde / raw (what Borde\'s own layer costs):');
  for (const r of list.filter((x) => x.kind === 'same-engine')) {
    console.log(`  ${r.subject.padEnd(28)} ${r.platform.padEnd(8)} ${`${r.numerator} / ${r.denominator}`.padEnd(30)} ${r.value.toFixed(3)}  (${ms(r)})`);
  }
  console.log('Noise gauge, Borde auto / the Borde row running the same engine (identical code; 1.000 on a quiet machine):');
  for (const r of list.filter((x) => x.kind === 'noise-gauge')) {
    console.log(`  ${r.subject.padEnd(28)} ${r.platform.padEnd(8)} ${`auto / ${r.denominator}`.padEnd(30)} ${r.value.toFixed(3)}  (${ms(r)})`);
  }
  console.log('int8 / float32 of the same network on Borde\'s wasm interpreters (target < 0.7):');
  for (const r of list.filter((x) => x.kind === 'int8-vs-float32')) {
    console.log(`  ${r.subject.padEnd(20)} ${r.platform.padEnd(8)} ${r.numerator.replace('int8 ', '').padEnd(12)} ${r.value.toFixed(3)}  (${ms(r)})${verdict(r)}`);
  }
  console.log("checkInputs: 'finite' (default) scan of the input / one run of Borde auto, on the face detector (target < 0.02):");
  for (const r of list.filter((x) => x.kind === 'finite-scan-share')) {
    console.log(`  ${r.subject.padEnd(28)} ${r.platform.padEnd(8)} ${r.value.toFixed(4)}  (${fmt(r.medianMs[0] * 1000)} µs / ${fmt(r.medianMs[1])} ms)${verdict(r)}`);
  }
  for (const set of sets.filter((x) => !x.result?.ok)) {
    console.log(`  (${set.purpose} ${set.subject} ${set.platform}: measurement failed: ${set.result && !set.result.ok ? set.result.error : 'not run'})`);
  }
  const missed = list.filter((r) => r.met === false);
  const unjudged = list.filter((r) => r.inconclusive).length;
  if (unjudged) console.log(`${unjudged} target(s) not judged: the machine was too noisy for them (noise gauge beyond ${NOISE_LIMIT}).`);
  console.log(missed.length === 0
    ? `Every judged target met.`
    : `${missed.length} target(s) NOT MET: ${missed.map((r) => `${r.kind} ${r.subject} ${r.platform}${r.kind === 'int8-vs-float32' ? ` ${r.numerator.replace('int8 ', '')}` : ''} (${r.value.toFixed(2)})`).join('; ')}`);
}

const started = performance.now();
await mkdir(outDir, { recursive: true });
console.log('Benchmark models:');
// BORDE_BENCH_MODELS=face,breast (substrings of model ids) and BORDE_BENCH_PLATFORMS=chromium narrow a run;
// BORDE_BENCH_RATIOS_ONLY=1 skips the per-row tables (cold load, first run) and measures only the ratios.
const only = process.env.BORDE_BENCH_MODELS?.split(',').filter(Boolean);
const platformsRun = (process.env.BORDE_BENCH_PLATFORMS?.split(',') ?? PLATFORMS) as Platform[];
const ratiosOnly = process.env.BORDE_BENCH_RATIOS_ONLY === '1';
const models = (await prepareBenchModels(join(outDir, 'models'), note)).filter((m) => !only || only.some((o) => m.id.includes(o)));
const results: Results = Object.fromEntries(models.map((m) => [m.id, { chromium: {}, node: {} }]));

const total = models.reduce((n, m) => n + ROWS.filter((s) => applies(s, m)).length * 2, 0);
let done = 0;
const progress = (platform: Platform, model: BenchModel, spec: RowSpec, cell: Cell) => {
  done++;
  const what = cell.ok ? `median ${fmt(cell.medianMs)} ms` : cell.error.slice(0, 80);
  process.stderr.write(`  [${done}/${total}] ${platform} ${model.id} ${spec.label}: ${what}\n`);
};

console.log(`\nNode ${process.version}: one fresh process per row`);
for (const model of platformsRun.includes('node') && !ratiosOnly ? models : []) {
  for (const spec of ROWS.filter((s) => applies(s, model))) {
    const available = spec.platforms.node;
    const cell: Cell = available === true
      ? await nodeRow({ row: spec.row, model: model.path, ...(model.originalDir ? { original: model.originalDir } : {}), inputs: model.inputs })
      : { ok: false, error: available ?? 'not measured', notApplicable: true };
    results[model.id]!.node[spec.id] = cell;
    progress('node', model, spec, cell);
  }
}

const paired = pairedSets(models);
const nodeJob = (j: { row: RowJob['row']; model: BenchModel }): RowJob => ({
  row: j.row, model: j.model.path, ...(j.model.originalDir ? { original: j.model.originalDir } : {}), inputs: j.model.inputs,
});
const reportPaired = (set: PairedSet) => {
  const r = set.result!;
  process.stderr.write(`  paired ${set.platform} ${set.subject}: ${r.ok ? set.labels.map((l, i) => `${l} ${fmt(r.medianMs[i]!)}`).join(', ') : r.error.slice(0, 120)}\n`);
};
if (platformsRun.includes('node')) {
  for (const { set, jobs } of paired.filter((p) => p.set.platform === 'node')) {
    set.result = await nodeRow<PairedResult>({ paired: jobs('node').map(nodeJob) });
    reportPaired(set);
  }
}

console.log('Chromium: one fresh page per row, network cut (every request off the local server aborted)');
const originals = [...new Set(models.flatMap((m) => (m.originalDir ? [m.originalDir] : [])))];
const chromium = await openChromiumBench(join(outDir, 'models'), originals);
try {
  for (const model of platformsRun.includes('chromium') && !ratiosOnly ? models : []) {
    for (const spec of ROWS.filter((s) => applies(s, model))) {
      const cell = spec.platforms.chromium === true
        ? await chromium.row({ row: spec.row, ...chromium.jobFor(model), inputs: model.inputs })
        : { ok: false as const, error: String(spec.platforms.chromium ?? 'not measured'), notApplicable: true as const };
      results[model.id]!.chromium[spec.id] = cell;
      progress('chromium', model, spec, cell);
    }
  }
  for (const { set, jobs } of platformsRun.includes('chromium') ? paired.filter((p) => p.set.platform === 'chromium') : []) {
    set.result = await chromium.paired(jobs('chromium').map((j) => ({ row: j.row, ...chromium.jobFor(j.model), inputs: j.model.inputs })));
    reportPaired(set);
  }
} finally {
  await chromium.close();
}

let workerRoundTrips: WorkerRoundTrip[] = [];
if (platformsRun.includes('chromium') && !ratiosOnly) workerRoundTrips = await measureWorkerRoundTrips(models, join(outDir, 'models'));

if (!ratiosOnly) for (const model of models) printTable(model, results);
const pairedList = paired.map((p) => p.set);
const ratioList = ratios(pairedList);
printRatios(ratioList, pairedList.filter((set) => platformsRun.includes(set.platform)));
if (workerRoundTrips.length) printWorkerRoundTrips(workerRoundTrips);

const offline = chromium.outsideRequests.length === 0;
console.log(`\nOffline guard: ${offline ? 'no request left 127.0.0.1' : `${chromium.outsideRequests.length} request(s) tried to leave: ${chromium.outsideRequests.slice(0, 5).join(', ')}`}` +
  (chromium.notFound.length ? `; 404s: ${[...new Set(chromium.notFound)].map((path) => (PRELOAD_MISS.test(path) ? `${path} (tfjs-tflite preloads its glue from next to the script before setWasmPath is called; harmless)` : path)).join(', ')}` : ''));

const report = {
  date: new Date().toISOString(),
  machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model, node: process.version, chromium: chromium.userAgent },
  pairedTiming: PAIRED_TIMING,
  paired: pairedList,
  timing: { ...TIMING, note: 'load and first run once per row in a fresh page/process; then warmupRuns untimed runs; then samples (each the mean of runsPerSample runs, >= minSampleMs) until maxSamples, or budgetMs after minSamples' },
  notes,
  models: models.map(({ path, ...m }) => ({ ...m, file: path.slice(root.length) })),
  results,
  ratios: ratioList,
  workerRoundTrips,
  offline: { outsideRequests: chromium.outsideRequests, notFound: [...new Set(chromium.notFound)] },
  wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
};
await writeFile(join(outDir, 'runtime.json'), `${JSON.stringify(report, null, 1)}\n`);
console.log(`\nWrote bench-results/runtime.json (${report.wallSeconds} s in all).`);
