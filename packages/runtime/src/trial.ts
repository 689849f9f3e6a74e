// The load-time trial of `backend: 'auto'`: when more than one interpreter can run a model, each is timed on
// the model itself, in turns, for a short bounded time, and the fastest is kept. A static rule cannot know:
// on a 9-input MLP the interpreters' fixed cost per call decides (tfjs-tflite 6 µs, LiteRT.js 25 µs), on a
// conv net their kernels do, and which wins differs per precision and device.
import type { LoadedEngine, TensorArray } from './engines/engine.js';

export interface TrialSettings {
  /** Time for the timed rounds, all engines together, once `minRounds` are done (warm-up runs excluded). */
  budgetMs: number;
  /**
   * One sample repeats the run until it lasts this long and keeps the mean: browsers coarsen
   * performance.now() (0.1 ms outside crossOriginIsolated pages), which a 6 µs run would vanish in.
   */
  sampleMs: number;
  /** Rounds taken even past the budget, unless they would take more than 4x the budget (slow models). */
  minRounds: number;
  maxRounds: number;
}

export const DEFAULT_TRIAL: TrialSettings = { budgetMs: 150, sampleMs: 2, minRounds: 5, maxRounds: 25 };

export interface TrialResult {
  /** Per engine, in the order given: median ms per run over the rounds. */
  medianMs: number[];
  /** Index of the fastest engine: lowest median of its per-round time relative to the first engine's. */
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
 * Times `engines` on `inputs` in interleaved rounds (A B, B A, ...) after one untimed warm-up run each, so a
 * burst of load elsewhere on the device hits every engine alike. The fastest is judged on per-round ratios
 * (each compares samples taken moments apart), not on medians taken at different times.
 */
export async function timeInTurns(
  engines: readonly LoadedEngine[],
  inputs: readonly TensorArray[],
  settings: TrialSettings = DEFAULT_TRIAL,
): Promise<TrialResult> {
  const start = now();
  for (const engine of engines) await engine.run(inputs);
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
  const relative = times.map((list) => median(list.map((t, r) => t / times[0]![r]!)));
  const fastest = relative.reduce((best, value, i) => (value < relative[best]! ? i : best), 0);
  return { medianMs: times.map(median), fastest, rounds, spentMs: now() - start };
}
