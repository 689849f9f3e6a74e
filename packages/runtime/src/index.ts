export * from './errors.js';
export * from './executor.js';
export type { OpPlacement } from './placement.js';
export type { KernelCheck } from './backends.js';
export type { HostTensor, ValueDType } from './host-tensor.js';
export { OP_MODULES } from './ops/index.js';
export type { OpContext, OpModule } from './ops/index.js';
export * from './cache/index.js';
