// The load-time trial of backend 'auto' (src/trial.ts): engines timed in turns, the fastest judged on
// per-round ratios, within its time bounds. Engines here spin for a known time per run, so the answer is known.
import { describe, expect, it } from 'vitest';
import type { LoadedEngine } from '../src/engines/engine.js';
import { timeInTurns, type TrialSettings } from '../src/trial.js';

/** An engine whose run keeps the CPU busy for `ms` (a slow machine only adds to it). */
function spinning(ms: number, calls: string[], name: string): LoadedEngine {
  return {
    engine: 'interpreter',
    backend: 'litert-wasm',
    placement: [],
    async run() {
      calls.push(name);
      const end = performance.now() + ms;
      while (performance.now() < end);
      return [];
    },
    dispose() {},
  };
}

describe('timeInTurns', () => {
  it('keeps the faster engine, reports each median, and takes its samples in turns', async () => {
    const calls: string[] = [];
    const settings: TrialSettings = { budgetMs: 40, sampleMs: 1, warmupMs: 0, minRounds: 5, maxRounds: 25 };
    const result = await timeInTurns([spinning(0.6, calls, 'slow'), spinning(0.15, calls, 'fast')], [], settings);
    expect(result.fastest).toBe(1);
    expect(result.medianMs[0]).toBeGreaterThanOrEqual(0.6);
    expect(result.medianMs[1]).toBeGreaterThanOrEqual(0.15);
    expect(result.medianMs[1]).toBeLessThan(result.medianMs[0]!);
    expect(result.rounds).toBeGreaterThanOrEqual(settings.minRounds);
    expect(result.rounds).toBeLessThanOrEqual(settings.maxRounds);
    // One warm-up run each, then rounds in rotating order: slow first in even rounds, fast first in odd ones.
    expect(calls.slice(0, 2)).toEqual(['slow', 'fast']);
    const firstOfRound = [calls[2], calls.find((c, i) => i > 2 && c !== calls[2])];
    expect(firstOfRound).toEqual(['slow', 'fast']);
    console.log(`trial: slow ${result.medianMs[0]!.toFixed(3)} ms, fast ${result.medianMs[1]!.toFixed(3)} ms, ${result.rounds} rounds, ${result.spentMs.toFixed(0)} ms`);
  });

  it('stays bounded on a slow model: fewer rounds than asked once 4x the budget is spent', async () => {
    const settings: TrialSettings = { budgetMs: 10, sampleMs: 1, warmupMs: 0, minRounds: 5, maxRounds: 25 };
    const result = await timeInTurns([spinning(30, [], 'a'), spinning(30, [], 'b')], [], settings);
    // A round takes ~60 ms, past 4 x 10 ms after the first: one round (two if the machine stalls the check),
    // where minRounds would take five.
    expect(result.rounds).toBeGreaterThanOrEqual(1);
    expect(result.rounds).toBeLessThanOrEqual(2);
  });

  it('stops at maxRounds on a tiny model', async () => {
    const result = await timeInTurns([spinning(0, [], 'a'), spinning(0, [], 'b')], [], { budgetMs: 10_000, sampleMs: 0.2, warmupMs: 0, minRounds: 2, maxRounds: 6 });
    expect(result.rounds).toBe(6);
  });
});
