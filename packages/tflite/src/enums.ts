/**
 * The schema enums a Graph's operator options are written with (enums are plain numbers in `options`),
 * re-exported so converter code can say `Padding.SAME` without reaching into the generated code.
 * `BuiltinOperator` comes from opcodes.ts.
 */
export { ActivationFunctionType } from './generated/tflite/activation-function-type.js';
export { BuiltinOptions } from './generated/tflite/builtin-options.js';
export { BuiltinOptions2 } from './generated/tflite/builtin-options2.js';
export { CombinerType } from './generated/tflite/combiner-type.js';
export { CustomOptionsFormat } from './generated/tflite/custom-options-format.js';
export { DimensionType } from './generated/tflite/dimension-type.js';
export { FullyConnectedOptionsWeightsFormat } from './generated/tflite/fully-connected-options-weights-format.js';
export { LSTMKernelType } from './generated/tflite/lstmkernel-type.js';
export { MirrorPadMode } from './generated/tflite/mirror-pad-mode.js';
export { Padding } from './generated/tflite/padding.js';
export { TensorType } from './generated/tflite/tensor-type.js';
