// One Chromium for every consumer check; each page gets a fresh context whose requests may go to the app's
// own origin only (everything else is aborted and recorded), and whose console is recorded.
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/browser.js';

export interface PageResult {
  /** The JSON the page printed in #out, parsed. */
  readonly result: Record<string, unknown>;
  /** Requests to any other origin (all aborted). */
  readonly outsideRequests: readonly string[];
  /** console.error messages and uncaught errors. */
  readonly errors: readonly string[];
  /** console.warn messages (engines' and probes' noise shows up here). */
  readonly warnings: readonly string[];
  /** Same-origin responses with status >= 400. */
  readonly failedRequests: readonly string[];
  readonly ms: number;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
}

/** Opens `url`, waits until the page's #out holds its JSON (or FAILED ...), and reports what happened. */
export async function openApp(browser: Browser, url: string, timeoutMs = 120_000): Promise<PageResult> {
  const origin = new URL(url).origin;
  const context = await browser.newContext();
  const outsideRequests: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const failedRequests: string[] = [];
  try {
    await context.route('**/*', (route) => {
      const target = route.request().url();
      if (target.startsWith(`${origin}/`) || target === origin || target.startsWith('data:')) return route.continue();
      outsideRequests.push(target);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
      if (message.type() === 'warning') warnings.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
    });
    const started = performance.now();
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'loading', null, { timeout: timeoutMs });
    const ms = performance.now() - started;
    const text = (await page.textContent('#out')) ?? '';
    if (!text.startsWith('{')) throw new Error(`the page printed: ${text}\nconsole errors: ${errors.join('\n') || 'none'}`);
    return { result: JSON.parse(text) as Record<string, unknown>, outsideRequests, errors, warnings, failedRequests, ms };
  } finally {
    await context.close();
  }
}
