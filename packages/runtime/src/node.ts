/**
 * `@borde/runtime/node`: what only runs in Node. The official LiteRT interpreter (wasm) run in plain Node,
 * used by the converter to verify and calibrate, and by the tests as the judge.
 */
export * from './litert/litert-node.js';
export * from './litert/tensors.js';
