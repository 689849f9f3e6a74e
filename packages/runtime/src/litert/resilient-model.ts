// LiteRT is one wasm instance per page or process. A trap inside it (memory access out of bounds, an abort)
// leaves its memory in an unknown state: every later load or run may fail or hang. So a trap discards the
// instance, and every model re-opens itself, from its own bytes, on the fresh instance at its next run:
// models loaded before and after a bad file keep working. Browser-safe.
import { EngineCrashError, InputError } from '../errors.js';
import { isWasmTrap } from '../wasm-trap.js';
import type { LiteRtCompiledModel, OutputVisitor } from './compiled-model.js';
import type { TensorDetails, TensorValue } from './tensors.js';

type LiteRtCore = Pick<typeof import('@litertjs/core'), 'getGlobalLiteRt' | 'unloadLiteRt'>;

/**
 * Clears @litertjs/core's page-wide instance so loadLiteRt() may load another. Its own delete() would free
 * through the trapped instance's memory, so it is skipped: the old instance is left to the garbage collector.
 */
export function forgetGlobalLiteRt(core: LiteRtCore): void {
  try {
    core.getGlobalLiteRt().delete = () => undefined;
  } catch {
    // Not loaded.
  }
  try {
    core.unloadLiteRt();
  } catch {
    // Still loading: a load in flight is not the trapped instance; nothing to drop.
  }
}

/** The shared LiteRT instance: which one is current, and how to drop it after a trap. */
export interface LiteRtHost {
  /** Increases each time the instance is discarded. */
  generation(): number;
  /** Drops the instance of `generation` (a no-op when it was dropped already). */
  discard(generation: number): void;
}

/**
 * Inputs of the wrong dtype or shape are the caller's mistake, not the engine's: an InputError, checked before
 * LiteRT sees them, so the instance is kept.
 */
function checkInputs(details: readonly TensorDetails[], values: readonly TensorValue[]): void {
  details.forEach((d, i) => {
    const value = values[i];
    if (!value) return;
    if (value.dtype !== d.dtype) throw new InputError(d.name, d.dtype, value.dtype, 'convert the data to the dtype the model takes');
    if (d.shape.every((dim) => dim >= 0) && d.shape.join() !== value.shape.join()) {
      throw new InputError(d.name, `shape [${d.shape.join(', ')}]`, `shape [${value.shape.join(', ')}]`);
    }
  });
}

function crash(stage: 'load' | 'run', error: unknown): EngineCrashError {
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return new EngineCrashError('litert-wasm', stage, detail, { cause: error });
}

/**
 * Opens a model on the current instance. A trap while opening may be an earlier model's damage, so the
 * instance is discarded and the open tried once more on a fresh one; a second trap is this model's:
 * EngineCrashError. Any failure while running discards the instance too (a run LiteRT could not finish may
 * have written outside its buffers) and is an EngineCrashError; the model re-opens itself on the next run.
 */
export async function openResilient(host: LiteRtHost, open: () => Promise<LiteRtCompiledModel>): Promise<LiteRtCompiledModel> {
  const openOnCurrent = async (retry: boolean): Promise<{ model: LiteRtCompiledModel; generation: number }> => {
    const generation = host.generation();
    try {
      return { model: await open(), generation };
    } catch (error) {
      if (!isWasmTrap(error)) throw error;
      host.discard(generation);
      if (retry) return openOnCurrent(false);
      throw crash('load', error);
    }
  };
  let current = await openOnCurrent(true);
  let closed = false;
  const { signatures, inputs, outputs } = current.model;
  /** One run, its outputs read as copies (run) or as views of LiteRT's memory (visit). */
  const invoke = async (values: readonly TensorValue[], view: boolean, visitor: OutputVisitor): Promise<void> => {
    if (closed) throw new Error('LiteRT model is closed');
    checkInputs(inputs, values);
    if (current.generation !== host.generation()) {
      // The instance it lived in was discarded, and its memory with it: open again on the current one.
      // The caller may refill its arrays once run() returns: copy them before waiting (readsInputsAtCall).
      values = values.map((v) => ({ ...v, data: v.data.slice() as typeof v.data }));
      current = await openOnCurrent(true);
    }
    // The visitor's own error is the caller's, not the engine's: kept apart and rethrown as it is.
    let visitorFailed: { error: unknown } | undefined;
    const guarded: OutputVisitor = (output, index) => {
      if (visitorFailed) return;
      try {
        visitor(output, index);
      } catch (error) {
        visitorFailed = { error };
      }
    };
    try {
      if (view) await current.model.visit(values, guarded);
      else (await current.model.run(values)).forEach(guarded);
    } catch (error) {
      host.discard(current.generation);
      throw crash('run', error);
    }
    if (visitorFailed) throw visitorFailed.error;
  };
  return {
    signatures,
    inputs,
    outputs,
    async run(values: readonly TensorValue[]): Promise<TensorValue[]> {
      const results: TensorValue[] = [];
      await invoke(values, false, (output) => results.push(output));
      return results;
    },
    visit: (values: readonly TensorValue[], visitor: OutputVisitor) => invoke(values, true, visitor),
    close() {
      if (closed) return;
      closed = true;
      // A model of a discarded instance has nothing left to free (and touching that memory is unsafe).
      if (current.generation !== host.generation()) return;
      try {
        current.model.close();
      } catch (error) {
        host.discard(current.generation);
        if (!isWasmTrap(error)) throw error;
      }
    },
  };
}
