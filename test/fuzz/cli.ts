// `pnpm fuzz [--cases N] [--seed S] [--run-every K]`: the nightly-style semantic fuzz (100,000 cases by
// default). Exit code 1 when anything but a typed error or a finite output of the declared shape happened.
import { parseArgs } from 'node:util';
import { formatReport, fuzz } from './driver.js';
import { converterSeeds, mediapipeSeeds } from './seeds.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(0x5eed) },
    'run-every': { type: 'string', default: '4' },
    'max-runs': { type: 'string', default: '3000' },
    case: { type: 'string' },
  },
});

const seeds = [...mediapipeSeeds(), ...(await converterSeeds())];
console.log(`seeds: ${seeds.map((s) => s.name).join(', ')}`);
const report = await fuzz(seeds, {
  cases: Number(values.cases),
  seed: Number(values.seed),
  runEvery: Number(values['run-every']),
  maxRuns: Number(values['max-runs']),
  log: (line) => console.log(line),
  progressEvery: 2000,
  ...(values.case !== undefined ? { only: Number(values.case) } : {}),
});
console.log(formatReport(report));
process.exitCode = report.findings.length > 0 ? 1 : 0;
