import { FetchError } from '../errors.js';

/** Bytes received so far; `total` is undefined when neither the server nor a manifest says the size. */
export interface DownloadProgress {
  loaded: number;
  total: number | undefined;
}

export interface DownloadOptions {
  fetch: typeof fetch;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Size known from a manifest; used as `total` when the response does not give a usable Content-Length. */
  expectedSize?: number | undefined;
}

/** GETs `url` into one Uint8Array, reporting progress per chunk. Failures become FetchError (aborts pass through). */
export async function downloadBytes(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const response = await request(url, options.fetch, options.signal, {});
  // With Content-Encoding the header counts compressed bytes, not the ones the reader yields.
  const header = response.headers.get('content-encoding') ? null : response.headers.get('content-length');
  const total = options.expectedSize ?? (header !== null && /^\d+$/.test(header) ? Number(header) : undefined);
  const onProgress = options.onProgress;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress?.({ loaded: bytes.byteLength, total: total ?? bytes.byteLength });
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress?.({ loaded, total });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.({ loaded, total });
    }
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new FetchError(url, response.status, `the download broke off after ${loaded} bytes (${message(error)})`, { cause: error });
  }
  return concat(chunks, loaded);
}

/** fetch() with errors turned into FetchError: HTTP status, or no response at all (offline). */
export async function request(
  url: string,
  fetchImpl: typeof fetch,
  signal: AbortSignal | undefined,
  init: RequestInit,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new FetchError(url, undefined, `no response (${message(error)}); the device may be offline`, { cause: error });
  }
  if (!response.ok) {
    throw new FetchError(url, response.status, `HTTP ${response.status} ${response.statusText}`.trim());
  }
  return response;
}

export function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.byteLength === length) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
