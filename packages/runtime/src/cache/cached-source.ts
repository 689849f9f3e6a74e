import { readModelSource, type ModelSource, type SourceOptions } from '../model-source.js';
import { fetchModel } from './fetch-model.js';

/**
 * `loadModel(url, { cache })`: `true` caches with the hash from `<model>.sha256.json`; an object names the
 * sha256 (strongest: it ships in the app's code), another manifest URL, or another Cache Storage bucket.
 */
export type ModelCacheOption = boolean | { sha256?: string; manifest?: string | false; cacheName?: string };

/**
 * The model's bytes through the verified cache when `cache` asks for it and the source is a URL; bytes, and
 * file paths in Node, are read as usual (there is nothing to cache).
 */
export async function readModelSourceCached(source: ModelSource, cache: ModelCacheOption | undefined, options: SourceOptions): Promise<Uint8Array> {
  if (!cache || !isUrlSource(source)) return readModelSource(source, options);
  const settings = cache === true ? {} : cache;
  return fetchModel(String(source), {
    cache: true,
    ...settings,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

function isUrlSource(source: ModelSource): source is string | URL {
  if (source instanceof URL) return source.protocol === 'http:' || source.protocol === 'https:';
  if (typeof source !== 'string') return false;
  // In a page every string is a URL relative to it; elsewhere only http(s) URLs are fetched.
  if ((globalThis as { document?: unknown }).document !== undefined) return true;
  return /^https?:/i.test(source);
}
