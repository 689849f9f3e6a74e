import { CacheError, FetchError } from '../errors.js';
import { request } from './download.js';
import { normalizeSha256, sha256Hex } from './sha256.js';

/**
 * The integrity manifest of a model: a sidecar file `<model URL>.sha256.json` deployed next to the model,
 * `{ "sha256": "<64 hex>", "size": <bytes> }` (size optional). One file per model, so a model and its hash
 * are deployed (and cached by servers and service workers) together, and adding a model edits no shared file.
 */
export interface ModelManifest {
  sha256: string;
  size?: number;
}

/** Where the manifest of `modelUrl` lives by default. */
export function manifestUrlFor(modelUrl: string): string {
  const url = new URL(modelUrl);
  url.pathname += '.sha256.json';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** The manifest as deployed; write it with `JSON.stringify(await createModelManifest(bytes))`. */
export async function createModelManifest(bytes: Uint8Array): Promise<ModelManifest> {
  return { sha256: await sha256Hex(bytes), size: bytes.byteLength };
}

/** Fetches and checks a manifest. Network/HTTP failures are FetchError; a malformed file is CacheError BAD_MANIFEST. */
export async function readManifest(
  manifestUrl: string,
  modelUrl: string,
  fetchImpl: typeof fetch,
  signal: AbortSignal | undefined,
): Promise<ModelManifest> {
  // no-cache: revalidate with the server each time, so a new model version is noticed.
  const response = await request(manifestUrl, fetchImpl, signal, { cache: 'no-cache' });
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw badManifest(manifestUrl, modelUrl, 'it is not JSON', error);
  }
  const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const sha256 = normalizeSha256(record.sha256);
  if (!sha256) throw badManifest(manifestUrl, modelUrl, 'its "sha256" is not 64 hex digits');
  const size = record.size;
  if (size !== undefined && !(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) {
    throw badManifest(manifestUrl, modelUrl, 'its "size" is not a byte count');
  }
  return size === undefined ? { sha256 } : { sha256, size };
}

function badManifest(manifestUrl: string, modelUrl: string, what: string, cause?: unknown): CacheError {
  return new CacheError(
    'BAD_MANIFEST',
    modelUrl,
    `the manifest ${manifestUrl} of ${modelUrl} is unusable: ${what}. Expected {"sha256": "<64 hex>", "size": <bytes>}.`,
    { cause },
  );
}
