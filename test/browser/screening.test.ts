// e2e over the built examples/screening app (static files from dist/) in Chromium: every request stays on the
// app's origin, the form's answers are the int8 model's outputs in LiteRT (Node), bad input is refused by the
// form, a reload with the network cut works (service worker + the runtime's model cache), and a tampered cached
// model is detected and never run. Builds the app first when dist/ is stale.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { breastCancerSplit, type BreastCancerRow } from '@borde/models';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_FILE, SPLIT_SEED } from '../../examples/screening/src/model-info.js';
import { launchBrowser, openLiteRtModel, type BrowserSession } from '../harness/index.js';

const APP = fileURLToPath(new URL('../../examples/screening/', import.meta.url));
const DIST = join(APP, 'dist');
const RUNTIME_SRC = fileURLToPath(new URL('../../packages/runtime/src/', import.meta.url));
const MODEL_PATH = `/models/${MODEL_FILE}`;
const CACHE_NAME = 'borde-models-v1';

/** Newest modification time under the given files/folders (skipping node_modules, dist, generated output). */
function newest(paths: string[]): number {
  let latest = 0;
  const visit = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const name of readdirSync(path)) if (!['node_modules', 'dist', 'generated', 'public'].includes(name)) visit(join(path, name));
    } else latest = Math.max(latest, info.mtimeMs);
  };
  for (const path of paths) if (existsSync(path)) visit(path);
  return latest;
}

