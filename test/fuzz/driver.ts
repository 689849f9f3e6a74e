// Seeded semantic fuzz: mutate real models, verify each mutant (in this process), and load + run a sample of
// the accepted ones on every Node backend in a child process with a per-case time limit. Allowed outcomes:
// a typed error, or outputs of the declared shapes with finite values. Anything else is a finding.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '@borde/runtime';
import { TfliteError, verifyGraph, writeModel } from '@borde/tflite';
import { mutate, seededRandom } from './mutations.js';
import type { BackendOutcome, WorkerReply, WorkerRequest } from './run-worker.js';
import type { FuzzSeed } from './seeds.js';

export const NODE_BACKENDS: BackendName[] = ['litert-wasm', 'cpu', 'wasm'];

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Load and run every n-th accepted mutant of a runnable seed (0: verify only). */
  runEvery: number;
  /** Most mutants to run (the rest are verified only). */
  maxRuns?: number;
  backends?: BackendName[];
  /** Time limit of one loaded case on all backends, first load of each engine included. */
  caseLimitMs?: number;
  log?: (line: string) => void;
  /** Log a progress line every n cases. */
  progressEvery?: number;
  /** Replay one case (its number in a report): verified, and run whatever the sampling says. */
  only?: number;
}

export interface Finding {
  case: number;
  seedModel: string;
  mutation: string;
  kind: string;
  detail: string;
}

export interface FuzzReport {
  cases: number;
  /** Mutations that changed nothing (e.g. no quantized tensor to change). */
  skipped: number;
  /** Refused by the writer, reader or verifier with a typed error, by rule. */
  refused: Record<string, number>;
  accepted: number;
  ran: number;
  /** Per backend: ok / typed load / typed run counts of the mutants that ran. */
  backends: Record<string, Record<string, number>>;
  findings: Finding[];
  slowestVerifyMs: number;
  ms: number;
}

const WORKER = fileURLToPath(new URL('./run-worker.ts', import.meta.url));

/** The child that loads and runs cases; restarted after a hang or a crash. */
class RunWorker {
  private child?: ChildProcess;
  private pending?: { id: number; resolve: (reply: WorkerReply | undefined) => void };

  constructor(private readonly canary: Uint8Array) {}

  private async start(): Promise<ChildProcess> {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx', '--conditions', 'borde-source'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.resume();
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`fuzz worker exited with ${code} before it was ready`)));
    });
    child.on('message', (reply: WorkerReply) => {
      if (this.pending?.id === reply.id) this.pending.resolve(reply);
    });
    child.on('exit', () => this.pending?.resolve(undefined));
    child.send({ canary: this.canary });
    return child;
  }

  /** The outcome on each backend, or 'hang'/'crash' when the child had to be killed or died. */
  async run(request: WorkerRequest, limitMs: number): Promise<WorkerReply['results'] | 'hang' | 'crash'> {
    this.child ??= await this.start();
    const child = this.child;
    let timer: NodeJS.Timeout | undefined;
    const reply = await new Promise<WorkerReply | undefined | 'hang'>((resolve) => {
      this.pending = { id: request.id, resolve };
      timer = setTimeout(() => resolve('hang'), limitMs);
      child.send(request);
    });
    clearTimeout(timer);
    this.pending = undefined;
    if (reply === 'hang' || reply === undefined) {
      this.stop();
      return reply ?? 'crash';
    }
    return reply.results;
  }

  stop(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
    this.child = undefined;
  }
}

const ruleOf = (e: unknown): string => {
  if (!(e instanceof TfliteError)) return 'untyped';
  const rule = (e as { rule?: string }).rule ?? (e as { reason?: string }).reason;
  return `${e.code}${rule ? `:${rule}` : ''}`;
};

