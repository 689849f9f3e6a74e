// Chromium side of `pnpm bench:runtime`: Debian's Chromium through playwright-core with the offline
// guard on (every request off the local server is aborted and recorded), the page bundle served from
// /app/ with the engines' assets at /app/assets/, and one fresh page per row.
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, type BrowserSession } from '../../test/harness/browser.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../../test/harness/runtime-bundle.js';
import { describeFailure, type PairedResult, type RowResult } from './runtime-timing.js';
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

  /** Opens a fresh page, calls bordeBench[method](arg) there within ROW_TIMEOUT_MS, closes the page. */
  async function inFreshPage<T extends RowResult | PairedResult>(method: 'row' | 'paired', arg: unknown): Promise<T> {
    const page = await session.context.newPage();
    let timer: NodeJS.Timeout | undefined;
    try {
      await page.goto(session.url('/app/index.html'));
      await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
      const measured = page.evaluate(
        ([m, a]) => (window as unknown as { bordeBench: Record<string, (x: unknown) => Promise<T>> }).bordeBench[m]!(a),
        [method, arg] as const,
      ) as Promise<T>;
      const timeout = new Promise<T>((done) => {
        timer = setTimeout(() => done({ ok: false, error: `timed out after ${ROW_TIMEOUT_MS / 1000} s` } as T), ROW_TIMEOUT_MS);
      });
      return await Promise.race([measured, timeout]);
    } catch (error) {
      return { ok: false, error: describeFailure(error).replace(/^page\.evaluate: (Error: )?/, '') } as T;
    } finally {
      clearTimeout(timer);
      await page.close().catch(() => undefined);
    }
  }

  return {
    jobFor: (model) => ({
      model: `/models/${basename(model.path)}`,
      ...(model.originalDir ? { original: `/originals/${basename(dirname(model.originalDir))}/model.json` } : {}),
    }),
    row: (job) => inFreshPage<RowResult>('row', job),
    paired: (jobs) => inFreshPage<PairedResult>('paired', jobs),
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
