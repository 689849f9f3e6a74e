/**
 * Errors of @borde/runtime. Every error has a stable `code` that programs can switch on; messages name the
 * input, op or backend at fault and the option that fixes it.
 */
export type RuntimeErrorCode =
  | 'INPUT'
  | 'UNSUPPORTED_OPS'
  | 'BACKEND'
  | 'MODEL'
  | 'DISPOSED'
  | 'FETCH'
  | 'INTEGRITY'
  | 'CACHE'
  | 'QUOTA'
  | 'ENGINE_CRASH'
  | 'ASSET'
  | 'WORKER'
  | 'MONITOR'
  | 'DEPLOY';

export class RuntimeError extends Error {
  /** Set by name, not from the class: minifiers rename classes (`InputError` became `G`). */
  override readonly name: string = 'RuntimeError';
  readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A value passed to `run` does not fit the model input it was given for. */
export class InputError extends RuntimeError {
  override readonly name: string = 'InputError';
  /** The model input's name (or `inputs[i]` when it has none). */
  readonly input: string;
  readonly expected: string;
  readonly got: string;
  /** For a non-finite value (NaN, ±Infinity): the index of the first bad element in the input's data. */
  element: number | undefined;
  constructor(input: string, expected: string, got: string, hint?: string) {
    super('INPUT', `input "${input}": expected ${expected}, got ${got}${hint ? `. ${hint}` : ''}`);
    this.input = input;
    this.expected = expected;
    this.got = got;
  }
}

/** One operator of the model that nothing in this runtime can execute. */
export interface UnsupportedOp {
  /** Operator index in the subgraph. */
  index: number;
  /** Builtin name, or the custom code for custom operators. */
  opcode: string;
  reason: string;
}

/** Lists every unsupported operator at once, so a model is fixed in one pass. */
export class UnsupportedOpError extends RuntimeError {
  override readonly name: string = 'UnsupportedOpError';
  readonly ops: UnsupportedOp[];
  constructor(ops: UnsupportedOp[]) {
    const list = ops.map((o) => `  - operators[${o.index}] ${o.opcode}: ${o.reason}`).join('\n');
    super(
      'UNSUPPORTED_OPS',
      `${ops.length} operator(s) cannot run on the tfjs engine:\n${list}\n` +
        `Convert the model without them, or run it on the interpreter engine.`,
    );
    this.ops = ops;
  }
}

/** One try at getting a backend ready, and why it did or did not work. */
export interface BackendAttempt {
  backend: string;
  ok: boolean;
  reason: string;
}

/** None of the requested backends could be used; every attempt and its reason is listed. */
export class BackendError extends RuntimeError {
  override readonly name: string = 'BackendError';
  readonly attempts: BackendAttempt[];
  constructor(attempts: BackendAttempt[], options?: { cause?: unknown }) {
    const list = attempts.map((a) => `  - ${a.backend}: ${a.ok ? 'ok' : a.reason}`).join('\n');
    super(
      'BACKEND',
      `no requested backend is usable:\n${list}\nPass another list in the \`backends\` option (e.g. ['wasm', 'cpu']).`,
      options,
    );
    this.attempts = attempts;
  }
}

/** The model is structurally unusable by the executor (e.g. a constant it needs is missing). */
export class ModelError extends RuntimeError {
  override readonly name: string = 'ModelError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL', message, options);
  }
}

/**
 * An engine's wasm trapped (memory access out of bounds, unreachable, abort) while loading a model, or failed
 * while running one: a malformed model reached it. The engine was re-created, so other models (loaded before or after) keep
 * working; this model's run, or load, failed.
 */
export class EngineCrashError extends RuntimeError {
  override readonly name: string = 'EngineCrashError';
  readonly engine: string;
  readonly stage: 'load' | 'run';
  constructor(engine: string, stage: 'load' | 'run', detail: string, options?: { cause?: unknown }) {
    super(
      'ENGINE_CRASH',
      `${engine} ${stage === 'load' ? 'crashed while loading' : 'failed while running'} this model (${detail}); the engine was re-created and other models keep working. ` +
        'The model is malformed for this engine: check it with `borde inspect`, or try another backend.',
      options,
    );
    this.engine = engine;
    this.stage = stage;
  }
}

/** One engine file (wasm or its js glue) that could not be fetched. */
export interface MissingAsset {
  url: string;
  /** HTTP status, or undefined when no response came (network error, blocked, offline). */
  status: number | undefined;
  /** What went wrong, e.g. 'HTTP 404'. */
  detail: string;
  /** The npm package and folder it ships in, e.g. '@tensorflow/tfjs-tflite/wasm/'. */
  from: string;
}

/**
 * An engine's wasm/js files cannot be fetched from the assets base: the app was built without them. Names every
 * missing URL and how to ship them. After missing files `backend: 'auto'` tries only the other wasm engines, never
 * a GPU backend or the cpu (it could be a 10-60x slower software GPU); an explicit `backend` list is tried in full.
 */
