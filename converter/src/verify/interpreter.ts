import { openHostInterpreter, type InterpreterModel } from '#host';
import type { ModelRunner } from './verify.js';

/** The official interpreter the converter judges its output with: LiteRT (wasm, XNNPACK) in Node. */
export const INTERPRETER_NAME = 'LiteRT (@litertjs/core, wasm)';

export function openInterpreter(bytes: Uint8Array): Promise<InterpreterModel> {
  return openHostInterpreter(bytes);
}

/** A runner that opens the model once, on first use, and keeps it open for the process. */
export function liteRtRunner(bytes: Uint8Array): { name: string; run: ModelRunner; dispose(): void } {
  let model: Promise<InterpreterModel> | undefined;
  return {
    name: INTERPRETER_NAME,
    run: async (inputs) => (await (model ??= openInterpreter(bytes))).run(inputs),
    dispose: () => void model?.then((m) => m.close()),
  };
}
