import { CacheError, QuotaError } from '../errors.js';
import { storageEstimate } from './persist.js';

/** Cache Storage bucket that holds verified model bytes, keyed by the model's absolute URL. */
export const DEFAULT_MODEL_CACHE = 'borde-models-v1';

/** The sha256 the bytes had when they were stored (checked again on every read). */
const SHA256_HEADER = 'x-borde-sha256';

export interface CachedModel {
  bytes: Uint8Array;
  /** The hash recorded when the copy was stored; undefined if the entry was not written by Borde. */
  recordedSha256: string | undefined;
}

/**
 * Model bytes in Cache Storage. Chosen over IndexedDB because entries are keyed by URL like the fetch they
 * replace, a service worker (workbox) and the DevTools see them, and bytes are stored without a schema to
 * migrate or a structured clone of tens of MB.
 */
export class ModelStore {
  private constructor(
    private readonly cache: Cache,
    private readonly name: string,
  ) {}

  static async open(modelUrl: string, name: string, storage: CacheStorage | undefined): Promise<ModelStore> {
    const caches = storage ?? (globalThis as { caches?: CacheStorage }).caches;
    if (!caches) {
      throw new CacheError(
        'UNAVAILABLE',
        modelUrl,
        `Cache Storage is not available here, so ${modelUrl} cannot be cached. It exists only in secure contexts: ` +
          'serve the app from https:// or http://localhost, or load with cache: false.',
      );
    }
    try {
      return new ModelStore(await caches.open(name), name);
    } catch (error) {
      throw new CacheError('UNAVAILABLE', modelUrl, `cannot open the model cache "${name}": ${String(error)}. Load with cache: false.`, {
        cause: error,
      });
    }
  }

  async get(url: string): Promise<CachedModel | undefined> {
    const response = await this.cache.match(url);
    if (!response) return undefined;
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      recordedSha256: response.headers.get(SHA256_HEADER) ?? undefined,
    };
  }

  async put(url: string, bytes: Uint8Array, sha256: string): Promise<void> {
    const response = new Response(bytes as BufferSource, {
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        [SHA256_HEADER]: sha256,
        'x-borde-stored-at': new Date().toISOString(),
      },
    });
    try {
      await this.cache.put(url, response);
    } catch (error) {
      if (isQuotaError(error)) {
        const { quota, usage } = await storageEstimate();
        throw new QuotaError(url, bytes, quota, usage, { cause: error });
      }
      throw new CacheError('STORE_FAILED', url, `could not store ${url} in the cache "${this.name}": ${String(error)}`, {
        cause: error,
      });
    }
  }

  async delete(url: string): Promise<boolean> {
    return this.cache.delete(url);
  }
}

function isQuotaError(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}