export async function fuzz(seeds: readonly FuzzSeed[], options: FuzzOptions): Promise<FuzzReport> {
  const start = performance.now();
  const backends = options.backends ?? NODE_BACKENDS;
  const limit = options.caseLimitMs ?? 30_000;
  const canary = seeds.find((s) => s.runnable)?.bytes ?? seeds[0]!.bytes;
  const worker = new RunWorker(canary);
  const report: FuzzReport = { cases: 0, skipped: 0, refused: {}, accepted: 0, ran: 0, backends: {}, findings: [], slowestVerifyMs: 0, ms: 0 };
  const finding = (i: number, s: FuzzSeed, what: string, kind: string, detail: string) => {
    report.findings.push({ case: i, seedModel: s.name, mutation: what, kind, detail });
    options.log?.(`case ${i} (${s.name}; ${what}): ${kind}: ${detail}`);
  };
  try {
    for (let i = options.only ?? 0; i < (options.only === undefined ? options.cases : options.only + 1); i++) {
      report.cases++;
      if (options.progressEvery && i > 0 && i % options.progressEvery === 0) {
        options.log?.(`... ${i} cases, ${report.accepted} accepted, ${report.ran} run, ${report.findings.length} findings, ${((performance.now() - start) / 1000).toFixed(0)} s`);
      }
      const random = seededRandom((options.seed * 0x9e3779b1 + i * 0x85ebca6b) >>> 0);
      const s = seeds[i % seeds.length]!;
      const mutant = mutate(s.graph, random);
      if (!mutant) {
        report.skipped++;
        continue;
      }
      const t0 = performance.now();
      try {
        // As loadModel verifies: custom ops without rules are left to the engines.
        verifyGraph(mutant.graph, { unknownCustomOps: 'allow' });
      } catch (e) {
        const rule = ruleOf(e);
        report.refused[rule] = (report.refused[rule] ?? 0) + 1;
        if (rule === 'untyped') finding(i, s, mutant.what, 'untyped verifier error', String((e as Error)?.stack ?? e).slice(0, 600));
        continue;
      } finally {
        report.slowestVerifyMs = Math.max(report.slowestVerifyMs, performance.now() - t0);
      }
      report.accepted++;
      const sampled = options.runEvery > 0 && report.accepted % options.runEvery === 0 && report.ran < (options.maxRuns ?? Infinity);
      const run = s.runnable && (sampled || options.only !== undefined);
      if (!run) continue;
      let bytes: Uint8Array;
      try {
        bytes = writeModel(mutant.graph);
      } catch (e) {
        if (!(e instanceof TfliteError)) finding(i, s, mutant.what, 'untyped writer error', String(e));
        continue;
      }
      report.ran++;
      const results = await worker.run({ id: i, bytes, backends }, limit);
      if (typeof results === 'string') {
        finding(i, s, mutant.what, results, `no answer from the worker within ${limit} ms`);
        continue;
      }
      for (const [backend, result] of Object.entries(results) as [string, BackendOutcome][]) {
        const counts = (report.backends[backend] ??= {});
        const key = result.outcome === 'typed' ? `typed ${result.stage}` : result.outcome;
        counts[key] = (counts[key] ?? 0) + 1;
        if (result.outcome !== 'ok' && result.outcome !== 'typed') finding(i, s, mutant.what, `${backend} ${result.outcome}`, result.message);
      }
    }
  } finally {
    worker.stop();
  }
  report.ms = performance.now() - start;
  return report;
}

/** A few lines for logs: outcome counts and findings. */
export function formatReport(report: FuzzReport): string {
  const refused = Object.entries(report.refused).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  const lines = [
    `${report.cases} cases in ${(report.ms / 1000).toFixed(1)} s: ${report.skipped} no-op, ${Object.values(report.refused).reduce((a, n) => a + n, 0)} refused, ${report.accepted} accepted, ${report.ran} loaded and run; slowest verify ${report.slowestVerifyMs.toFixed(1)} ms`,
    `refused by rule: ${refused}`,
    ...Object.entries(report.backends).map(([b, counts]) => `  ${b}: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}`),
    `findings: ${report.findings.length}`,
    ...report.findings.slice(0, 30).map((f) => `  case ${f.case} ${f.seedModel} (${f.mutation}): ${f.kind}: ${f.detail}`),
  ];
  return lines.join('\n');
}
