// Issue #13: 5,000 seeded semantic mutations of real models (the MediaPipe files and the converter's own
// float and int8 outputs). Every mutant is verified; a sample of the accepted ones is loaded and run on
// every Node backend (LiteRT, tfjs cpu, tfjs wasm) in a child process with a per-case limit. The only
// allowed outcomes are a typed error, or outputs of the declared shapes with finite values: no hang, no
// untyped error, no backend left dead. `pnpm fuzz` runs 100,000; FUZZ_SEED=<n> reproduces a seed.
import { describe, expect, it } from 'vitest';
import { formatReport, fuzz } from '../fuzz/driver.js';
import { converterSeeds, mediapipeSeeds } from '../fuzz/seeds.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

describe('semantic fuzz', () => {
  it('5,000 mutants of real models: typed errors or finite outputs of the declared shapes on every Node backend', async () => {
    const seeds = [...mediapipeSeeds(), ...(await converterSeeds())];
    const report = await fuzz(seeds, { cases: 5000, seed: SEED, runEvery: 8, maxRuns: 60, caseLimitMs: 30_000 });
    console.log(formatReport(report));
    expect(report.findings).toEqual([]);
    // The sample really ran, and the verifier refused most mutants by a named rule.
    expect(report.ran).toBeGreaterThanOrEqual(40);
    expect(Object.values(report.refused).reduce((a, n) => a + n, 0)).toBeGreaterThan(report.cases / 3);
    for (const backend of ['litert-wasm', 'cpu', 'wasm']) expect(report.backends[backend]?.ok ?? 0).toBeGreaterThan(20);
  }, 180_000);
});
