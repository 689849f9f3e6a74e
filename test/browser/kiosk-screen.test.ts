// The kiosk's screen for a person in front of it (issue #14), built app in Chromium at 1024x900: an instruction
// before anything else, download progress that covers the model and the engine with totals, the status block in
// view without scrolling, errors in words (never a DOMException number) that clear once things work again, and a
// file that cannot be read clears the previous picture and face count. No camera device here: starting the
// camera fails, which is one of the errors checked.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_PATH } from '../../examples/kiosk/src/model-info.js';
import { buildExampleIfStale } from '../harness/example-build.js';
import { launchBrowser, type BrowserSession } from '../harness/index.js';

const APP = fileURLToPath(new URL('../../examples/kiosk/', import.meta.url));
const IMAGE = join(APP, 'calibration', 'astronaut.png');
const VIEWPORT = { width: 1024, height: 900 };

let session: BrowserSession;

beforeAll(async () => {
  await buildExampleIfStale({ app: APP, name: '@borde/example-kiosk', outputs: ['sw.js', MODEL_PATH] });
  session = await launchBrowser({ routes: { '/': join(APP, 'dist') } });
  await session.page.setViewportSize(VIEWPORT);
  // Every text the model status line shows, in order (progress is too quick to sample from the test).
  await session.page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { statusLog: string[] }).statusLog = seen;
    new MutationObserver(() => {
      const text = document.getElementById('model-status')?.textContent ?? '';
      if (text && text !== seen.at(-1)) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}, 300_000);

afterAll(async () => {
  if (session) {
    expect(session.outsideRequests).toEqual([]);
    await session.close();
  }
});

/** Whether the element is laid out and ends inside the viewport (no scrolling needed to see it). */
async function inView(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  return box !== null && box.height > 0 && box.y >= 0 && box.y + box.height <= VIEWPORT.height;
}

const failure = (page: Page) => page.evaluate(() => {
  const element = document.getElementById('failure')!;
  return { hidden: element.hidden, text: element.textContent ?? '' };
});

describe('examples/kiosk screen (built, Chromium, 1024x900)', () => {
  it('starts with an instruction, shows model and engine downloads with totals, keeps the status in view', async () => {
    const { page } = session;
    await page.goto(session.url('/'));
    expect(await page.isVisible('#instruction')).toBe(true);
    expect(await page.isHidden('#view')).toBe(true); // no black canvas before there is a picture
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 60_000 });
    expect(await page.getAttribute('body', 'data-state'), (await failure(page)).text).toBe('ready');
    expect(await page.textContent('#instruction')).toMatch(/Press Start camera, or choose an image file/);

    const log = await page.evaluate(() => (window as unknown as { statusLog: string[] }).statusLog);
    // The model with its total, then the engine's wasm with its total, up to the last byte.
    expect(log.some((t) => /^downloading: model \d+ kB of \d+ kB; engine next$/.test(t)), log.join('\n')).toBe(true);
    const engineDone = log.find((t) => /engine (\d+(?:\.\d)? MB) of \1$/.test(t));
    expect(engineDone, log.join('\n')).toBeDefined();
    expect(log.some((t) => /engine \d+(?:\.\d)? [kM]B of \d+(?:\.\d)? MB$/.test(t) && t !== engineDone), 'progress before the end').toBe(true);
    expect(await page.textContent('#model-status')).toMatch(/ready in \d+ ms \(sha256 verified; model \d+ kB \+ engine \d+(\.\d)? MB\)/);
    expect(await page.isHidden('#download')).toBe(true);

    for (const selector of ['#instruction', '#camera', '#file', '#model-status', '#engine', '#faces', '#sw']) {
      expect(await inView(page, selector), `${selector} in view without scrolling`).toBe(true);
    }
    await page.setInputFiles('#file', IMAGE);
    await page.waitForFunction(() => document.body.dataset.source === 'image', undefined, { timeout: 60_000 });
    expect(await page.textContent('#faces')).toBe('1');
    for (const selector of ['#view', '#model-status', '#latency', '#faces']) {
      expect(await inView(page, selector), `${selector} in view with a picture shown`).toBe(true);
    }
    expect(await page.isHidden('#instruction')).toBe(true);
  });

  it('a file that is not an image: the error says so in words, the old picture and count go; a good file clears it', async () => {
    const { page } = session;
    await page.setInputFiles('#file', { name: 'holiday.png', mimeType: 'image/png', buffer: Buffer.from('these bytes are not a picture') });
    await page.waitForFunction(() => !document.getElementById('failure')!.hidden);
    const shown = await failure(page);
    expect(shown.text).toMatch(/could not be read as an image/);
    expect(shown.text).not.toMatch(/\(\d+\)|DOMException|InvalidStateError/);
    expect(await page.textContent('#faces')).toBe('-');
    expect(await page.evaluate(() => document.body.dataset.faces)).toBeUndefined();
    expect(await page.isHidden('#view')).toBe(true);
    expect(await page.isVisible('#instruction')).toBe(true);
    expect(await inView(page, '#failure')).toBe(true);

    const results = Number(await page.getAttribute('body', 'data-results'));
    await page.setInputFiles('#file', IMAGE);
    await page.waitForFunction((n) => Number(document.body.dataset.results) > n, results);
    expect(await failure(page)).toEqual({ hidden: true, text: '' });
    expect(await page.textContent('#faces')).toBe('1');
  });

  it('a camera that cannot start: the error names the camera problem in words and goes once a picture works', async () => {
    const { page } = session;
    await page.click('#camera');
    await page.waitForFunction(() => !document.getElementById('failure')!.hidden, undefined, { timeout: 30_000 });
    const shown = await failure(page);
    console.log(`kiosk camera error as shown: ${shown.text}`);
    expect(shown.text).toMatch(/^Camera: /);
    expect(shown.text).toMatch(/choose an image file|Start camera again/);
    expect(shown.text).not.toMatch(/\(\d+\)|DOMException/);
    // The model is still loaded: the camera failing does not mark it "not loaded".
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');

    const results = Number(await page.getAttribute('body', 'data-results'));
    await page.setInputFiles('#file', IMAGE);
    await page.waitForFunction((n) => Number(document.body.dataset.results) > n, results);
    expect(await failure(page)).toEqual({ hidden: true, text: '' });
  });
});
