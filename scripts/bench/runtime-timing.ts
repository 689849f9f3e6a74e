// The one timing procedure every row of `pnpm bench:runtime` goes through, in Node and in the page alike,
// so Borde and the raw engines are measured by exactly the same code.

/** A model loaded on one engine, ready to run the benchmark input. */
export interface RowRunner {
  /** One inference on the fixed input, outputs read back into JavaScript. */
  run(): Promise<unknown>;
  dispose(): void | Promise<void>;
  /** What actually ran (Borde: `engine/backend`), for the table. */
  chosen?: string;
}

export interface TimingSettings {
  /** Timed samples after warm-up, at most. */
  maxSamples: number;
  /** Timed samples, at least (even past the budget). */
  minSamples: number;
  /** Stop adding samples once this much time went into them (after minSamples). */
  budgetMs: number;
  /**
   * A sample repeats the run until it lasts this long and reports the mean: browsers coarsen
   * performance.now() to 0.1 ms outside crossOriginIsolated pages, which a 20 µs model run would vanish in.
   */
  minSampleMs: number;
  /** Untimed runs between the first run and finding runs per sample. */
  warmupRuns: number;
}

export const TIMING: TimingSettings = { maxSamples: 50, minSamples: 10, budgetMs: 2000, minSampleMs: 5, warmupRuns: 3 };

export type RowResult =
  | {
    ok: true;
    /** From nothing loaded (engine wasm and model) to ready to run. */
    loadMs: number;
    /** The first run after load (kernel compilation, shader builds, allocations). */
    firstRunMs: number;
    medianMs: number;
    p90Ms: number;
    samples: number;
    runsPerSample: number;
    chosen?: string;
  }
  | { ok: false; error: string };

const now = (): number => performance.now();

/** A clock in ms: wall time by default; Node's paired timing passes the process' CPU time (cpuClock). */
export type Clock = () => number;

/**
 * A runner as the paired timing sees it: `sample(runs)` runs it `runs` times and says how long that took on
 * the timing's clock (in the page or process itself, or read from outside: Chromium's main-thread CPU time).
 */
export interface Sampler {
  sample(runs: number): Promise<number>;
  dispose(): void | Promise<void>;
  chosen?: string | undefined;
}

/** A runner timed on `clock` where it runs. */
export function clockedSampler(runner: RowRunner, clock: Clock = now): Sampler {
  return {
    async sample(runs) {
      const t = clock();
      for (let i = 0; i < runs; i++) await runner.run();
      return clock() - t;
    },
    dispose: () => runner.dispose(),
    chosen: runner.chosen,
  };
}

/**
 * Runs per sample so that one sample lasts at least `minSampleMs` on the (possibly coarse) clock: after the
 * warm-up runs, double the count until a batch is long enough. A single long run needs no batching.
 */
