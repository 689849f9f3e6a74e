// `measure: true`: the candidates loaded together and timed on the model itself in turns, so that a burst of
// load elsewhere on the device, or an engine's wasm still being optimized after its load, hits them alike
// rather than whichever happened to be timed at that moment.
import type { LoadedEngine, TensorArray } from './engines/engine.js';

export interface TrialSettings {
  /** Time for the timed rounds, all engines together, once `minRounds` are done (warm-up runs excluded). */
  budgetMs: number;
  /**
   * One sample repeats the run until it lasts this long and keeps the mean: browsers coarsen
   * performance.now() (0.1 ms outside crossOriginIsolated pages), which a 6 µs run would vanish in.
   */
  sampleMs: number;
  /**
   * Untimed rounds first, at least this long: an interpreter just loaded runs baseline-compiled wasm until
   * the browser's optimizing tier catches up (Chromium on a loaded 2-core machine: tfjs-tflite on a 9-input
   * MLP at 0.7 ms per run right after load, 6 µs two seconds later). Interleaving shares what remains.
   */
  warmupMs: number;
  /** Rounds taken even past the budget, unless they would take more than 4x the budget (slow models). */
  minRounds: number;
  maxRounds: number;
}

export const DEFAULT_TRIAL: TrialSettings = { budgetMs: 150, sampleMs: 2, warmupMs: 50, minRounds: 5, maxRounds: 25 };

export interface TrialResult {
  /** Per engine, in the order given: median ms per run over the rounds. */
  medianMs: number[];
  /** Index of the fastest engine: the lowest median (the figure the plan shows). */
  fastest: number;
  rounds: number;
  /** Wall time of the trial, warm-up included. */
  spentMs: number;
}

const now = (): number => (globalThis.performance ?? Date).now();

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function sample(engine: LoadedEngine, inputs: readonly TensorArray[], sampleMs: number): Promise<number> {
  const t0 = now();
  let runs = 0;
  let elapsed = 0;
  do {
    await engine.run(inputs);
    runs++;
    elapsed = now() - t0;
  } while (elapsed < sampleMs);
  return elapsed / runs;
}

/**
 * Times `engines` on `inputs` in interleaved rounds (A B, B A, ...) after one untimed run each and untimed
 * rounds for `warmupMs`; each engine's figure is the median of its samples.
 */
export async function timeInTurns(
  engines: readonly LoadedEngine[],
  inputs: readonly TensorArray[],
  settings: TrialSettings = DEFAULT_TRIAL,
): Promise<TrialResult> {
  const start = now();
  for (const engine of engines) await engine.run(inputs);
  while (now() - start < settings.warmupMs) {
    for (const engine of engines) await sample(engine, inputs, settings.sampleMs);
  }
  const times: number[][] = engines.map(() => []);
  const roundsStart = now();
  let rounds = 0;
  for (;;) {
    const spent = now() - roundsStart;
    const enough = rounds >= settings.minRounds ? spent >= settings.budgetMs : spent >= 4 * settings.budgetMs;
    if (rounds >= settings.maxRounds || (rounds > 0 && enough)) break;
    for (let k = 0; k < engines.length; k++) {
      const i = (k + rounds) % engines.length;
      times[i]!.push(await sample(engines[i]!, inputs, settings.sampleMs));
    }
    rounds++;
  }
  const medians = times.map(median);
  const fastest = medians.reduce((best, value, i) => (value < medians[best]! ? i : best), 0);
  return { medianMs: medians, fastest, rounds, spentMs: now() - start };
}