async function buildIfStale(): Promise<void> {
  const built = join(DIST, 'index.html');
  const sources = [join(APP, 'src'), join(APP, 'scripts'), join(APP, 'index.html'), join(APP, 'vite.config.ts'), join(APP, 'package.json'), RUNTIME_SRC];
  if (existsSync(built) && existsSync(join(DIST, 'models', MODEL_FILE)) && statSync(built).mtimeMs >= newest(sources)) return;
  // Asynchronous, so the test worker keeps answering vitest while Vite works.
  // NODE_ENV: vitest sets 'test', which would make Vite build a development bundle (no service worker).
  const env = { ...process.env, NODE_ENV: 'production' };
  const child = spawn('pnpm', ['--filter', '@borde/example-screening', 'build'], { cwd: APP, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((done, fail) => child.once('error', fail).once('exit', done));
  if (code !== 0) throw new Error(`building examples/screening failed (exit ${code}); run: pnpm --filter @borde/example-screening build`);
}

let session: BrowserSession;
let rows: BreastCancerRow[];
let expected: number[];
let modelBytes: Uint8Array;

beforeAll(async () => {
  await buildIfStale();
  modelBytes = new Uint8Array(readFileSync(join(DIST, 'models', MODEL_FILE)));
  // Both classes of the held-out split, as the model's judge computes them in LiteRT.
  const { test } = breastCancerSplit(SPLIT_SEED);
  rows = [...test.filter((r) => r.label === 1).slice(0, 4), ...test.filter((r) => r.label === 0).slice(0, 4)];
  const litert = await openLiteRtModel(modelBytes);
  try {
    expected = [];
    for (const row of rows) {
      const [out] = await litert.run([{ dtype: 'float32', shape: [1, 9], data: Float32Array.from(row.features) }]);
      expected.push(Number(out!.data[0]));
    }
  } finally {
    litert.close();
  }
  session = await launchBrowser({ routes: { '/': DIST } });
}, 300_000); // a rebuild (model + Vite) takes 1-2 minutes on 2 busy cores

afterAll(async () => {
  await session?.close();
});

async function openApp(page: Page): Promise<void> {
  await page.goto(session.url('/'));
  await page.waitForSelector('body[data-state]', { timeout: 60_000 });
}

async function submit(page: Page, values: readonly (number | string)[]): Promise<void> {
  for (const [i, value] of values.entries()) await page.fill(`#f${i}`, String(value));
  await page.click('#compute');
}

describe('examples/screening (built, static, in Chromium)', () => {
  it('loads from its own origin only, and answers as the int8 model does in LiteRT', async () => {
    const page = session.page;
    await openApp(page);
    const failure = await page.textContent('#failure');
    expect(await page.getAttribute('body', 'data-state'), failure ?? '').toBe('ready');
    expect(await page.textContent('#privacy')).toMatch(/No data leaves this device/);
    expect(await page.textContent('#engine')).toMatch(/\S+ \/ \S+/);
    const engine = await page.getAttribute('body', 'data-engine');

    for (const [i, row] of rows.entries()) {
      const before = Number((await page.getAttribute('body', 'data-results')) ?? 0);
      await submit(page, row.features);
      await page.waitForSelector(`body[data-results="${before + 1}"]`);
      const shown = Number(await page.getAttribute('#probability', 'data-value'));
      // Same int8 kernels (XNNPACK) in both interpreters; the tfjs engine may differ by one output step (1/256).
      if (engine?.startsWith('interpreter/')) expect(shown, `row ${i}`).toBe(expected[i]);
      else expect(Math.abs(shown - expected[i]!), `row ${i} on ${engine}`).toBeLessThanOrEqual(1 / 256 + 1e-6);
      expect(await page.textContent('#probability')).toBe(`${(shown * 100).toFixed(1)} %`);
      // In words too: where the number sits between benign and malignant, and that it is not a diagnosis.
      const words = await page.textContent('#explanation');
      expect(words).toContain(`at ${(shown * 100).toFixed(1)} %: `);
      expect(words).toMatch(shown < 0.35 ? /unlikely to be malignant/ : shown < 0.65 ? /uncertain/ : /likely to be malignant/);
      expect(words).toMatch(/not a diagnosis/);
    }
    // Issue #16: the app shows its model's version (its sha256, as served) and the drift monitor's state,
    // scored against the calibration statistics the converter stored in the model.
    const sha = createHash('sha256').update(modelBytes).digest('hex');
    expect(await page.textContent('#model-version')).toBe(sha.slice(0, 12));
    expect(await page.getAttribute('body', 'data-drift')).toBe('collecting');
    expect(await page.textContent('#drift')).toBe(`collecting: ${rows.length} of 300 answers before drift is scored`);
    expect(session.outsideRequests).toEqual([]);
    // tfjs-tflite preloads its glue next to the page before its wasm path can be set: one known, same-origin 404.
    expect(session.server.notFound.filter((p) => !p.endsWith('favicon.ico') && !/^\/tflite_web_api_cc(_simd)?(_threaded)?\.js$/.test(p))).toEqual([]);

    // First visit, as a gzip-serving host would send it: every file the page requested, gzipped.
    const files = [...new Set(session.server.requested)].filter((p) => !session.server.notFound.includes(p));
    const sizes = files.map((p) => {
      const body = readFileSync(join(DIST, p === '/' ? 'index.html' : p.slice(1)));
      return { path: p, bytes: body.byteLength, gzip: gzipSync(body).byteLength };
    });
    const total = sizes.reduce((s, f) => ({ bytes: s.bytes + f.bytes, gzip: s.gzip + f.gzip }), { bytes: 0, gzip: 0 });
    console.log(`screening first visit (${engine}; the page and the service worker precaching the engine builds): ${files.length} files, ${total.bytes} bytes, ${total.gzip} gzip\n` +
      sizes.map((f) => `  ${f.path}: ${f.bytes} (${f.gzip} gzip)`).join('\n'));
  });

  it('reloads with the network cut: the service worker serves the page and engine, the runtime its cached model', async () => {
    const page = session.page;
    await openApp(page);
    await page.waitForSelector('body[data-offline-copy="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#offline')).toMatch(/works without network/);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const served = session.server.requested.length;
    await session.context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('body[data-state]', { timeout: 60_000 });
      const failure = await page.textContent('#failure');
      expect(await page.getAttribute('body', 'data-state'), failure ?? '').toBe('ready');
      await submit(page, rows[0]!.features);
      await page.waitForSelector('#result:not([hidden])');
      expect(Number(await page.getAttribute('#probability', 'data-value'))).toBeCloseTo(expected[0]!, 2);
      // Nothing reached the server: page, scripts and engine from the service worker, the model from the runtime's cache.
      expect(session.server.requested.slice(served)).toEqual([]);
    } finally {
      await session.context.setOffline(false);
    }
  });

  it('refuses 0, 11, abc and an empty field, in the form, with a message by the field', async () => {
    const page = session.page;
    await openApp(page);
    const good = rows[0]!.features;
    for (const bad of ['0', '11', 'abc', '', '2.5']) {
      const values = good.map((v, i) => (i === 3 ? bad : v));
      const before = (await page.getAttribute('body', 'data-results')) ?? '0';
      await submit(page, values);
      expect(await page.getAttribute('#f3', 'aria-invalid'), `value "${bad}"`).toBe('true');
      expect(await page.evaluate(() => (document.getElementById('f3') as HTMLInputElement).validity.valid)).toBe(false);
      expect((await page.textContent('#f3-error'))?.length, `message for "${bad}"`).toBeGreaterThan(10);
      expect(await page.isHidden('#result')).toBe(true);
      expect((await page.getAttribute('body', 'data-results')) ?? '0').toBe(before);
      // The other fields are fine and say nothing.
      expect(await page.textContent('#f0-error')).toBe('');
    }
    await submit(page, good);
    expect(await page.getAttribute('#f3', 'aria-invalid')).toBe('false');
    await page.waitForSelector('#result:not([hidden])');
  });

  it('a tampered cached model is detected and never run: refetched online, IntegrityError offline', async () => {
    const page = session.page;
    await openApp(page); // the model is cached now (earlier tests loaded it with cache: true)
    const modelUrl = session.url(MODEL_PATH);
    const cachedSha = async () =>
      page.evaluate(async ([name, url]) => {
        const response = await (await caches.open(name!)).match(url!);
        if (!response) return null;
        const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
        return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
      }, [CACHE_NAME, modelUrl]);
    const tamper = async () =>
      page.evaluate(async ([name, url]) => {
        const cache = await caches.open(name!);
        const response = (await cache.match(url!))!;
        const bytes = new Uint8Array(await response.arrayBuffer());
        bytes[bytes.length - 40] ^= 0x01; // one bit of a weight
        await cache.put(url!, new Response(bytes, { headers: response.headers }));
      }, [CACHE_NAME, modelUrl]);
    const { sha256 } = JSON.parse(readFileSync(join(DIST, 'models', `${MODEL_FILE}.sha256.json`), 'utf8')) as { sha256: string };
    expect(await cachedSha()).toBe(sha256);

    // Time to first result with the model from cache (since navigation start; reported, not asserted).
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    const readyAt = Number(await page.getAttribute('body', 'data-ready-at'));
    await submit(page, rows[0]!.features);
    await page.waitForSelector('#result:not([hidden])');
    const runMs = Number(await page.getAttribute('body', 'data-run-ms'));
    console.log(`screening from cache: ready ${readyAt} ms after navigation start, first run ${runMs} ms`);

    // Online: the bad copy is thrown away and the model fetched again; answers stay right.
    await tamper();
    expect(await cachedSha()).not.toBe(sha256);
    const requestsBefore = session.server.requested.filter((p) => p === MODEL_PATH).length;
    await page.reload();
    await page.waitForSelector('body[data-state]');
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    expect(session.server.requested.filter((p) => p === MODEL_PATH).length).toBe(requestsBefore + 1);
    expect(await cachedSha()).toBe(sha256);
    await submit(page, rows[0]!.features);
    await page.waitForSelector('#result:not([hidden])');
    expect(Number(await page.getAttribute('#probability', 'data-value'))).toBeCloseTo(expected[0]!, 2);

    // Offline for the model (its requests fail like a dropped network): the bad copy fails, is deleted, never runs.
    await tamper();
    await page.route('**/models/**', (route) => route.abort('internetdisconnected'));
    try {
      await page.reload();
      await page.waitForSelector('body[data-state]');
      expect(await page.getAttribute('body', 'data-state')).toBe('error');
      expect(await page.getAttribute('#failure', 'data-code')).toBe('INTEGRITY');
      expect(await page.textContent('#failure')).toMatch(/^IntegrityError \(INTEGRITY\): cached model .*sha256.*not run/s);
      expect(await page.isDisabled('#compute')).toBe(true);
      expect(await cachedSha()).toBeNull();
    } finally {
      await page.unroute('**/models/**');
    }
    expect(session.outsideRequests).toEqual([]);
  });
});
