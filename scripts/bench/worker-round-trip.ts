// The worker round trip of `pnpm bench:runtime`: what loadModelInWorker adds to each run over loadModel on
// the main thread (messages both ways, the input copied or transferred, the outputs transferred back).
// Target (issue #15): under 0.5 ms per run plus the transfer of the input. Chromium only (Node has no Web
// Workers; the runtime offers loadModel there).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../../test/harness/browser.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../../test/harness/runtime-bundle.js';
import type { BenchModel } from './runtime-models.js';
import { type PairedResult } from './runtime-timing.js';

export interface WorkerRoundTrip {
  model: string;
  inputBytes: number;
  chosen?: string;
  /** Medians: main thread, worker with the input copied, worker with it transferred (ms per run). */
  mainMs?: number;
  workerCopyMs?: number;
  workerTransferMs?: number;
  /** Median of the per-round differences worker - main (ms per run). */
  overheadCopyMs?: number;
  overheadTransferMs?: number;
  error?: string;
}

export const ROUND_TRIP_TARGET_MS = 0.5;

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Per model: main thread and worker loaded in one fresh page, timed in interleaved rounds. */
export async function measureWorkerRoundTrips(models: readonly BenchModel[], modelsDir: string): Promise<WorkerRoundTrip[]> {
  const runtimeSrc = fileURLToPath(new URL('../../packages/runtime/src/', import.meta.url));
  const [page, worker] = await Promise.all([
    bundleForBrowser(fileURLToPath(new URL('./pages/worker-round-trip.ts', import.meta.url))),
    bundleForBrowser(join(runtimeSrc, 'worker/borde-worker-entry.ts')),
  ]);
  const session = await launchBrowser({ routes: { ...runtimeAssetRoutes('/app/assets/'), '/models/': modelsDir } });
  session.server.put('/app/entry.js', page);
  session.server.put('/app/borde-worker-entry.js', worker);
  session.server.put('/app/index.html', '<!doctype html><meta charset="utf-8"><title>loading</title><script type="module" src="./entry.js"></script>');
  const out: WorkerRoundTrip[] = [];
  try {
    for (const model of models) {
      const inputBytes = model.inputs.reduce((n, spec) => n + 4 * spec.shape.reduce((a, b) => a * b, 1), 0);
      const tab = await session.context.newPage();
      try {
        await tab.goto(session.url('/app/index.html'));
        await tab.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
        const job = { row: { kind: 'borde', backend: 'auto' }, model: `/models/${model.path.split('/').pop()}`, inputs: model.inputs };
        const r = (await tab.evaluate(
          (j) => (window as unknown as { bordeWorkerBench: { measure(x: unknown): Promise<unknown> } }).bordeWorkerBench.measure(j),
          job,
        )) as PairedResult;
        if (!r.ok) {
          out.push({ model: model.id, inputBytes, error: r.error });
          continue;
        }
        const [main, copy, transfer] = r.samplesMs as [number[], number[], number[]];
        out.push({
          model: model.id, inputBytes, ...(r.chosen[0] ? { chosen: r.chosen[0] } : {}),
          mainMs: r.medianMs[0]!, workerCopyMs: r.medianMs[1]!, workerTransferMs: r.medianMs[2]!,
          overheadCopyMs: medianOf(copy.map((t, i) => t - main[i]!)),
          overheadTransferMs: medianOf(transfer.map((t, i) => t - main[i]!)),
        });
      } catch (error) {
        out.push({ model: model.id, inputBytes, error: error instanceof Error ? error.message : String(error) });
      } finally {
        await tab.close().catch(() => undefined);
      }
    }
  } finally {
    await session.close();
  }
  return out;
}

export function printWorkerRoundTrips(rows: readonly WorkerRoundTrip[]): void {
  const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));
  console.log(`\nWorker round trip (Chromium): loadModelInWorker vs loadModel on the main thread, same engine, one page,`);
  console.log(`interleaved rounds; overhead = median of per-round differences (target < ${ROUND_TRIP_TARGET_MS} ms plus the input's transfer):`);
  console.log(`  ${'model'.padEnd(28)} ${'input'.padStart(9)} ${'engine'.padEnd(24)} ${'main'.padStart(8)} ${'copy'.padStart(8)} ${'transfer'.padStart(8)} ${'+copy'.padStart(8)} ${'+transfer'.padStart(9)}`);
  for (const r of rows) {
    if (r.error) {
      console.log(`  ${r.model.padEnd(28)} failed: ${r.error.slice(0, 160)}`);
      continue;
    }
    const verdict = r.overheadTransferMs! < ROUND_TRIP_TARGET_MS ? 'met' : 'NOT MET';
    console.log(`  ${r.model.padEnd(28)} ${`${(r.inputBytes / 1024).toFixed(1)} KiB`.padStart(9)} ${(r.chosen ?? '?').padEnd(24)} ${ms(r.mainMs).padStart(8)} ${ms(r.workerCopyMs).padStart(8)} ${ms(r.workerTransferMs).padStart(8)} ${ms(r.overheadCopyMs).padStart(8)} ${ms(r.overheadTransferMs).padStart(9)}  ${verdict}`);
  }
}
