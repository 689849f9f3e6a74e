export * from './errors.js';
export * from './random.js';
export * from './breast-cancer-data.js';
export * from './fashion-mnist-data.js';
export * from './layers-model-files.js';
export * from './wasm-gradient-kernels.js';
export * from './batch-norm-gradient.js';
export * from './image-shifts.js';
