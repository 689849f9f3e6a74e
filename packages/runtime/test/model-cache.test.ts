// The model cache's decisions, in Node, with an in-memory CacheStorage and a scripted server. The real
// Cache Storage of Chromium is exercised by test/browser/screening.test.ts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CacheError,
  FetchError,
  IntegrityError,
  QuotaError,
  createModelManifest,
  deleteCachedModel,
  fetchModel,
  fetchModelDetailed,
  manifestUrlFor,
  type DownloadProgress,
} from '../src/index.js';

const MODEL_URL = 'https://app.example/models/m.tflite';
const model = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 251);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A server holding files by URL; `offline` makes every request fail like a dropped network. */
function server(files: Record<string, Uint8Array | string>) {
  const state = { offline: false, requests: [] as string[] };
  const fetchImpl = (async (input: RequestInfo | URL) => {
    const url = String(input);
    state.requests.push(url);
    if (state.offline) throw new TypeError('Failed to fetch');
    const body = files[url];
    if (body === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' });
    // Chunked body so progress has several steps.
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.slice(i, i + 1024));
        controller.close();
      },
    });
    return new Response(stream, { headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
  return { files, state, fetch: fetchImpl };
}

/** Enough of CacheStorage for the store: open, match, put, delete; `full` makes put fail like a full disk. */
function memoryCaches() {
  const buckets = new Map<string, Map<string, { body: Uint8Array; headers: [string, string][] }>>();
  const state = { full: false };
  const caches = {
    async open(name: string) {
      const bucket = buckets.get(name) ?? new Map();
      buckets.set(name, bucket);
      return {
        async match(url: string) {
          const entry = bucket.get(url);
          return entry ? new Response(entry.body.slice() as BufferSource, { headers: entry.headers }) : undefined;
        },
        async put(url: string, response: Response) {
          if (state.full) throw new DOMException('quota', 'QuotaExceededError');
          const headers: [string, string][] = [];
          response.headers.forEach((value, key) => headers.push([key, value]));
          bucket.set(url, { body: new Uint8Array(await response.arrayBuffer()), headers });
        },
        async delete(url: string) {
          return bucket.delete(url);
        },
      } as unknown as Cache;
    },
  } as unknown as CacheStorage;
  const entry = (url = MODEL_URL) => buckets.get('borde-models-v1')?.get(url);
  return { caches, state, entry };
}

async function withManifest() {
  return server({ [MODEL_URL]: model, [manifestUrlFor(MODEL_URL)]: JSON.stringify(await createModelManifest(model)) });
}

describe('fetchModel', () => {
  it('downloads with progress and verifies a given sha256', async () => {
    const net = server({ [MODEL_URL]: model });
    const progress: DownloadProgress[] = [];
    const bytes = await fetchModel(MODEL_URL, { sha256: sha(model), fetch: net.fetch, onProgress: (p) => progress.push(p) });
    expect(bytes).toEqual(model);
    expect(progress.at(-1)).toEqual({ loaded: 3000, total: 3000 });
    expect(progress.length).toBeGreaterThan(2);
    expect(net.state.requests).toEqual([MODEL_URL]);
  });

  it('refuses a download whose sha256 differs, and stores nothing', async () => {
    const net = server({ [MODEL_URL]: model });
    const store = memoryCaches();
    const wrong = sha(new Uint8Array([1]));
    const error = await fetchModel(MODEL_URL, { cache: true, sha256: wrong, fetch: net.fetch, caches: store.caches }).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ code: 'INTEGRITY', where: 'download', expected: wrong, actual: sha(model) });
    expect(store.entry()).toBeUndefined();
  });

  it('caches with the manifest hash, then serves the cache (the manifest is revalidated each time)', async () => {
    const net = await withManifest();
    const store = memoryCaches();
    const first = await fetchModelDetailed(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
    expect(first).toMatchObject({ source: 'network', hashSource: 'manifest', sha256: sha(model) });
    const second = await fetchModelDetailed(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
    expect(second).toMatchObject({ source: 'cache', hashSource: 'manifest' });
    expect(second.bytes).toEqual(model);
    expect(net.state.requests.filter((url) => url === MODEL_URL)).toHaveLength(1);
  });

  it('offline, serves an intact cached copy checked against the hash recorded when it was stored', async () => {
    const net = await withManifest();
    const store = memoryCaches();
    await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
    net.state.offline = true;
    const again = await fetchModelDetailed(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
    expect(again).toMatchObject({ source: 'cache', hashSource: 'cache-record' });
  });

  for (const [name, tamper] of [
    ['tampered', (b: Uint8Array) => { const c = b.slice(); c[100] ^= 1; return c; }],
    ['truncated', (b: Uint8Array) => b.slice(0, 2000)],
  ] as const) {
    it(`a ${name} cached copy is discarded and fetched again`, async () => {
      const net = await withManifest();
      const store = memoryCaches();
      await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
      store.entry()!.body = tamper(store.entry()!.body);
      const again = await fetchModelDetailed(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
      expect(again).toMatchObject({ source: 'network', discarded: 'corrupt' });
      expect(again.bytes).toEqual(model);
      expect(store.entry()!.body).toEqual(model);
    });

    it(`offline, a ${name} cached copy fails with IntegrityError and is deleted, never returned`, async () => {
      const net = await withManifest();
      const store = memoryCaches();
      await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
      store.entry()!.body = tamper(store.entry()!.body);
      net.state.offline = true;
      const error = await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches }).catch((e) => e);
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ code: 'INTEGRITY', where: 'cache', expected: sha(model) });
      expect(error.refetchError).toBeInstanceOf(FetchError);
      expect(error.message).toMatch(/deleted and not run/);
      expect(store.entry()).toBeUndefined();
    });
  }

  it('a sha256 in the options wins over a cache entry rewritten together with its recorded hash', async () => {
    const net = await withManifest();
    const store = memoryCaches();
    await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
    const forged = model.slice();
    forged[0] ^= 0xff;
    store.entry()!.body = forged;
    store.entry()!.headers = store.entry()!.headers.map(([k, v]) => [k, k === 'x-borde-sha256' ? sha(forged) : v]);
    net.state.offline = true;
    const error = await fetchModel(MODEL_URL, { cache: true, sha256: sha(model), fetch: net.fetch, caches: store.caches }).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
  });

  it('a new model version (manifest changed) replaces the intact cached one', async () => {
    const net = await withManifest();
    const store = memoryCaches();
    await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
    const v2 = model.map((b) => b ^ 0x55);
    net.files[MODEL_URL] = v2;
    net.files[manifestUrlFor(MODEL_URL)] = JSON.stringify(await createModelManifest(v2));
    const again = await fetchModelDetailed(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches });
    expect(again).toMatchObject({ source: 'network', discarded: 'stale' });
    expect(again.bytes).toEqual(v2);
  });

  it('with cache on and no hash anywhere, refuses with CacheError NO_HASH', async () => {
    const net = server({ [MODEL_URL]: model });
    const error = await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: memoryCaches().caches }).catch((e) => e);
    expect(error).toBeInstanceOf(CacheError);
    expect(error).toMatchObject({ code: 'CACHE', reason: 'NO_HASH' });
    expect(error.message).toContain('m.tflite.sha256.json');
    // The fix it names exists: createModelManifest writes the file; the Vite plugin writes no manifest.
    expect(error.message).toMatch(/createModelManifest\(modelBytes\)\) \(from '@borde\/runtime'\)/);
    expect(error.message).not.toMatch(/Vite plugin/);
  });

  it('a malformed manifest is CacheError BAD_MANIFEST', async () => {
    const net = server({ [MODEL_URL]: model, [manifestUrlFor(MODEL_URL)]: '{"sha256":"abc"}' });
    const error = await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: memoryCaches().caches }).catch((e) => e);
    expect(error).toMatchObject({ code: 'CACHE', reason: 'BAD_MANIFEST' });
  });

  it('offline with nothing cached is FetchError without a status', async () => {
    const net = await withManifest();
    net.state.offline = true;
    const error = await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: memoryCaches().caches }).catch((e) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect(error).toMatchObject({ code: 'FETCH', status: undefined });
  });

  it('a full disk is QuotaError with the sizes and the verified bytes, not swallowed', async () => {
    const net = await withManifest();
    const store = memoryCaches();
    store.state.full = true;
    const error = await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch, caches: store.caches }).catch((e) => e);
    expect(error).toBeInstanceOf(QuotaError);
    expect(error).toMatchObject({ code: 'QUOTA', needed: 3000 });
    expect(error.model).toEqual(model);
  });

  it('without Cache Storage, cache: true is CacheError UNAVAILABLE (Node has none)', async () => {
    const net = await withManifest();
    const error = await fetchModel(MODEL_URL, { cache: true, fetch: net.fetch }).catch((e) => e);
    expect(error).toMatchObject({ code: 'CACHE', reason: 'UNAVAILABLE' });
    await expect(deleteCachedModel(MODEL_URL)).rejects.toMatchObject({ reason: 'UNAVAILABLE' });
  });
});
