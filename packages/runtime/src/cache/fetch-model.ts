import { CacheError, FetchError, IntegrityError } from '../errors.js';
import { downloadBytes, type DownloadProgress } from './download.js';
import { manifestUrlFor, readManifest, type ModelManifest } from './manifest.js';
import { normalizeSha256, sha256Hex } from './sha256.js';
import { DEFAULT_MODEL_CACHE, ModelStore, type CachedModel } from './store.js';

export interface FetchModelOptions {
  /** Keep the verified bytes in Cache Storage and serve them from there next time (offline too). Default false. */
  cache?: boolean;
  /** Expected sha256 (hex). The strongest check: it ships in the app's code, so tampering with storage cannot change it. */
  sha256?: string;
  /**
   * URL of the model's manifest `{ "sha256", "size"? }`. Default `<model URL>.sha256.json`, read when `cache`
   * is on and no `sha256` is given. `false` never reads one.
   */
  manifest?: string | false;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Cache Storage bucket. Default 'borde-models-v1'. */
  cacheName?: string;
  /** For tests and workers: the fetch and CacheStorage to use (default the global ones). */
  fetch?: typeof fetch;
  caches?: CacheStorage;
}

/** Where the expected hash came from. 'none': nothing to check against (cache off, no sha256, no manifest). */
export type HashSource = 'option' | 'manifest' | 'cache-record' | 'none';

export interface FetchedModel {
  bytes: Uint8Array;
  /** sha256 of `bytes` (hex). */
  sha256: string;
  source: 'network' | 'cache';
  hashSource: HashSource;
  /**
   * Set when a cached copy was thrown away before these bytes were fetched: 'corrupt' (its bytes no longer
   * match what was stored: tampered or truncated), 'stale' (intact, but the expected hash is a newer model).
   */
  discarded?: 'corrupt' | 'stale';
  /** Absolute URL the bytes belong to (the cache key). */
  url: string;
}

export type { DownloadProgress };

/** Model bytes from `url`, verified; see fetchModelDetailed for what happens on the way. */
export async function fetchModel(url: string, options: FetchModelOptions = {}): Promise<Uint8Array> {
  return (await fetchModelDetailed(url, options)).bytes;
}

/**
 * Downloads a model with progress, or takes it from the cache; either way its sha256 is checked before the
 * bytes are returned, so nothing unverified is ever run.
 *
 * The expected hash comes from `sha256`, else the manifest (fetched each time when online, so a new model
 * version replaces the cached one), else, when the manifest cannot be reached (offline), the hash recorded
 * next to the cached copy when it was stored after passing the check. The last one catches truncation and
 * tampering with the bytes alone; only `sha256` in the app's code also resists someone who rewrites both.
 *
 * A cached copy that fails is deleted and fetched again; if that fetch fails (offline), IntegrityError
 * (where 'cache'). A download that fails is never stored: IntegrityError (where 'download').
 */
export async function fetchModelDetailed(url: string, options: FetchModelOptions = {}): Promise<FetchedModel> {
  const absolute = absoluteUrl(url);
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const signal = options.signal;
  const given = options.sha256 === undefined ? undefined : normalizeSha256(options.sha256);
  if (options.sha256 !== undefined && !given) {
    throw new CacheError('NO_HASH', absolute, `the sha256 option for ${absolute} is not 64 hex digits: "${options.sha256}"`);
  }
  const manifestUrl =
    given || options.manifest === false
      ? undefined
      : typeof options.manifest === 'string'
        ? absoluteUrl(options.manifest)
        : options.cache
          ? manifestUrlFor(absolute)
          : undefined;

  let manifest: ModelManifest | undefined;
  let manifestError: FetchError | undefined;
  if (manifestUrl) {
    try {
      manifest = await readManifest(manifestUrl, absolute, fetchImpl, signal);
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      manifestError = error;
    }
  }

  const store = options.cache ? await ModelStore.open(absolute, options.cacheName ?? DEFAULT_MODEL_CACHE, options.caches) : undefined;
  const cached = store ? await store.get(absolute) : undefined;

  let expected: string | undefined = given ?? manifest?.sha256;
  let hashSource: HashSource = given ? 'option' : manifest ? 'manifest' : 'none';
  if (!expected && manifestError) {
    if (cached?.recordedSha256) {
      expected = cached.recordedSha256;
      hashSource = 'cache-record';
    } else if (manifestError.status === undefined) {
      throw manifestError; // offline, and nothing usable cached
    } else {
      throw new CacheError(
        'NO_HASH',
        absolute,
        `no sha256 to verify ${absolute}: the manifest ${manifestUrl} gave HTTP ${manifestError.status}. ` +
          `Deploy it next to the model: write JSON.stringify(await createModelManifest(modelBytes)) (from '@borde/runtime') ` +
            `to the file served at ${manifestUrl}, e.g. in the script that builds the model; or pass { sha256 }, or name another manifest with { manifest }.`,
        { cause: manifestError },
      );
    }
  }

  let discarded: FetchedModel['discarded'];
  if (cached && store) {
    const actual = await sha256Hex(cached.bytes);
    if (expected && actual === expected) {
      return { bytes: cached.bytes, sha256: actual, source: 'cache', hashSource, url: absolute };
    }
    discarded = discardReason(cached, actual);
    await store.delete(absolute);
    try {
      return await download(absolute, expected, hashSource, manifest, store, fetchImpl, options, discarded);
    } catch (error) {
      if (error instanceof FetchError) {
        throw new IntegrityError(absolute, 'cache', expected ?? cached.recordedSha256 ?? 'unknown', actual, cached.bytes.byteLength, error);
      }
      throw error;
    }
  }
  return download(absolute, expected, hashSource, manifest, store, fetchImpl, options, discarded);
}

async function download(
  url: string,
  expected: string | undefined,
  hashSource: HashSource,
  manifest: ModelManifest | undefined,
  store: ModelStore | undefined,
  fetchImpl: typeof fetch,
  options: FetchModelOptions,
  discarded: FetchedModel['discarded'],
): Promise<FetchedModel> {
  const bytes = await downloadBytes(url, {
    fetch: fetchImpl,
    signal: options.signal,
    onProgress: options.onProgress,
    expectedSize: manifest?.size,
  });
  const actual = await sha256Hex(bytes);
  if (expected && actual !== expected) throw new IntegrityError(url, 'download', expected, actual, bytes.byteLength);
  // Stored only after the check; a cache entry always holds bytes that once matched the expected hash.
  if (store) await store.put(url, bytes, actual);
  return { bytes, sha256: actual, source: 'network', hashSource, url, ...(discarded ? { discarded } : {}) };
}

function discardReason(cached: CachedModel, actual: string): 'corrupt' | 'stale' {
  return cached.recordedSha256 === actual ? 'stale' : 'corrupt';
}

function absoluteUrl(url: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(url, base).href;
  } catch {
    throw new CacheError('UNAVAILABLE', url, `"${url}" is not a URL (relative URLs need a page to resolve against)`);
  }
}

/** Deletes the cached copy of `url` (e.g. to free space). True when there was one. */
export async function deleteCachedModel(url: string, options: { cacheName?: string; caches?: CacheStorage } = {}): Promise<boolean> {
  const absolute = absoluteUrl(url);
  const store = await ModelStore.open(absolute, options.cacheName ?? DEFAULT_MODEL_CACHE, options.caches);
  return store.delete(absolute);
}
