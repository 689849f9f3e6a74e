// Errors crossing the worker boundary (worker/error-wire.ts): thrown in the worker, cloned by postMessage
// (structuredClone here), rebuilt on the page as the same class with its code, fields, message and cause.
import { describe, expect, it } from 'vitest';
import {
  BackendError, DisposedError, EngineCrashError, FetchError, InputError, IntegrityError, QuotaError, UnsupportedOpError, WorkerError,
} from '../src/errors.js';
import { fromWire, toWire } from '../src/worker/error-wire.js';
import { loadModelInWorker } from '../src/worker/index.js';

const acrossTheBoundary = (error: unknown) => fromWire(structuredClone(toWire(error)));

describe('errors across the worker boundary', () => {
  it('rebuilds each runtime class with its code, fields and message', () => {
    const input = new InputError('image', '784 elements', '27 elements');
    input.element = 3;
    const cases: [Error, new (...args: never[]) => Error, Record<string, unknown>][] = [
      [input, InputError, { code: 'INPUT', input: 'image', expected: '784 elements', got: '27 elements', element: 3 }],
      [new UnsupportedOpError([{ index: 4, opcode: 'FOO', reason: 'no kernel' }]), UnsupportedOpError, { code: 'UNSUPPORTED_OPS', ops: [{ index: 4, opcode: 'FOO', reason: 'no kernel' }] }],
      [new BackendError([{ backend: 'webgl', ok: false, reason: 'absent' }]), BackendError, { code: 'BACKEND', attempts: [{ backend: 'webgl', ok: false, reason: 'absent' }] }],
      [new EngineCrashError('litert-wasm', 'run', 'unreachable'), EngineCrashError, { code: 'ENGINE_CRASH', engine: 'litert-wasm', stage: 'run' }],
      [new FetchError('https://x/m.tflite', 404, 'HTTP 404'), FetchError, { code: 'FETCH', url: 'https://x/m.tflite', status: 404 }],
      [new QuotaError('https://x/m.tflite', new Uint8Array([1, 2, 3]), 10, 9), QuotaError, { code: 'QUOTA', needed: 3, model: new Uint8Array([1, 2, 3]) }],
      [new DisposedError(), DisposedError, { code: 'DISPOSED' }],
    ];
    for (const [error, Class, fields] of cases) {
      const rebuilt = acrossTheBoundary(error);
      expect(rebuilt).toBeInstanceOf(Class);
      expect(rebuilt.name).toBe(error.name);
      expect(rebuilt.message).toBe(error.message);
      expect(rebuilt).toMatchObject(fields);
      expect(rebuilt.stack).toBe(error.stack);
    }
  });

  it('keeps causes and errors held in fields as errors; other errors keep their standard class', () => {
    const refetch = new FetchError('https://x/m.tflite', undefined, 'offline');
    const integrity = new IntegrityError('https://x/m.tflite', 'cache', 'aa', 'bb', 10, refetch);
    const rebuilt = acrossTheBoundary(integrity) as IntegrityError;
    expect(rebuilt).toBeInstanceOf(IntegrityError);
    expect(rebuilt.refetchError).toBeInstanceOf(FetchError);
    expect(rebuilt.cause).toBeInstanceOf(FetchError);
    expect((rebuilt.cause as FetchError).message).toBe(refetch.message);

    const range = acrossTheBoundary(new RangeError('bad size', { cause: 'why' }));
    expect(range).toBeInstanceOf(RangeError);
    expect(range.cause).toBe('why');
    const abort = acrossTheBoundary(new DOMException('stopped', 'AbortError'));
    expect(abort).toMatchObject({ name: 'AbortError', message: 'stopped' });
    expect(acrossTheBoundary('a string was thrown').message).toBe('a string was thrown');
  });

  it('a field that cannot be cloned (a function) is left out, not a DataCloneError', () => {
    const error = Object.assign(new Error('with a callback'), { retry: () => undefined, detail: { f: () => 1 } });
    const rebuilt = acrossTheBoundary(error) as Error & { retry?: unknown; detail?: unknown };
    expect(rebuilt.retry).toBeUndefined();
    expect(typeof rebuilt.detail).toBe('string');
  });
});

describe('loadModelInWorker in Node', () => {
  it('is a WorkerError naming loadModel (Node has no Web Workers)', async () => {
    const error = await loadModelInWorker(new Uint8Array(8)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error).toMatchObject({ code: 'WORKER', message: expect.stringMatching(/in Node, use loadModel/) });
  });
});