export class AssetError extends RuntimeError {
  override readonly name: string = 'AssetError';
  /** The first missing file's URL. */
  readonly url: string;
  readonly missing: MissingAsset[];
  /** Every engine/backend tried or skipped, with its reason. */
  readonly attempts: BackendAttempt[];
  constructor(missing: MissingAsset[], assetBase: string, attempts: BackendAttempt[], explicitList: boolean) {
    const list = missing.map((m) => `  - ${m.url} (${m.detail}; ships in ${m.from})`).join('\n');
    const folders = [...new Map(missing.map((m) => [m.from, m.url.slice(0, m.url.lastIndexOf('/') + 1)])).entries()]
      .map(([from, to]) => `node_modules/${from}* to ${to}`).join(', ');
    const tried = attempts.map((a) => `  - ${a.backend}: ${a.reason}`).join('\n');
    super(
      'ASSET',
      `cannot fetch the engine file(s) this model needs from the assets base ${assetBase}:\n${list}\n` +
        'Fix: with Vite, add bordeAssets() from \'@borde/runtime/vite\' to the plugins and pass { assets: assetBase } ' +
        `imported from 'virtual:borde-assets'; without it, copy ${folders} (a build step can copy engineAssetFiles() ` +
        `from '@borde/runtime/vite', see the runtime README) and pass { assets: '${assetBase}' }. ` +
        (explicitList
          ? 'No engine/backend in the `backend` list could load:\n'
          : "After missing files, `backend: 'auto'` tries the other wasm engines but never a GPU backend or the cpu " +
            "(possibly a software GPU, 10-60x slower); to allow that, list the fallbacks, e.g. backend: ['interpreter', 'wasm', 'cpu']. Tried:\n") +
        tried,
    );
    this.url = missing[0]!.url;
    this.missing = missing;
    this.attempts = attempts;
  }
}

/**
 * The worker of loadModelInWorker could not start (its script did not load: a bundler that did not emit it,
 * a Content-Security-Policy without worker-src or 'unsafe-eval') or is not available on this platform (Node).
 */
export class WorkerError extends RuntimeError {
  override readonly name: string = 'WorkerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKER', message, options);
  }
}

/** The executor was used after `dispose()`. */
export class DisposedError extends RuntimeError {
  override readonly name: string = 'DisposedError';
  constructor() {
    super('DISPOSED', 'this executor was disposed; create a new one with createExecutor(graph)');
  }
}

/** A model (or its sha256 manifest) could not be downloaded: HTTP error, network down, or offline. */
export class FetchError extends RuntimeError {
  override readonly name: string = 'FetchError';
  readonly url: string;
  /** HTTP status, or undefined when no response came (network down, offline, blocked). */
  readonly status: number | undefined;
  constructor(url: string, status: number | undefined, detail: string, options?: { cause?: unknown }) {
    super('FETCH', `cannot download ${url}: ${detail}`, options);
    this.url = url;
    this.status = status;
  }
}

/**
 * Model bytes whose sha256 is not the expected one. They were never run: a bad download is not stored,
 * a bad cached copy is deleted. `where` says which copy failed; `refetchError` is set when a bad cached copy
 * could not be replaced (offline).
 */
export class IntegrityError extends RuntimeError {
  override readonly name: string = 'IntegrityError';
  readonly url: string;
  readonly where: 'download' | 'cache';
  readonly expected: string;
  readonly actual: string;
  readonly bytes: number;
  readonly refetchError: unknown;
  constructor(
    url: string,
    where: 'download' | 'cache',
    expected: string,
    actual: string,
    bytes: number,
    refetchError?: unknown,
  ) {
    const what = where === 'download' ? 'downloaded model' : 'cached model';
    const tail =
      where === 'download'
        ? 'It was not stored and not run. Check that the server sends the file the sha256 was computed for (no transcoding, no truncation), or update the sha256.'
        : refetchError !== undefined
          ? `The copy was deleted and not run; fetching it again failed (${describe(refetchError)}). Connect to the network and reload.`
          : 'The copy was deleted and not run.';
    super('INTEGRITY', `${what} ${url} failed its sha256 check (${bytes} bytes, sha256 ${actual}; expected ${expected}). ${tail}`, {
      cause: refetchError,
    });
    this.url = url;
    this.where = where;
    this.expected = expected;
    this.actual = actual;
    this.bytes = bytes;
    this.refetchError = refetchError;
  }
}

export type CacheErrorReason = 'UNAVAILABLE' | 'NO_HASH' | 'BAD_MANIFEST' | 'STORE_FAILED';

/** The model cache cannot do what was asked; `reason` is stable, the message says how to fix it. */
export class CacheError extends RuntimeError {
  override readonly name: string = 'CacheError';
  readonly reason: CacheErrorReason;
  readonly url: string;
  constructor(reason: CacheErrorReason, url: string, message: string, options?: { cause?: unknown }) {
    super('CACHE', message, options);
    this.reason = reason;
    this.url = url;
  }
}

/**
 * The browser refused to store the model (QuotaExceededError). The verified bytes are attached in `model`,
 * so an app can still run them this once, knowing they will not be there offline.
 */
export class QuotaError extends RuntimeError {
  override readonly name: string = 'QuotaError';
  readonly url: string;
  /** Bytes the model needs. */
  readonly needed: number;
  /** From navigator.storage.estimate(), when the browser tells. */
  readonly quota: number | undefined;
  readonly usage: number | undefined;
  readonly model: Uint8Array;
  constructor(url: string, model: Uint8Array, quota: number | undefined, usage: number | undefined, options?: { cause?: unknown }) {
    const room = quota !== undefined && usage !== undefined ? `quota ${quota} bytes, ${usage} used, ${quota - usage} free` : 'quota unknown';
    super(
      'QUOTA',
      `no room to cache ${url} (${model.byteLength} bytes needed; ${room}). ` +
        'Call persistStorage() so the browser grants more, free space (deleteCachedModel), or load with cache: false.',
      options,
    );
    this.url = url;
    this.needed = model.byteLength;
    this.quota = quota;
    this.usage = usage;
    this.model = model;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
