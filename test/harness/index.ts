// Official-interpreter harness: shared by the conformance, converter, runtime and e2e tests.
// The Node interpreter lives in @borde/runtime/node and the comparison tools in the converter's verify
// module, because the converter itself verifies every file it writes with them.
export * from '@borde/runtime/node';
export * from '@borde/converter/verify';
export * from './browser.js';
export * from './tfjs-tflite-browser.js';
export * from './models.js';
/** The harness's first name for TensorValue; kept so tests written against it keep compiling. */
export type { TensorValue as HarnessTensor, TensorDType as HarnessDType } from '@borde/runtime/node';
