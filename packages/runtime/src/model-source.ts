import { FetchError } from './errors.js';
import { importNodeModule } from './node-import.js';
import { isNodeRuntime } from './probe.js';

/** Where a model comes from: a URL (string or URL), its bytes, or (Node only) a file path. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

export interface SourceProgress {
  loaded: number;
  /** undefined when the server sends no usable Content-Length. */
  total: number | undefined;
}

export interface SourceOptions {
  onProgress?: ((progress: SourceProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('loadModel was aborted', 'AbortError');
}

/** Node: a path or file: URL is read from disk (Node's fetch does not support file: URLs). */
async function readNodeFile(source: string | URL, options: SourceOptions): Promise<Uint8Array> {
  const fs = await importNodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  const { fileURLToPath } = await importNodeModule<typeof import('node:url')>('node:url');
  const path = source instanceof URL || source.startsWith('file:') ? fileURLToPath(source) : source;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(path, options.signal ? { signal: options.signal } : {}));
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error;
    throw new FetchError(String(source), undefined, `cannot read the file: ${(error as Error).message}`, { cause: error });
  }
  options.onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength });
  return bytes;
}

async function download(url: string, options: SourceOptions): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error;
    throw new FetchError(url, undefined, `no response (${(error as Error).message}); the device may be offline`, { cause: error });
  }
  if (!response.ok) throw new FetchError(url, response.status, `HTTP ${response.status} ${response.statusText}`.trim());
  // With Content-Encoding the header counts compressed bytes, not the ones the reader yields.
  const header = response.headers.get('content-encoding') ? null : response.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    options.onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength });
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  options.onProgress?.({ loaded, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    options.onProgress?.({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[a-z]:[\\/]/i.test(text); // not a Windows drive path
}

/**
 * The model's bytes. Bytes pass through (an ArrayBuffer is wrapped, not copied). In browsers a string is a
 * URL relative to the page; in Node a string is a file path unless it starts with http(s): or file:.
 */
export async function readModelSource(source: ModelSource, options: SourceOptions = {}): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new TypeError('loadModel: the source must be a URL, a path (Node), a Uint8Array or an ArrayBuffer');
  }
  const text = typeof source === 'string' ? source : source.href;
  if (isNodeRuntime() && (text.startsWith('file:') || !looksLikeUrl(text))) return readNodeFile(source, options);
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const url = base ? new URL(text, base).href : text;
  const bytes = await download(url, options);
  throwIfAborted(options.signal);
  return bytes;
}

/** Lower-case hex sha256 (Web Crypto: browsers in secure contexts, Node >= 19). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('crypto.subtle is unavailable (serve the app from https:// or localhost)');
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
