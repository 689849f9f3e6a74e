// `pnpm bench:examples` (part of `pnpm bench`): for each built example app (examples/<name>/dist), the bytes a
// first visit transfers (every file served, gzipped as a gzip-serving host would send it) and the time to
// the first result when the app starts again from its caches. Kiosk: network cut (context.setOffline),
// reload with the fake camera, first detection. Screening (no service worker): a repeat visit, the model
// from the runtime's verified Cache Storage copy; first result = form ready + one computed answer.
// Examples that are not built are reported as such (build them with `pnpm --filter <package> build`).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchBrowser, type BrowserSession } from '../../test/harness/browser.js';
import { writeFakeCamera } from '../../examples/kiosk/scripts/fake-camera.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TIMEOUT = { timeout: 90_000 };

interface ExampleFigures {
  example: string;
  built: boolean;
  engine?: string;
  firstVisit?: { files: number; bytes: number; gzipBytes: number };
  fromCache?: { how: string; firstResultMs: number };
  /** Requests that tried to leave 127.0.0.1 (aborted by the guard); must be 0. */
  outsideRequests?: number;
  error?: string;
}

function firstVisitBytes(session: BrowserSession, dist: string): NonNullable<ExampleFigures['firstVisit']> {
  const served = [...new Set(session.server.requested)].filter((p) => !session.server.notFound.includes(p));
  let bytes = 0;
  let gzipBytes = 0;
  for (const path of served) {
    const body = readFileSync(join(dist, path === '/' || path.endsWith('/') ? `${path.slice(1)}index.html` : path.slice(1)));
    bytes += body.byteLength;
    gzipBytes += gzipSync(body).byteLength;
  }
  return { files: served.length, bytes, gzipBytes };
}

async function kiosk(dist: string): Promise<ExampleFigures> {
  const videoDir = mkdtempSync(join(tmpdir(), 'borde-bench-camera-'));
  const video = join(videoDir, 'astronaut.y4m');
  writeFakeCamera(video);
  const session = await launchBrowser({
    routes: { '/': dist },
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const { page } = session;
    await page.goto(session.url('/'));
    await page.waitForSelector('body[data-state="ready"]', TIMEOUT);
    await page.waitForSelector('body[data-offline-copy="ready"]', TIMEOUT);
    const engine = await page.evaluate(() => document.body.dataset.engine);
    const firstVisit = firstVisitBytes(session, dist);
    await session.context.setOffline(true);
    await page.goto(session.url('/?camera'));
    await page.waitForFunction(() => Number(document.body.dataset.results ?? 0) > 0 && document.body.dataset.source === 'camera', undefined, TIMEOUT);
    const firstResultMs = Number(await page.evaluate(() => document.body.dataset.firstResultAt));
    return { example: 'kiosk', built: true, outsideRequests: session.outsideRequests.length, ...(engine ? { engine } : {}), firstVisit, fromCache: { how: 'offline reload (service worker), first face found in the fake camera stream, ms since navigation', firstResultMs } };
  } finally {
    await session.close();
    rmSync(videoDir, { recursive: true, force: true });
  }
}

async function screening(dist: string): Promise<ExampleFigures> {
  const session = await launchBrowser({ routes: { '/': dist } });
  try {
    const { page } = session;
    const visit = async () => {
      await page.waitForSelector('body[data-state="ready"]', TIMEOUT);
      const before = Number((await page.getAttribute('body', 'data-results')) ?? 0);
      for (const [i, value] of [5, 1, 1, 1, 2, 1, 3, 1, 1].entries()) await page.fill(`#f${i}`, String(value));
      await page.click('#compute');
      await page.waitForSelector(`body[data-results="${before + 1}"]`, TIMEOUT);
      return page.evaluate(() => ({ readyAt: Number(document.body.dataset.readyAt), runMs: Number(document.body.dataset.runMs), engine: document.body.dataset.engine }));
    };
    await page.goto(session.url('/'));
    const { engine } = await visit();
    const firstVisit = firstVisitBytes(session, dist);
    await page.goto(session.url('/'));
    const again = await visit();
    return {
      example: 'screening', built: true, outsideRequests: session.outsideRequests.length, ...(engine ? { engine } : {}), firstVisit,
      fromCache: { how: 'repeat visit, model from the verified Cache Storage copy: form ready (ms since navigation) + one answer', firstResultMs: again.readyAt + again.runMs },
    };
  } finally {
    await session.close();
  }
}

const examples: [string, string, (dist: string) => Promise<ExampleFigures>][] = [
  ['kiosk', '@borde/example-kiosk', kiosk],
  ['screening', '@borde/example-screening', screening],
];
const figures: ExampleFigures[] = [];
for (const [name, pkg, measure] of examples) {
  const dist = join(root, `examples/${name}/dist`);
  if (!existsSync(join(dist, 'index.html'))) {
    figures.push({ example: name, built: false, error: `not built: pnpm --filter ${pkg} build` });
    continue;
  }
  try {
    figures.push(await measure(dist));
  } catch (error) {
    figures.push({ example: name, built: true, error: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
  }
}

console.log('\nExample apps (built dist/ served from 127.0.0.1, offline guard on):');
console.log('example     engine                    first visit: files      bytes    gzip bytes   first result from cache (ms)');
for (const f of figures) {
  if (!f.firstVisit || !f.fromCache) {
    console.log(`${f.example.padEnd(11)} ${f.error}`);
    continue;
  }
  if (f.outsideRequests) console.log(`${f.example}: ${f.outsideRequests} request(s) tried to leave the machine (aborted)`);
  console.log(`${f.example.padEnd(11)} ${(f.engine ?? '?').padEnd(25)} ${String(f.firstVisit.files).padStart(18)} ${f.firstVisit.bytes.toLocaleString('en').padStart(10)} ${f.firstVisit.gzipBytes.toLocaleString('en').padStart(13)}   ${f.fromCache.firstResultMs.toFixed(0).padStart(8)}  (${f.fromCache.how})`);
}
await mkdir(join(root, 'bench-results'), { recursive: true });
await writeFile(join(root, 'bench-results/examples.json'), `${JSON.stringify({ date: new Date().toISOString(), examples: figures }, null, 1)}\n`);
console.log('Wrote bench-results/examples.json.');
