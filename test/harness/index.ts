// Official-interpreter harness: shared by the conformance, converter, runtime and e2e tests.
export * from './tensors.js';
export * from './seeded-inputs.js';
export * from './compare.js';
export * from './litert-node.js';
export * from './browser.js';
export * from './tfjs-tflite-browser.js';
export * from './models.js';
