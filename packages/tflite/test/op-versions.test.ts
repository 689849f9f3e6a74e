import { describe, expect, it } from 'vitest';
import { opVersion, type DType, type Operator, type Quantization, type Subgraph, type Tensor } from '@borde/tflite';

/** A tensor description for a case: dtype, optional shape (default rank 4), quantization, sparsity. */
interface T {
  dtype: DType;
  shape?: number[];
  scales?: number;
  /** The value of every scale (default 0.5). */
  scale?: number;
  quantizedDimension?: number;
  sparse?: boolean;
}

interface Case {
  op: string;
  inputs: (T | null)[];
  outputs: T[];
  options?: Record<string, unknown>;
  expected: number;
  /** The rule of op_version.cc (GetBuiltinOperatorVersion) the case checks. */
  rule: string;
}

const f32: T = { dtype: 'float32' };
const i8: T = { dtype: 'int8' };
const i16: T = { dtype: 'int16' };
const i32: T = { dtype: 'int32', shape: [4] };
const convFilter8: T = { dtype: 'int8', shape: [8, 3, 3, 3], scales: 8 };
const convFilterTensor8: T = { dtype: 'int8', shape: [8, 3, 3, 3], scales: 1 };
const dwFilter8: T = { dtype: 'int8', shape: [1, 3, 3, 8], scales: 8, quantizedDimension: 3 };
const image = (dtype: DType, channels = 3): T => ({ dtype, shape: [1, 8, 8, channels] });

function subgraphFor(c: Case): { op: Operator; subgraph: Subgraph } {
  const tensors: Tensor[] = [];
  const add = (t: T): number => {
    const shape = t.shape ?? [1, 2, 2, 8];
    const tensor: Tensor = { name: `t${tensors.length}`, dtype: t.dtype, shape };
    if (t.scales) {
      const quantization: Quantization = {
        scale: Array(t.scales).fill(t.scale ?? 0.5),
        zeroPoint: Array(t.scales).fill(0),
        quantizedDimension: t.quantizedDimension ?? 0,
      };
      tensor.quantization = quantization;
    }
    if (t.sparse) tensor.sparsity = {};
    return tensors.push(tensor) - 1;
  };
  const op: Operator = {
    opcode: c.op,
    inputs: c.inputs.map((t) => (t ? add(t) : -1)),
    outputs: c.outputs.map(add),
    options: c.options,
  };
  return { op, subgraph: { name: 'main', tensors, operators: [op], inputs: [], outputs: [] } };
}

