export * from './errors.js';
export * from './dtypes.js';
export * from './graph.js';
export * from './opcodes.js';
export * from './float16.js';
