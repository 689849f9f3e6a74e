// `pnpm bench:cli` (and part of `pnpm bench`): CPU time of `borde inspect <model>` and `borde --version`,
// each a fresh `node converter/bin/borde.js` process as a user runs it (the built dist/, rebuilt first when
// a source is newer). Target (issue #14): inspect under 0.3 s of CPU, i.e. the CLI does not load tfjs, the
// importers or the runtime to read a .tflite file. The figure is the child's own process.cpuUsage() at
// exit (user + system), reported by a preload module, so the parent's work is not counted.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mediapipeModels } from '../../test/harness/models.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = 7;
const TARGET_MS = 300;

/** Builds the packages the CLI runs from when any of their sources is newer than their dist/. */
function ensureBuilt(): void {
  const stale = ['packages/tflite', 'packages/runtime', 'converter'].some((pkg) => {
    const built = join(root, pkg, 'dist/index.js');
    let builtAt: number;
    try {
      builtAt = statSync(built).mtimeMs;
    } catch {
      return true;
    }
    return newestMtime(join(root, pkg, 'src')) > builtAt;
  });
  if (stale) {
    console.log('building the packages (pnpm build) so the CLI runs as installed...');
    execFileSync('pnpm', ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

// Runs in the child: prints its CPU time on stderr as it exits.
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  'process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write(`\\nBORDE_CPU_US ${u.user + u.system}\\n`); });',
)}`;

/** One fresh `node <args>` process: its own CPU time and the wall time the parent saw. */
function measure(nodeArgs: string[]): { cpuMs: number; wallMs: number } {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--import', REPORT_CPU, ...nodeArgs], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = performance.now() - start;
  const match = /BORDE_CPU_US (\d+)/.exec(child.stderr);
  if (child.status !== 0 || !match) throw new Error(`node ${nodeArgs.join(' ')} failed (exit ${child.status}): ${child.stderr}`);
  return { cpuMs: Number(match[1]) / 1000, wallMs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const runs = (nodeArgs: string[]) => Array.from({ length: RUNS }, () => measure(nodeArgs));
const borde = join(root, 'converter/bin/borde.js');
ensureBuilt();
const model = mediapipeModels().find((m) => m.file === 'face_detection_short_range.tflite')!;
const rows: [string, { cpuMs: number; wallMs: number }[]][] = [
  ['node -e "" (baseline)', runs(['-e', ''])],
  ['borde --version', runs([borde, '--version'])],
  [`borde inspect ${model.file}`, runs([borde, 'inspect', model.path])],
];
console.log(`\nborde CLI start-up, fresh process each, median of ${RUNS} (built dist/, node ${process.version})`);
console.log('command                                           CPU (ms)   wall (ms)');
for (const [name, runs] of rows) {
  console.log(`${name.padEnd(48)} ${median(runs.map((r) => r.cpuMs)).toFixed(0).padStart(9)}   ${median(runs.map((r) => r.wallMs)).toFixed(0).padStart(9)}`);
}
const inspectCpu = median(rows[2]![1].map((r) => r.cpuMs));
console.log(`target: borde inspect under ${TARGET_MS} ms of CPU -> ${inspectCpu < TARGET_MS ? 'met' : 'NOT met'} (${inspectCpu.toFixed(0)} ms)`);