const cases: Case[] = [
  // CONV_2D
  { op: 'CONV_2D', inputs: [image('float32'), { dtype: 'float32', shape: [8, 3, 3, 3] }, f32], outputs: [f32], expected: 1, rule: 'float: return 1' },
  { op: 'CONV_2D', inputs: [image('int8'), convFilter8, i32], outputs: [i8], expected: 3, rule: 'int8 input, int8 filter, int8 output: 3' },
  { op: 'CONV_2D', inputs: [image('float32'), convFilterTensor8, f32], outputs: [f32], expected: 2, rule: 'hybrid float/int8/float: 2' },
  { op: 'CONV_2D', inputs: [image('float32'), convFilter8, f32], outputs: [f32], expected: 5, rule: 'hybrid with per-channel filter (scales == filter dim 0): 5' },
  { op: 'CONV_2D', inputs: [image('float32', 6), { dtype: 'float32', shape: [8, 3, 3, 3] }, f32], outputs: [f32], expected: 6, rule: 'is_grouped_convolution (input channels != filter channels): 6' },
  { op: 'CONV_2D', inputs: [image('int8'), { dtype: 'int4', shape: [8, 3, 3, 3] }, i32], outputs: [i8], expected: 7, rule: 'int8/int4/int8: 7' },
  { op: 'CONV_2D', inputs: [image('int16'), convFilter8, { dtype: 'int64', shape: [8] }], outputs: [i16], options: { quantizedBiasType: 2 }, expected: 8, rule: '16x8 with quantized_bias_type: 8' },
  // DEPTHWISE_CONV_2D
  { op: 'DEPTHWISE_CONV_2D', inputs: [image('float32', 8), { dtype: 'float32', shape: [1, 3, 3, 8] }, f32], outputs: [f32], options: { dilationWFactor: 1, dilationHFactor: 1 }, expected: 1, rule: 'float, no dilation: 1' },
  { op: 'DEPTHWISE_CONV_2D', inputs: [image('float32', 8), { dtype: 'float32', shape: [1, 3, 3, 8] }, f32], outputs: [f32], options: { dilationWFactor: 2, dilationHFactor: 1 }, expected: 2, rule: 'dilation factor != 1: 2' },
  { op: 'DEPTHWISE_CONV_2D', inputs: [image('int8', 8), dwFilter8, i32], outputs: [i8], options: { dilationWFactor: 2, dilationHFactor: 2 }, expected: 3, rule: 'int8/int8/int8: 3 (checked before dilation)' },
  { op: 'DEPTHWISE_CONV_2D', inputs: [image('float32', 8), { ...dwFilter8, scales: 1 }, f32], outputs: [f32], expected: 4, rule: 'hybrid: 4' },
  { op: 'DEPTHWISE_CONV_2D', inputs: [image('float32', 8), dwFilter8, f32], outputs: [f32], expected: 6, rule: 'hybrid per-channel (scales == filter dim 3): 6' },
  { op: 'DEPTHWISE_CONV_2D', inputs: [image('int16', 8), { dtype: 'int16', shape: [1, 3, 3, 8] }, i32], outputs: [i16], expected: 5, rule: 'int16/int16/int16: 5' },
  { op: 'DEPTHWISE_CONV_2D', inputs: [image('int8', 8), { dtype: 'int4', shape: [1, 3, 3, 8] }, i32], outputs: [i8], expected: 7, rule: 'int8/int4/int8: 7' },
  // FULLY_CONNECTED
  { op: 'FULLY_CONNECTED', inputs: [f32, f32, f32], outputs: [f32], options: {}, expected: 1, rule: 'float, default weights: 1' },
  { op: 'FULLY_CONNECTED', inputs: [f32, f32, f32], outputs: [f32], options: { weightsFormat: 1 }, expected: 2, rule: 'shuffled 4x16 int8 weights: 2' },
  { op: 'FULLY_CONNECTED', inputs: [f32, { dtype: 'int8', scales: 1 }, f32], outputs: [f32], expected: 3, rule: 'hybrid: 3' },
  { op: 'FULLY_CONNECTED', inputs: [i8, i8, i32], outputs: [i8], expected: 4, rule: 'int8/int8/int8: 4' },
  { op: 'FULLY_CONNECTED', inputs: [i8, i8, i32], outputs: [i8], options: { keepNumDims: true }, expected: 5, rule: 'keep_num_dims: 5' },
  { op: 'FULLY_CONNECTED', inputs: [i8, i8], outputs: [i8], expected: 6, rule: 'two inputs (no bias position): 6' },
  { op: 'FULLY_CONNECTED', inputs: [i8, i8, null], outputs: [i8], expected: 4, rule: 'a -1 bias still counts as an input: int8 rule, 4' },
  { op: 'FULLY_CONNECTED', inputs: [i16, i16, i32], outputs: [i16], expected: 7, rule: 'int16/int16/int16: 7' },
  { op: 'FULLY_CONNECTED', inputs: [f32, { dtype: 'float32', sparse: true }, f32], outputs: [f32], expected: 8, rule: 'sparse weights: 8' },
  { op: 'FULLY_CONNECTED', inputs: [f32, { dtype: 'int8', scales: 1 }, f32], outputs: [f32], options: { asymmetricQuantizeInputs: true }, expected: 9, rule: 'hybrid with asymmetric_quantize_inputs: 9' },
  { op: 'FULLY_CONNECTED', inputs: [i8, { dtype: 'int4' }, i32], outputs: [i8], expected: 10, rule: 'int8/int4/int8: 10' },
  { op: 'FULLY_CONNECTED', inputs: [i16, i8, { dtype: 'int64' }], outputs: [i16], options: { quantizedBiasType: 2 }, expected: 11, rule: '16x8 with quantized_bias_type: 11' },
  { op: 'FULLY_CONNECTED', inputs: [f32, { dtype: 'int8', shape: [4, 8], scales: 4 }, f32], outputs: [f32], expected: 12, rule: 'hybrid per-channel: 12' },
  // Binary element-wise
  { op: 'ADD', inputs: [f32, f32], outputs: [f32], expected: 1, rule: 'float: 1' },
  { op: 'ADD', inputs: [{ ...i8, scales: 1 }, { ...i8, scales: 1 }], outputs: [{ ...i8, scales: 1 }], expected: 2, rule: 'int8: 2' },
  { op: 'ADD', inputs: [{ ...i16, scales: 1 }, { ...i16, scales: 1 }], outputs: [{ ...i16, scales: 1 }], options: { potScaleInt16: false }, expected: 3, rule: 'int16 with pot_scale_int16 false: 3' },
  { op: 'ADD', inputs: [{ dtype: 'int64' }, { dtype: 'int64' }], outputs: [{ dtype: 'int64' }], expected: 4, rule: 'int64: 4' },
  { op: 'ADD', inputs: [i16, i16], outputs: [i16], expected: 5, rule: 'int16 without quantization: 5' },
  { op: 'SUB', inputs: [i8, i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'SUB', inputs: [{ dtype: 'float32', shape: [1, 2, 3, 4, 5] }, { dtype: 'float32', shape: [5] }], outputs: [f32], expected: 3, rule: 'broadcast with rank > 4: 3' },
  { op: 'MUL', inputs: [f32, f32], outputs: [f32], expected: 1, rule: 'float: 1' },
  { op: 'MUL', inputs: [{ ...i8, scales: 1 }, { ...i8, scales: 1 }], outputs: [{ ...i8, scales: 1, scale: 0.1 }], expected: 3, rule: 'input1_scale * input2_scale / output_scale >= 1: 3 (0.5*0.5/0.1)' },
  { op: 'MUL', inputs: [{ ...i8, scales: 1 }, { ...i8, scales: 1 }], outputs: [{ ...i8, scales: 1 }], expected: 2, rule: 'int8 with rescale < 1: 2 (0.5*0.5/0.5)' },
  { op: 'MUL', inputs: [i8, i8], outputs: [i8], expected: 2, rule: 'int8 (no scales known): 2' },
  { op: 'MUL', inputs: [i16, i16], outputs: [i16], expected: 7, rule: 'int16 not quantized: 7' },
  { op: 'DIV', inputs: [f32, f32], outputs: [f32], expected: 1, rule: 'same shapes: 1' },
  { op: 'DIV', inputs: [{ dtype: 'float32', shape: [2, 1, 3, 4, 5] }, { dtype: 'float32', shape: [1] }], outputs: [f32], expected: 2, rule: 'broadcast with rank > 4: 2' },
  { op: 'SQUARED_DIFFERENCE', inputs: [i8, i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'SQUARED_DIFFERENCE', inputs: [f32, f32], outputs: [f32], expected: 1, rule: 'float: 1' },
  { op: 'MAXIMUM', inputs: [i8, i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'MINIMUM', inputs: [i16, i16], outputs: [i16], expected: 4, rule: 'int16: 4' },
  { op: 'BATCH_MATMUL', inputs: [i8, i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'BATCH_MATMUL', inputs: [i16, i16], outputs: [i16], expected: 3, rule: 'int16: 3' },
  { op: 'BATCH_MATMUL', inputs: [f32, i8], outputs: [f32], options: { asymmetricQuantizeInputs: true }, expected: 4, rule: 'hybrid asymmetric: 4' },
  // Pooling and activations
  { op: 'AVERAGE_POOL_2D', inputs: [f32], outputs: [f32], expected: 1, rule: 'float: 1' },
  { op: 'AVERAGE_POOL_2D', inputs: [i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'MAX_POOL_2D', inputs: [i16], outputs: [i16], expected: 3, rule: 'int16 in and out: 3' },
  { op: 'SOFTMAX', inputs: [i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'SOFTMAX', inputs: [i16], outputs: [i16], expected: 3, rule: 'int16: 3' },
  { op: 'LOGISTIC', inputs: [i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'LOGISTIC', inputs: [i16], outputs: [i16], expected: 3, rule: 'int16: 3' },
  { op: 'TANH', inputs: [f32], outputs: [f32], expected: 1, rule: 'float: 1' },
  { op: 'RELU', inputs: [{ dtype: 'uint8' }], outputs: [{ dtype: 'uint8' }], expected: 2, rule: 'int8/uint8: 2' },
  { op: 'RELU', inputs: [i16], outputs: [i16], expected: 3, rule: 'int16: 3' },
  { op: 'RELU6', inputs: [i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'LEAKY_RELU', inputs: [i8], outputs: [i8], expected: 1, rule: 'only int16 raises it (2); int8: 1' },
  { op: 'LEAKY_RELU', inputs: [i16], outputs: [i16], expected: 2, rule: 'int16: 2' },
  { op: 'PRELU', inputs: [i8, i8], outputs: [i8], expected: 1, rule: 'no case: 1' },
  { op: 'ELU', inputs: [i8], outputs: [i8], expected: 1, rule: 'no case: 1' },
  { op: 'HARD_SWISH', inputs: [i8], outputs: [i8], expected: 1, rule: 'no case: 1' },
  { op: 'EXP', inputs: [i8], outputs: [i8], expected: 2, rule: 'int8/int16: 2' },
  { op: 'SQRT', inputs: [f32], outputs: [f32], expected: 1, rule: 'no case: 1' },
  { op: 'RSQRT', inputs: [i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  // Quantize / dequantize
  { op: 'QUANTIZE', inputs: [f32], outputs: [{ ...i8, scales: 1 }], expected: 1, rule: 'per-tensor int8: 1' },
  { op: 'QUANTIZE', inputs: [f32], outputs: [{ ...i16, scales: 1 }], expected: 2, rule: 'int16 output: 2' },
  { op: 'QUANTIZE', inputs: [f32], outputs: [{ dtype: 'int8', shape: [4, 2], scales: 4 }], expected: 3, rule: 'per-channel output: 3' },
  { op: 'DEQUANTIZE', inputs: [{ dtype: 'float16' }], outputs: [f32], expected: 3, rule: 'float16 input: 3' },
  { op: 'DEQUANTIZE', inputs: [{ ...i8, scales: 1 }], outputs: [f32], expected: 2, rule: 'int8: 2' },
  { op: 'DEQUANTIZE', inputs: [{ dtype: 'int8', shape: [4, 2], scales: 4 }], outputs: [f32], expected: 5, rule: 'int8 per-channel: 5' },
  { op: 'DEQUANTIZE', inputs: [{ dtype: 'uint8', scales: 1 }], outputs: [f32], expected: 1, rule: 'uint8: 1' },
  // Shape ops
  { op: 'RESHAPE', inputs: [i8, i32], outputs: [i8], expected: 1, rule: 'no case: 1' },
  { op: 'CONCATENATION', inputs: [i8, i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'CONCATENATION', inputs: [i16, i16], outputs: [i16], expected: 3, rule: 'int16: 3' },
  { op: 'PAD', inputs: [i8, i32], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'PADV2', inputs: [{ dtype: 'float32', shape: [1, 1, 2, 2, 2] }, i32, f32], outputs: [f32], expected: 4, rule: 'rank > 4: 4' },
  { op: 'MEAN', inputs: [i8, i32], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'SQUEEZE', inputs: [i8], outputs: [i8], expected: 1, rule: 'only string raises it: 1' },
  { op: 'TRANSPOSE', inputs: [i8, i32], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'TRANSPOSE', inputs: [{ dtype: 'float32', shape: [1, 2, 3, 4, 5] }, i32], outputs: [f32], expected: 4, rule: 'rank 5: 4' },
  { op: 'TRANSPOSE', inputs: [{ dtype: 'float32', shape: [1, 2, 3, 4, 5, 6] }, i32], outputs: [f32], expected: 6, rule: 'rank > 5: 6' },
  { op: 'TRANSPOSE_CONV', inputs: [i32, { dtype: 'float32', shape: [8, 3, 3, 3] }, image('float32')], outputs: [f32], expected: 1, rule: 'float, no bias: 1' },
  { op: 'TRANSPOSE_CONV', inputs: [i32, convFilter8, image('int8')], outputs: [i8], expected: 2, rule: 'int8 filter: 2' },
  { op: 'TRANSPOSE_CONV', inputs: [i32, convFilter8, image('int8'), i32], outputs: [i8], expected: 3, rule: 'with bias: 3' },
  { op: 'TRANSPOSE_CONV', inputs: [i32, convFilter8, image('int8'), null], outputs: [i8], expected: 2, rule: 'an omitted bias (-1) is no bias: 2' },
  { op: 'TRANSPOSE_CONV', inputs: [i32, convFilter8, image('int8'), i32], outputs: [i8], options: { fusedActivationFunction: 1 }, expected: 4, rule: 'fused activation: 4' },
  { op: 'RESIZE_BILINEAR', inputs: [i8, i32], outputs: [i8], options: { halfPixelCenters: false }, expected: 2, rule: 'int8: 2' },
  { op: 'RESIZE_BILINEAR', inputs: [f32, i32], outputs: [f32], options: { halfPixelCenters: true }, expected: 3, rule: 'half_pixel_centers: 3' },
  { op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [f32, i32], outputs: [f32], options: { alignCorners: true }, expected: 3, rule: 'align_corners: 3' },
  { op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [i16, i32], outputs: [i16], expected: 4, rule: 'int16: 4' },
  { op: 'STRIDED_SLICE', inputs: [i8, i32, i32, i32], outputs: [i8], options: {}, expected: 2, rule: 'int8: 2' },
  { op: 'STRIDED_SLICE', inputs: [{ dtype: 'float32', shape: [1, 2, 3, 4, 5] }, i32, i32, i32], outputs: [f32], options: {}, expected: 4, rule: 'rank > 4: 4' },
  { op: 'STRIDED_SLICE', inputs: [f32, i32, i32, i32], outputs: [f32], options: { newAxisMask: 2 }, expected: 6, rule: 'new_axis_mask: 6' },
  { op: 'STRIDED_SLICE', inputs: [f32, i32, i32, i32], outputs: [f32], options: { offset: true }, expected: 8, rule: 'offset: 8' },
  { op: 'SLICE', inputs: [i8, i32, i32], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'SLICE', inputs: [{ dtype: 'float32', shape: [1, 2, 3, 4, 5] }, i32, i32], outputs: [f32], expected: 5, rule: 'rank > 4: 5' },
  { op: 'GATHER', inputs: [i8, i32], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'GATHER', inputs: [f32, i32], outputs: [f32], options: { batchDims: 1 }, expected: 5, rule: 'batch_dims != 0: 5' },
  { op: 'GATHER', inputs: [f32, { dtype: 'int16' }], outputs: [f32], expected: 6, rule: 'int16 indices: 6' },
  { op: 'PACK', inputs: [i8, i8], outputs: [i8], expected: 2, rule: 'int8: 2' },
  { op: 'PACK', inputs: [i16, i16], outputs: [i16], expected: 3, rule: 'int16: 3' },
  { op: 'SPLIT', inputs: [i32, i8], outputs: [i8, i8], expected: 2, rule: 'data (input 1) int8: 2' },
  { op: 'SPLIT', inputs: [i32, i32], outputs: [i32, i32], expected: 3, rule: 'data int32: 3' },
  { op: 'SPLIT', inputs: [i32, f32], outputs: [f32, f32], expected: 1, rule: 'data float: 1' },
  { op: 'CUSTOM', inputs: [i8], outputs: [i8], expected: 1, rule: 'custom operators: 1' },
];

describe('opVersion (port of op_version.cc GetBuiltinOperatorVersion)', () => {
  it.each(cases.map((c) => [`${c.op}: ${c.rule}`, c] as const))('%s', (_, c) => {
    const { op, subgraph } = subgraphFor(c);
    expect(opVersion(op, subgraph)).toBe(c.expected);
  });

  it('treats omitted optional inputs (-1) as no tensor', () => {
    const { op, subgraph } = subgraphFor({ op: 'FULLY_CONNECTED', inputs: [f32, f32, null], outputs: [f32], expected: 1, rule: '' });
    expect(op.inputs[2]).toBe(-1);
    expect(opVersion(op, subgraph)).toBe(1);
  });
});
