/**
 * Errors of @borde/runtime. Every error has a stable `code` that programs can switch on; messages name the
 * input, op or backend at fault and the option that fixes it.
 */
export type RuntimeErrorCode = 'INPUT' | 'UNSUPPORTED_OPS' | 'BACKEND' | 'MODEL' | 'DISPOSED';

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A value passed to `run` does not fit the model input it was given for. */
export class InputError extends RuntimeError {
  /** The model input's name (or `inputs[i]` when it has none). */
  readonly input: string;
  readonly expected: string;
  readonly got: string;
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
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL', message, options);
  }
}

/** The executor was used after `dispose()`. */
export class DisposedError extends RuntimeError {
  constructor() {
    super('DISPOSED', 'this executor was disposed; create a new one with createExecutor(graph)');
  }
}
