// Chromium side of `pnpm bench:runtime`: Debian's Chromium through playwright-core with the offline
// guard on (every request off the local server is aborted and recorded), the page bundle served from
// /app/ with the engines' assets at /app/assets/, and one fresh page per row.
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, type BrowserSession } from '../../test/harness/browser.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../../test/harness/runtime-bundle.js';
import type { Page } from 'playwright-core';
import { describeFailure, timePaired, type PairedResult, type RowResult, type Sampler } from './runtime-timing.js';
import type { RowJob } from './runtime-rows.js';
import type { BenchModel } from './runtime-models.js';

/** A row that takes longer than this (load, first run and samples) is reported as timed out. */
const ROW_TIMEOUT_MS = 60_000;

export interface ChromiumBench {
  jobFor(model: BenchModel): { model: string; original?: string };
  row(job: RowJob): Promise<RowResult>;
  /** Several runners in one fresh page, timed in interleaved rounds (timePaired). */
  paired(jobs: RowJob[]): Promise<PairedResult>;
  /** Requests that tried to leave the machine (must be none) and files the pages could not find. */
  readonly outsideRequests: readonly string[];
  readonly notFound: readonly string[];
  /** navigator.userAgent of the pages. */
  readonly userAgent: string;
  close(): Promise<void>;
}

export async function openChromiumBench(modelsDir: string, originals: readonly string[]): Promise<ChromiumBench> {
  const entry = fileURLToPath(new URL('./pages/runtime-row.ts', import.meta.url));
  // The page imports tfjs-tflite by its package name (typed by the runtime's declaration of that file):
  // resolve it from the @borde/test package, which depends on the version the runtime uses.
  const bundle = await bundleForBrowser(entry, { nodePaths: [fileURLToPath(new URL('../../test/node_modules/', import.meta.url))] });
  const routes: Record<string, string> = { ...runtimeAssetRoutes('/app/assets/'), '/models/': modelsDir };
  // Each original layers model folder is served as /originals/<network folder name>/.
  for (const dir of originals) routes[`/originals/${basename(dirname(dir))}/`] = dir;
  // WebGPU flags: LiteRT's WebGPU accelerator gets a (SwiftShader) adapter; tfjs-webgl is SwiftShader either way.
  const session: BrowserSession = await launchBrowser({ routes, webgpu: true });
  session.server.put('/app/entry.js', bundle);
  session.server.put('/app/index.html', '<!doctype html><meta charset="utf-8"><title>loading</title><script type="module" src="./entry.js"></script>');
  const userAgent = await session.page.evaluate(() => navigator.userAgent);

  type Bench = { open(job: RowJob): Promise<{ index: number; chosen?: string }>; sample(i: number, runs: number): Promise<void>; dispose(i: number): void | Promise<void> };

  /** Opens a fresh page, hands it to `measure` within ROW_TIMEOUT_MS, closes the page. */
  async function inFreshPage<T extends RowResult | PairedResult>(measure: (page: Page) => Promise<T>): Promise<T> {
    const page = await session.context.newPage();
    let timer: NodeJS.Timeout | undefined;
    try {
      await page.goto(session.url('/app/index.html'));
      await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
      const timeout = new Promise<T>((done) => {
        timer = setTimeout(() => done({ ok: false, error: `timed out after ${ROW_TIMEOUT_MS / 1000} s` } as T), ROW_TIMEOUT_MS);
      });
      return await Promise.race([measure(page), timeout]);
    } catch (error) {
      return { ok: false, error: describeFailure(error).replace(/^page\.evaluate: (Error: )?/, '') } as T;
    } finally {
      clearTimeout(timer);
      await page.close().catch(() => undefined);
    }
  }

  /**
   * The paired timing, driven from here: each sample is read on the page's main-thread CPU time (Chrome
   * DevTools Protocol, Performance metrics in thread ticks), which a machine shared with other work does
   * not inflate the way wall time is. It includes the few tenths of a millisecond of the evaluate call
   * itself, the same for every runner (a sample lasts >= PAIRED_TIMING.minSampleMs).
   */
  async function pairedOnCpuTime(page: Page, jobs: RowJob[]): Promise<PairedResult> {
    const cdp = await session.context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' } as never);
    const cpuMs = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value * 1000;
    return timePaired(jobs.map((job) => async (): Promise<Sampler> => {
      const { index, chosen } = await page.evaluate((j) => (window as unknown as { bordeBench: Bench }).bordeBench.open(j), job);
      return {
        async sample(runs) {
          const before = await cpuMs();
          await page.evaluate(([i, r]) => (window as unknown as { bordeBench: Bench }).bordeBench.sample(i, r), [index, runs] as const);
          return (await cpuMs()) - before;
        },
        dispose: () => page.evaluate((i) => (window as unknown as { bordeBench: Bench }).bordeBench.dispose(i), index),
        chosen,
      };
    }));
  }

  return {
    jobFor: (model) => ({
      model: `/models/${basename(model.path)}`,
      ...(model.originalDir ? { original: `/originals/${basename(dirname(model.originalDir))}/model.json` } : {}),
    }),
    row: (job) => inFreshPage<RowResult>((page) => page.evaluate(
      (j) => (window as unknown as { bordeBench: { row(x: RowJob): Promise<RowResult> } }).bordeBench.row(j), job)),
    paired: (jobs) => inFreshPage<PairedResult>((page) => pairedOnCpuTime(page, jobs)),
    get outsideRequests() {
      return session.outsideRequests;
    },
    get notFound() {
      return session.server.notFound;
    },
    userAgent,
    close: () => session.close(),
  };
}
