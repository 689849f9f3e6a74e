/**
 * Progress of the engines' own downloads (a few MB of wasm, fetched by the engines, not by Borde). While an
 * engine loads, responses to `fetch` for URLs under the assets base are counted as their bytes arrive and
 * reported; no request is added. The engine gets the response itself, untouched (its URL keeps the browser's
 * compiled-code cache working); the bytes are counted on a clone of it. The engines call the global `fetch`, so
 * it is wrapped while at least one load listens, and restored after (unless someone else replaced it
 * meanwhile). Files an engine loads with a <script> tag (small js glue) are not seen.
 */

/** Bytes of one engine file so far; `total` from Content-Length when the server sends it. */
export interface EngineDownload {
  url: string;
  loaded: number;
  total: number | undefined;
}

interface Listener {
  base: string;
  report: (download: EngineDownload) => void;
}

const listeners = new Set<Listener>();
let original: typeof fetch | undefined;
let wrapper: typeof fetch | undefined;

function requestUrl(input: RequestInfo | URL): string {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(raw, (globalThis as { location?: { href: string } }).location?.href).href;
  } catch {
    return raw;
  }
}

/** Counting readers still running, per listener: a load waits for its own before it reports being done. */
const counting = new Map<Listener, Promise<void>[]>();

function count(response: Response, url: string, watchers: Listener[]): void {
  if (!response.ok || !response.body) return;
  const header = Number(response.headers.get('content-length'));
  // Content-Length counts encoded bytes; with gzip/br the decoded stream is longer, so no total then.
  const encoded = response.headers.get('content-encoding');
  const total = Number.isFinite(header) && header > 0 && (!encoded || encoded === 'identity') ? header : undefined;
  let loaded = 0;
  const tell = () => { for (const w of watchers) w.report({ url, loaded, total }); };
  tell();
  // A clone shares the download (the browser tees the body): reading it costs no request and no extra wait.
  const reader = response.clone().body!.getReader();
  const done = (async () => {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      loaded += chunk.value.byteLength;
      tell();
    }
  })().catch(() => undefined);
  for (const w of watchers) counting.get(w)?.push(done);
}

function install(): void {
  if (wrapper) return;
  const base = globalThis.fetch;
  original = base;
  wrapper = async (input, init) => {
    const response = await base(input, init);
    const url = requestUrl(input);
    const watchers = [...listeners].filter((l) => url.startsWith(l.base));
    if (watchers.length > 0) count(response, url, watchers);
    return response;
  };
  globalThis.fetch = wrapper;
}

function uninstall(): void {
  if (listeners.size > 0 || !wrapper) return;
  if (globalThis.fetch === wrapper && original) globalThis.fetch = original;
  wrapper = undefined;
  original = undefined;
}

/** Runs `work` (an engine load), reporting the bytes of files fetched from under `base` (an absolute URL). */
export async function watchEngineDownloads<T>(base: string, report: (download: EngineDownload) => void, work: () => Promise<T>): Promise<T> {
  if (typeof globalThis.fetch !== 'function' || typeof Response !== 'function') return work();
  const listener: Listener = { base, report };
  listeners.add(listener);
  counting.set(listener, []);
  install();
  try {
    const result = await work();
    // The engine has read its files; their last bytes reach the clones' readers at the same time.
    await Promise.all(counting.get(listener)!);
    return result;
  } finally {
    listeners.delete(listener);
    counting.delete(listener);
    uninstall();
  }
}
