/** `@borde/converter/verify`: seeded inputs and output comparison, as the converter's verification uses them. */
export * from './compare.js';
export * from './seeded-inputs.js';
export * from './verify.js';