async function runsPerSampleFor(sampler: Sampler, settings: TimingSettings): Promise<number> {
  if (settings.warmupRuns > 0) await sampler.sample(settings.warmupRuns);
  let runs = 1;
  for (;;) {
    const elapsed = await sampler.sample(runs);
    if (elapsed >= settings.minSampleMs || runs >= 1 << 20) return runs;
    // Jump close to the target when the clock saw something, otherwise double.
    runs = elapsed > 0.5 ? Math.max(runs * 2, Math.ceil((runs * settings.minSampleMs) / elapsed)) : runs * 2;
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  // Borde's BackendError lists its attempts on the lines after the first: keep them, on one line.
  return text.replace(/\s*\n\s*/g, ' ').slice(0, 400);
}

/** Loads (timed), runs once (timed), warms up, then times samples within the settings' bounds. */
export async function timeRow(open: () => Promise<RowRunner>, settings: TimingSettings = TIMING): Promise<RowResult> {
  let runner: RowRunner | undefined;
  try {
    const t0 = now();
    runner = await open();
    const loadMs = now() - t0;
    const t1 = now();
    await runner.run();
    const firstRunMs = now() - t1;

    const runsPerSample = await runsPerSampleFor(clockedSampler(runner), settings);

    const times: number[] = [];
    const start = now();
    while (times.length < settings.maxSamples && (times.length < settings.minSamples || now() - start < settings.budgetMs)) {
      const t = now();
      for (let i = 0; i < runsPerSample; i++) await runner.run();
      times.push((now() - t) / runsPerSample);
    }
    times.sort((a, b) => a - b);
    return {
      ok: true,
      loadMs,
      firstRunMs,
      medianMs: percentile(times, 50),
      p90Ms: percentile(times, 90),
      samples: times.length,
      runsPerSample,
      ...(runner.chosen ? { chosen: runner.chosen } : {}),
    };
  } catch (error) {
    return { ok: false, error: describeFailure(error) };
  } finally {
    try {
      await runner?.dispose();
    } catch {
      // The row's figures stand; a failing dispose is not what is measured.
    }
  }
}

/** What Borde ran ("interpreter/tfjs-tflite"), and when it timed candidates at load, their medians. */
export function describeChoice(model: { engine: string; backend: string; plan: { decidedBy: string; candidates: { backend: string; ms?: number }[] } }): string {
  const timed = model.plan.candidates.filter((c) => c.ms !== undefined);
  const figures = timed.map((c) => `${c.backend} ${c.ms! < 1 ? c.ms!.toFixed(3) : c.ms!.toFixed(2)}`).join(', ');
  return `${model.engine}/${model.backend}${timed.length ? ` (${model.plan.decidedBy}: ${figures} ms)` : ''}`;
}

/** The finite scan `checkInputs: 'finite'` (the default) makes over every float input of every run. */
export function finiteScanRunner(inputs: readonly Float32Array[], firstNonFinite: (data: Float32Array) => number): RowRunner {
  return {
    async run() {
      for (const data of inputs) if (firstNonFinite(data) >= 0) throw new Error('benchmark input is not finite');
    },
    dispose() {},
  };
}

/** Deterministic input values for timing (same rule as the runtime's measure step): k -> (k*7919 mod 1000)/1000. */
export function benchInput(length: number): Float32Array {
  return Float32Array.from({ length }, (_, k) => ((k * 7919) % 1000) / 1000);
}

export type PairedResult =
  | {
    ok: true;
    /** Per runner, in the order given. */
    medianMs: number[];
    p90Ms: number[];
    runsPerSample: number[];
    /** Rounds: each runner took one sample per round, in rotating order. */
    rounds: number;
    /** samplesMs[runner][round]: round r of every runner was taken within the same short stretch of time. */
    samplesMs: number[][];
    chosen: (string | undefined)[];
  }
  | { ok: false; error: string };

export const PAIRED_TIMING: TimingSettings = { maxSamples: 60, minSamples: 25, budgetMs: 4000, minSampleMs: 20, warmupRuns: 3 };

/**
 * Ratios on a busy machine: load every runner into one page or process, then take their samples in
 * interleaved rounds (A B C, B C A, ...), so a burst of load elsewhere hits all of them alike instead of
 * whichever row happened to run at that moment. `budgetMs` bounds the rounds, all runners together (wall
 * time); samples are read on each sampler's clock.
 */
export async function timePaired(opens: readonly (() => Promise<Sampler>)[], settings: TimingSettings = PAIRED_TIMING): Promise<PairedResult> {
  const runners: Sampler[] = [];
  try {
    for (const open of opens) runners.push(await open());
    const runsPerSample = [];
    for (const runner of runners) {
      await runner.sample(1);
      runsPerSample.push(await runsPerSampleFor(runner, settings));
    }
    const times: number[][] = runners.map(() => []);
    const start = now();
    let rounds = 0;
    while (rounds < settings.maxSamples && (rounds < settings.minSamples || now() - start < settings.budgetMs)) {
      for (let k = 0; k < runners.length; k++) {
        const i = (k + rounds) % runners.length;
        times[i]!.push((await runners[i]!.sample(runsPerSample[i]!)) / runsPerSample[i]!);
      }
      rounds++;
    }
    const sorted = times.map((list) => [...list].sort((a, b) => a - b));
    return {
      ok: true,
      medianMs: sorted.map((list) => percentile(list, 50)),
      p90Ms: sorted.map((list) => percentile(list, 90)),
      runsPerSample,
      rounds,
      samplesMs: times.map((list) => list.map((t) => Number(t.toPrecision(4)))),
      chosen: runners.map((r) => r.chosen),
    };
  } catch (error) {
    return { ok: false, error: describeFailure(error) };
  } finally {
    for (const runner of runners) {
      try {
        await runner.dispose();
      } catch {
        // As in timeRow.
      }
    }
  }
}

/** Median over rounds of a[r] / b[r]: each ratio compares samples taken moments apart (see timePaired). */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const ratios = a.map((x, r) => x / b[r]!).filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  return percentile(ratios, 50);
}
