/** The plain typed-array tensor the converter passes to interpreters and data loaders. */
export type { TensorValue, TensorDType } from '@borde/runtime/litert';
