/**
 * How each TFLite operator is quantized to int8 (the TFLite quantization spec,
 * https://www.tensorflow.org/lite/performance/quantization_spec, and tools/optimize/operator_property.cc).
 * An opcode missing here stays float, with DEQUANTIZE/QUANTIZE around it.
 */
export type Int8Rule =
  /** int8 weights (symmetric, per channel along `weightAxis`) and int32 bias; free output range. */
  | { kind: 'weighted'; weightInput: number; biasInput: number; weightAxis: number }
  /** Output fixed by the kernel (SOFTMAX/LOGISTIC: 1/256, -128; TANH: 1/128, 0). */
  | { kind: 'fixed-output'; scale: number; zeroPoint: number }
  /** Output takes the (first) input's parameters: the kernel moves values without rescaling. */
  | { kind: 'same-as-input' }
  /** Inputs must share the output's parameters: differing inputs are requantized first. */
  | { kind: 'inputs-as-output' }
  /** Free output range, requantized by the kernel. */
  | { kind: 'free' };

const weighted = (weightInput: number, biasInput: number, weightAxis: number): Int8Rule =>
  ({ kind: 'weighted', weightInput, biasInput, weightAxis });

export function int8Rule(opcode: string, options: { perChannelDense: boolean }): Int8Rule | undefined {
  switch (opcode) {
    case 'CONV_2D':
      return weighted(1, 2, 0);
    case 'DEPTHWISE_CONV_2D':
      return weighted(1, 2, 3);
    case 'FULLY_CONNECTED':
      // Per-tensor by default: every interpreter build supports it (per-channel FC needs newer kernels).
      return weighted(1, 2, options.perChannelDense ? 0 : -1);
    case 'TRANSPOSE_CONV':
      return weighted(1, 3, 0);
    case 'SOFTMAX':
    case 'LOGISTIC':
      return { kind: 'fixed-output', scale: 1 / 256, zeroPoint: -128 };
    case 'TANH':
      return { kind: 'fixed-output', scale: 1 / 128, zeroPoint: 0 };
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D':
    case 'RESHAPE':
    case 'SQUEEZE':
    case 'EXPAND_DIMS':
    case 'PAD':
    case 'PADV2':
    case 'TRANSPOSE':
    case 'SLICE':
    case 'STRIDED_SLICE':
    case 'RESIZE_BILINEAR':
    case 'RESIZE_NEAREST_NEIGHBOR':
    case 'GATHER':
    case 'REDUCE_MAX':
    case 'SPLIT':
    case 'SPLIT_V':
    case 'UNPACK':
    case 'DEPTH_TO_SPACE':
    case 'SPACE_TO_DEPTH':
    case 'SPACE_TO_BATCH_ND':
    case 'BATCH_TO_SPACE_ND':
    case 'GATHER_ND':
    case 'TILE':
    case 'REVERSE_V2':
    case 'BROADCAST_TO':
      return { kind: 'same-as-input' };
    case 'CONCATENATION':
    case 'MAXIMUM':
    case 'MINIMUM':
    case 'PACK':
      return { kind: 'inputs-as-output' };
    case 'ADD':
    case 'SUB':
    case 'MUL':
    case 'MEAN':
    case 'RELU':
    case 'RELU6':
    case 'RELU_N1_TO_1':
    case 'LEAKY_RELU':
    case 'PRELU':
    case 'HARD_SWISH':
    case 'SQUARED_DIFFERENCE':
      return { kind: 'free' };
    default:
      return undefined;
  }
}

/**
 * Operators TFLite's 16x8 mode quantizes with int16 activations (the ops whose reference kernels have an int16
 * path: `quantizable_int16` in tools/optimize/operator_property.cc), among those with an int8 rule above. The
 * others (RELU/RELU6, HARD_SWISH, PRELU, RESIZE_*, SPACE_TO_BATCH_ND, ...) have no int16 kernel: in 16x8 mode
 * they stay float between DEQUANTIZE and QUANTIZE, as the TFLite converter leaves them.
 */
const INT16_OPS: ReadonlySet<string> = new Set([
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'TRANSPOSE_CONV',
  'SOFTMAX', 'LOGISTIC', 'TANH',
  'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'PAD', 'PADV2', 'TRANSPOSE', 'SLICE',
  'STRIDED_SLICE', 'GATHER', 'REDUCE_MAX', 'SPLIT', 'SPLIT_V', 'UNPACK',
  'CONCATENATION', 'MAXIMUM', 'MINIMUM', 'PACK',
  'ADD', 'SUB', 'MUL', 'MEAN', 'LEAKY_RELU',
]);

export function hasInt16Kernel(opcode: string): boolean {
  return INT16_OPS.has(opcode);
}

/** The int16 form of a kernel-fixed output: SOFTMAX, LOGISTIC and TANH all write 1/32768, zero point 0. */
export const INT16_FIXED_OUTPUT = { scale: 1 / 32768, zeroPoint: 0 };
