// Traps of a WebAssembly engine (LiteRT, tfjs-backend-wasm): after one, that engine's memory is suspect.

/** Whether an error is a trap of the wasm machine (or an Emscripten abort), not a refusal LiteRT reported. */
export function isWasmTrap(error: unknown): boolean {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) return true;
    if (!(e instanceof Error)) return false;
    e = e.cause;
  }
  return false;
}
