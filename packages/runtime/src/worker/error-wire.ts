// Errors cross the worker boundary as plain data (name, code, message, stack, the class's own fields, cause)
// and are rebuilt on the page as the same class, so `error instanceof InputError` and `error.code` work as
// with loadModel. Structured clone alone would keep only Error's message and name. Classes are matched by
// `name`, which errors.ts spells out (minifiers rename classes). Imported by the package's public name, not
// a relative path, so a dev server that pre-bundles @borde/runtime gives the app and this file one copy.
import {
  BackendError, CacheError, DisposedError, EngineCrashError, FetchError, InputError, IntegrityError, ModelError,
  QuotaError, RuntimeError, UnsupportedOpError, WorkerError,
} from '@borde/runtime/errors';

/** An error as data: what postMessage carries. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** The runtime's stable code (RuntimeError subclasses). */
  code?: string;
  /** The class's own fields (input, attempts, ops, url...), each structured-cloneable. */
  fields: Record<string, unknown>;
  cause?: WireError | { value: unknown };
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Every class of errors.ts, by its name (the `name` the runtime gives each). */
const RUNTIME_ERRORS: Record<string, ErrorClass> = {
  RuntimeError, InputError, UnsupportedOpError, BackendError, ModelError, EngineCrashError, DisposedError,
  FetchError, IntegrityError, CacheError, QuotaError, WorkerError,
};

const STANDARD_ERRORS: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

const OWN_SKIPPED = new Set(['name', 'message', 'stack', 'code', 'cause']);

/** `error` as data for postMessage; fields that cannot be cloned (functions) are left out. */
export function toWire(error: unknown): WireError {
  if (!(error instanceof Error) && !(typeof DOMException !== 'undefined' && error instanceof DOMException)) {
    return { name: 'Error', message: String(error), fields: {}, cause: { value: cloneable(error) } };
  }
  const e = error as Error & { code?: unknown; cause?: unknown };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    if (OWN_SKIPPED.has(key)) continue;
    const value = (e as unknown as Record<string, unknown>)[key];
    if (typeof value !== 'function') fields[key] = cloneable(value);
  }
  const wire: WireError = { name: e.name, message: e.message, fields };
  if (e.stack) wire.stack = e.stack;
  if (typeof e.code === 'string') wire.code = e.code;
  if (e.cause !== undefined) wire.cause = e.cause instanceof Error ? toWire(e.cause) : { value: cloneable(e.cause) };
  return wire;
}

/** The error `wire` describes, as its own class where the runtime or the language has it. */
export function fromWire(wire: WireError): Error {
  const cause = wire.cause === undefined ? undefined : 'value' in wire.cause ? wire.cause.value : fromWire(wire.cause);
  let error: Error;
  const runtimeClass = RUNTIME_ERRORS[wire.name];
  if (runtimeClass) {
    // Not through the constructor: it would write a new message from its arguments; the worker's message stands.
    error = Object.create(runtimeClass.prototype) as Error;
    Object.defineProperty(error, 'message', { value: wire.message, writable: true, configurable: true });
    Object.defineProperty(error, 'name', { value: wire.name, writable: true, configurable: true, enumerable: true });
    Object.defineProperty(error, 'code', { value: wire.code, enumerable: true, configurable: true });
  } else if (wire.name === 'AbortError' || wire.name === 'TimeoutError' || wire.name === 'DataCloneError') {
    error = new DOMException(wire.message, wire.name) as unknown as Error;
  } else {
    const Standard = STANDARD_ERRORS[wire.name] ?? Error;
    error = new Standard(wire.message);
    if (error.name !== wire.name) Object.defineProperty(error, 'name', { value: wire.name, writable: true, configurable: true });
    if (wire.code !== undefined) Object.defineProperty(error, 'code', { value: wire.code, enumerable: true, configurable: true });
  }
  for (const [key, value] of Object.entries(wire.fields)) {
    const rebuilt = isNestedError(value) ? fromWire(value.$error) : value;
    Object.defineProperty(error, key, { value: rebuilt, writable: true, enumerable: true, configurable: true });
  }
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  if (wire.stack) Object.defineProperty(error, 'stack', { value: wire.stack, writable: true, configurable: true });
  return error;
}

/** A field that holds an error (IntegrityError.refetchError): rebuilt as an error too. */
interface NestedError {
  $error: WireError;
}

function isNestedError(value: unknown): value is NestedError {
  return typeof value === 'object' && value !== null && '$error' in value;
}

/** `value` if postMessage can carry it, else its text. */
function cloneable(value: unknown): unknown {
  if (value instanceof Error) return { $error: toWire(value) } satisfies NestedError;
  try {
    structuredClone(value);
    return value;
  } catch {
    return String(value);
  }
}
