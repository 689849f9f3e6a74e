// Op tests as data: one operator, its inputs and options, and the expected output computed independently
// (by hand or with the plain-JS loops in support/reference.ts). ops.test.ts runs every case on every backend.
import type { OneOp, Operand } from './support/one-op-graph.js';
import { seeded } from './support/one-op-graph.js';
import * as ref from './support/reference.js';

export interface OpCase extends OneOp {
  name: string;
  expected: number[];
  /** Max absolute error allowed (default 1e-5). */
  tolerance?: number;
  /** Expected values of outputs 1, 2, ... for ops with several outputs. */
  moreExpected?: number[][];
}

const SAME = 0;
const VALID = 1;
const RELU = 1;
const RELU6 = 3;
const RELU_N1_TO_1 = 2;

const input = (shape: number[], data: number[]): Operand => ({ shape, data });
const constant = (shape: number[], data: number[], dtype: Operand['dtype'] = 'float32'): Operand => ({ shape, data, dtype, constant: true });
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const x5 = { n: 1, h: 5, w: 5, c: 3, data: seeded(75, 1) };
const convW = seeded(4 * 3 * 3 * 3, 2);
const convB = seeded(4, 3);
const x4 = { n: 1, h: 4, w: 6, c: 2, data: seeded(48, 4) };
const dwW = seeded(3 * 3 * 4, 5);
const dwB = seeded(4, 6);
const tcX = { n: 1, h: 3, w: 4, c: 2, data: seeded(24, 7) };
const tcW = seeded(3 * 4 * 4 * 2, 8);
const tcB = seeded(3, 9);
const rx = { n: 1, h: 3, w: 4, c: 2, data: seeded(24, 10) };

function unary(name: string, opcode: string, data: number[], fn: (v: number) => number, options?: Record<string, unknown>, tolerance?: number): OpCase {
  return {
    name, opcode, ...(options ? { options } : {}), inputs: [input([data.length], data)], outputs: [{ shape: [data.length] }],
    expected: data.map(fn), ...(tolerance ? { tolerance } : {}),
  };
}

const v = [-7, -3, -1.5, -0.5, 0, 0.25, 1, 2.5, 5, 8];
// The erf series below is exact to ~1e-12 for |x| <= 3.
const gv = [-3, -1.5, -0.5, 0, 0.25, 1, 2.5, 3];
const pos = [0.1, 0.5, 1, 2, 4, 9.5];

/** tfjs' erf is an approximation (max error 1.5e-7 by Abramowitz-Stegun 7.1.26); this is a series. */
function erf(x: number): number {
  let sum = 0, term = x, n = 0;
  while (Math.abs(term) > 1e-16 && n < 200) { sum += term / (2 * n + 1); n++; term *= -x * x / n; }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const twoByThree = [1, -2, 3, -4, 5, -6];

export const OP_CASES: OpCase[] = [
  // Elementwise activations.
  unary('RELU', 'RELU', v, (a) => Math.max(0, a)),
  unary('RELU6', 'RELU6', v, (a) => Math.min(6, Math.max(0, a))),
  unary('RELU_N1_TO_1', 'RELU_N1_TO_1', v, (a) => Math.min(1, Math.max(-1, a))),
  unary('LEAKY_RELU alpha 0.2', 'LEAKY_RELU', v, (a) => (a < 0 ? 0.2 * a : a), { alpha: 0.2 }, 1e-6),
  unary('ELU', 'ELU', v, (a) => (a < 0 ? Math.exp(a) - 1 : a), undefined, 1e-5),
  unary('LOGISTIC', 'LOGISTIC', v, (a) => 1 / (1 + Math.exp(-a)), undefined, 1e-6),
  unary('TANH', 'TANH', v, Math.tanh, undefined, 1e-6),
  unary('HARD_SWISH', 'HARD_SWISH', v, (a) => (a * Math.min(6, Math.max(0, a + 3))) / 6),
  unary('GELU exact', 'GELU', gv, (a) => 0.5 * a * (1 + erf(a / Math.SQRT2)), { approximate: false }, 1e-5),
  unary('GELU tanh approximation', 'GELU', gv,
    (a) => 0.5 * a * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a + 0.044715 * a ** 3))), { approximate: true }, 1e-5),
  unary('EXP', 'EXP', [-3, -1, 0, 0.5, 2], Math.exp, undefined, 1e-5),
  unary('LOG', 'LOG', pos, Math.log, undefined, 1e-6),
  unary('SQRT', 'SQRT', pos, Math.sqrt, undefined, 1e-6),
  unary('RSQRT', 'RSQRT', pos, (a) => 1 / Math.sqrt(a), undefined, 1e-5),
  unary('SQUARE', 'SQUARE', v, (a) => a * a),
  {
    name: 'PRELU, alpha per channel broadcast', opcode: 'PRELU',
    inputs: [input([1, 2, 3], twoByThree), constant([1, 1, 3], [0.1, 0.2, 0.3])],
    outputs: [{ shape: [1, 2, 3] }], expected: [1, -0.4, 3, -0.4, 5, -1.8], tolerance: 1e-6,
  },
  {
    name: 'SOFTMAX beta 2 on the last axis', opcode: 'SOFTMAX', options: { beta: 2 },
    inputs: [input([2, 3], [1, 2, 3, 0, 0, 1])], outputs: [{ shape: [2, 3] }],
    expected: (() => {
      const row = (r: number[]) => { const e = r.map((a) => Math.exp(2 * a)); const s = e.reduce((p, q) => p + q); return e.map((a) => a / s); };
      return [...row([1, 2, 3]), ...row([0, 0, 1])];
    })(), tolerance: 1e-6,
  },
  // Binary, broadcasting, fused activations.
  {
    name: 'ADD broadcast + RELU', opcode: 'ADD', options: { fusedActivationFunction: RELU },
    inputs: [input([2, 3], twoByThree), constant([3], [1, 1, 1])], outputs: [{ shape: [2, 3] }],
    expected: [2, 0, 4, 0, 6, 0],
  },
  {
    name: 'SUB two inputs', opcode: 'SUB', inputs: [input([3], [5, 6, 7]), input([3], [1, 8, -1])],
    outputs: [{ shape: [3] }], expected: [4, -2, 8],
  },
  {
    name: 'MUL + RELU6', opcode: 'MUL', options: { fusedActivationFunction: RELU6 },
    inputs: [input([4], [1, 2, 3, -4]), constant([1], [2.5])], outputs: [{ shape: [4] }], expected: [2.5, 5, 6, 0],
  },
  {
    name: 'DIV + RELU_N1_TO_1', opcode: 'DIV', options: { fusedActivationFunction: RELU_N1_TO_1 },
    inputs: [input([4], [1, -6, 0.5, 3]), constant([4], [4, 2, 1, -6])], outputs: [{ shape: [4] }],
    expected: [0.25, -1, 0.5, -0.5],
  },
  {
    name: 'MAXIMUM', opcode: 'MAXIMUM', inputs: [input([3], [1, -2, 3]), constant([3], [0, 0, 5])],
    outputs: [{ shape: [3] }], expected: [1, 0, 5],
  },
  {
    name: 'MINIMUM', opcode: 'MINIMUM', inputs: [input([3], [1, -2, 3]), constant([3], [0, 0, 5])],
    outputs: [{ shape: [3] }], expected: [0, -2, 3],
  },
  // Convolutions.
  ...(['same', 'valid'] as const).flatMap((pad) => ([[1, 1], [2, 2], [2, 1]] as [number, number][]).map((stride): OpCase => {
    const out = ref.conv2d(x5, convW, [4, 3, 3, 3], convB, stride, pad);
    return {
      name: `CONV_2D 3x3 ${pad} stride ${stride}`, opcode: 'CONV_2D',
      options: { padding: pad === 'same' ? SAME : VALID, strideH: stride[0], strideW: stride[1], dilationHFactor: 1, dilationWFactor: 1 },
      inputs: [input([1, 5, 5, 3], x5.data), constant([4, 3, 3, 3], convW), constant([4], convB)],
      outputs: [{ shape: [1, out.h, out.w, 4] }], expected: out.data,
    };
  })),
  (() => {
    const out = ref.conv2d(x5, convW, [4, 3, 3, 3], undefined, [1, 1], 'same', [2, 2]);
    return {
      name: 'CONV_2D dilation 2, no bias, RELU', opcode: 'CONV_2D',
      options: { padding: SAME, strideH: 1, strideW: 1, dilationHFactor: 2, dilationWFactor: 2, fusedActivationFunction: RELU },
      inputs: [input([1, 5, 5, 3], x5.data), constant([4, 3, 3, 3], convW), null],
      outputs: [{ shape: [1, out.h, out.w, 4] }], expected: out.data.map((a) => Math.max(0, a)),
    };
  })(),
  ...([[1, 1], [2, 2]] as [number, number][]).map((stride): OpCase => {
    const out = ref.depthwise(x4, dwW, 3, 3, 2, dwB, stride, 'same');
    return {
      name: `DEPTHWISE_CONV_2D multiplier 2 stride ${stride}`, opcode: 'DEPTHWISE_CONV_2D',
      options: { padding: SAME, strideH: stride[0], strideW: stride[1], depthMultiplier: 2, dilationHFactor: 1, dilationWFactor: 1 },
      inputs: [input([1, 4, 6, 2], x4.data), constant([1, 3, 3, 4], dwW), constant([4], dwB)],
      outputs: [{ shape: [1, out.h, out.w, 4] }], expected: out.data,
    };
  }),
  (() => {
    const out = ref.depthwise(x4, dwW, 3, 3, 2, undefined, [1, 1], 'valid');
    return {
      name: 'DEPTHWISE_CONV_2D valid + RELU6', opcode: 'DEPTHWISE_CONV_2D',
      options: { padding: VALID, strideH: 1, strideW: 1, depthMultiplier: 2, fusedActivationFunction: RELU6 },
      inputs: [input([1, 4, 6, 2], x4.data), constant([1, 3, 3, 4], dwW), null],
      outputs: [{ shape: [1, out.h, out.w, 4] }], expected: out.data.map((a) => Math.min(6, Math.max(0, a))),
    };
  })(),
  {
    name: 'FULLY_CONNECTED weights [out, in] + bias', opcode: 'FULLY_CONNECTED',
    inputs: [input([2, 3], [1, 2, 3, -1, 0, 1]), constant([2, 3], [1, 0, -1, 0.5, 0.5, 0.5]), constant([2], [10, 20])],
    outputs: [{ shape: [2, 2] }], expected: [1 - 3 + 10, 3 + 20, -1 - 1 + 10, 0 + 20],
  },
  {
    name: 'FULLY_CONNECTED keep_num_dims, no bias, RELU', opcode: 'FULLY_CONNECTED',
    options: { keepNumDims: true, fusedActivationFunction: RELU },
    inputs: [input([1, 2, 3], [1, 2, 3, -1, 0, 1]), constant([2, 3], [1, 0, -1, 0.5, 0.5, 0.5]), null],
    outputs: [{ shape: [1, 2, 2] }], expected: [0, 3, 0, 0],
  },
  (() => {
    // MediaPipe SAME: total padding max(0, k - (in-1) mod s - 1): H 4-0-1 = 3 (out 2*2+4-3 = 5), W 4-1-1 = 2
    // (out 3*2+4-2 = 8); the top/left side gets floor(total/2) = 1.
    const out = ref.transposeConv(tcX, tcW, [3, 4, 4, 2], tcB, [2, 2], 1, 1, 5, 8);
    return {
      name: 'Convolution2DTransposeBias 4x4 stride 2 SAME (odd and even input sizes)', opcode: 'CUSTOM', customCode: 'Convolution2DTransposeBias',
      customOptions: new Uint8Array(Int32Array.from([1, 2, 2]).buffer),
      inputs: [input([1, 3, 4, 2], tcX.data), constant([3, 4, 4, 2], tcW), constant([3], tcB)],
      outputs: [{ shape: [1, 5, 8, 3] }], expected: out.data,
    };
  })(),
  (() => {
    const out = ref.transposeConv(tcX, tcW, [3, 4, 4, 2], tcB, [2, 2], 0, 0, 8, 10);
    return {
      name: 'Convolution2DTransposeBias VALID', opcode: 'CUSTOM', customCode: 'Convolution2DTransposeBias',
      customOptions: new Uint8Array(Int32Array.from([2, 2, 2]).buffer),
      inputs: [input([1, 3, 4, 2], tcX.data), constant([3, 4, 4, 2], tcW), constant([3], tcB)],
      outputs: [{ shape: [1, 8, 10, 3] }], expected: out.data,
    };
  })(),
  (() => {
    // SAME: total padding (in-1)*s + k - out = 2*2+4-6 = 2 rows -> top 1; 3*2+4-8 = 2 -> left 1.
    const out = ref.transposeConv(tcX, tcW, [3, 4, 4, 2], tcB, [2, 2], 1, 1, 6, 8);
    return {
      name: 'TRANSPOSE_CONV SAME stride 2 + bias', opcode: 'TRANSPOSE_CONV',
      options: { padding: SAME, strideH: 2, strideW: 2 },
      inputs: [constant([4], [1, 6, 8, 3], 'int32'), constant([3, 4, 4, 2], tcW), input([1, 3, 4, 2], tcX.data), constant([3], tcB)],
      outputs: [{ shape: [1, 6, 8, 3] }], expected: out.data,
    };
  })(),
  (() => {
    const w = seeded(2 * 3 * 3 * 2, 11);
    const out = ref.transposeConv(tcX, w, [2, 3, 3, 2], undefined, [2, 2], 0, 0, 7, 9);
    return {
      name: 'TRANSPOSE_CONV VALID 3x3, no bias', opcode: 'TRANSPOSE_CONV',
      options: { padding: VALID, strideH: 2, strideW: 2 },
      inputs: [constant([4], [1, 7, 9, 2], 'int32'), constant([2, 3, 3, 2], w), input([1, 3, 4, 2], tcX.data)],
      outputs: [{ shape: [1, 7, 9, 2] }], expected: out.data,
    };
  })(),
  // Pooling.
  ...(['same', 'valid'] as const).flatMap((pad) => (['avg', 'max'] as const).map((kind): OpCase => {
    const out = ref.pool(x5, [3, 3], [2, 2], pad, kind);
    return {
      name: `${kind === 'avg' ? 'AVERAGE' : 'MAX'}_POOL_2D 3x3 stride 2 ${pad}`, opcode: kind === 'avg' ? 'AVERAGE_POOL_2D' : 'MAX_POOL_2D',
      options: { padding: pad === 'same' ? SAME : VALID, strideH: 2, strideW: 2, filterHeight: 3, filterWidth: 3 },
      inputs: [input([1, 5, 5, 3], x5.data)], outputs: [{ shape: [1, out.h, out.w, 3] }], expected: out.data, tolerance: 1e-6,
    };
  })),
  // Reductions.
  {
    name: 'MEAN over H, W keep dims', opcode: 'MEAN', options: { keepDims: true },
    inputs: [input([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]), constant([2], [1, 2], 'int32')],
    outputs: [{ shape: [1, 1, 1, 2] }], expected: [4, 5],
  },
  {
    name: 'REDUCE_MAX negative axis', opcode: 'REDUCE_MAX', options: { keepDims: false },
    inputs: [input([2, 3], twoByThree), constant([1], [-1], 'int32')], outputs: [{ shape: [2] }], expected: [3, 5],
  },
  // Shapes and data movement.
  {
    name: 'RESHAPE with shape input and -1', opcode: 'RESHAPE',
    inputs: [input([2, 3], twoByThree), constant([2], [3, -1], 'int32')], outputs: [{ shape: [3, 2] }], expected: twoByThree,
  },
  {
    name: 'SQUEEZE listed dims', opcode: 'SQUEEZE', options: { squeezeDims: [0, 2] },
    inputs: [input([1, 3, 1, 2], twoByThree)], outputs: [{ shape: [3, 2] }], expected: twoByThree,
  },
  {
    name: 'TRANSPOSE', opcode: 'TRANSPOSE',
    inputs: [input([2, 3], twoByThree), constant([2], [1, 0], 'int32')], outputs: [{ shape: [3, 2] }], expected: [1, -4, -2, 5, 3, -6],
  },
  {
    name: 'CONCATENATION negative axis + RELU', opcode: 'CONCATENATION', options: { axis: -1, fusedActivationFunction: RELU },
    inputs: [input([2, 1], [1, -2]), input([2, 2], [3, 4, -5, 6])], outputs: [{ shape: [2, 3] }], expected: [1, 3, 4, 0, 0, 6],
  },
  {
    name: 'PAD', opcode: 'PAD',
    inputs: [input([2, 2], [1, 2, 3, 4]), constant([2, 2], [1, 0, 0, 2], 'int32')], outputs: [{ shape: [3, 4] }],
    expected: [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0],
  },
  {
    name: 'PADV2 with fill value', opcode: 'PADV2',
    inputs: [input([2], [1, 2]), constant([1, 2], [2, 1], 'int32'), constant([], [-9])], outputs: [{ shape: [5] }],
    expected: [-9, -9, 1, 2, -9],
  },
  {
    name: 'MIRROR_PAD REFLECT', opcode: 'MIRROR_PAD', options: { mode: 0 },
    inputs: [input([3], [1, 2, 3]), constant([1, 2], [2, 2], 'int32')], outputs: [{ shape: [7] }], expected: [3, 2, 1, 2, 3, 2, 1],
  },
  {
    name: 'MIRROR_PAD SYMMETRIC', opcode: 'MIRROR_PAD', options: { mode: 1 },
    inputs: [input([3], [1, 2, 3]), constant([1, 2], [2, 2], 'int32')], outputs: [{ shape: [7] }], expected: [2, 1, 1, 2, 3, 3, 2],
  },
  ...([[false, false], [true, false], [false, true]] as const).flatMap(([alignCorners, halfPixelCenters]) => [
    {
      name: `RESIZE_BILINEAR align_corners=${alignCorners} half_pixel=${halfPixelCenters}`, opcode: 'RESIZE_BILINEAR',
      options: { alignCorners, halfPixelCenters },
      inputs: [input([1, 3, 4, 2], rx.data), constant([2], [5, 7], 'int32')], outputs: [{ shape: [1, 5, 7, 2] }],
      expected: ref.resizeBilinear(rx, 5, 7, alignCorners, halfPixelCenters).data,
    },
    {
      name: `RESIZE_NEAREST_NEIGHBOR align_corners=${alignCorners} half_pixel=${halfPixelCenters}`, opcode: 'RESIZE_NEAREST_NEIGHBOR',
      options: { alignCorners, halfPixelCenters },
      inputs: [input([1, 3, 4, 2], rx.data), constant([2], [5, 7], 'int32')], outputs: [{ shape: [1, 5, 7, 2] }],
      expected: ref.resizeNearest(rx, 5, 7, alignCorners, halfPixelCenters).data,
    },
  ] as OpCase[]),
  {
    name: 'STRIDED_SLICE with masks and shrink', opcode: 'STRIDED_SLICE',
    options: { beginMask: 1, endMask: 0, shrinkAxisMask: 2 },
    // x[:, 1, ::] of a [2,3,2] tensor, then row 0..1 only
    inputs: [input([2, 3, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), constant([3], [1, 1, 0], 'int32'),
      constant([3], [2, 2, 2], 'int32'), constant([3], [1, 1, 1], 'int32')],
    outputs: [{ shape: [2, 2] }], expected: [2, 3, 8, 9],
  },
  {
    name: 'STRIDED_SLICE negative stride', opcode: 'STRIDED_SLICE',
    inputs: [input([6], [0, 1, 2, 3, 4, 5]), constant([1], [5], 'int32'), constant([1], [0], 'int32'), constant([1], [-2], 'int32')],
    outputs: [{ shape: [3] }], expected: [5, 3, 1],
  },
  {
    name: 'SLICE with size -1', opcode: 'SLICE',
    inputs: [input([2, 3], twoByThree), constant([2], [1, 1], 'int32'), constant([2], [1, -1], 'int32')],
    outputs: [{ shape: [1, 2] }], expected: [5, -6],
  },
  {
    name: 'GATHER axis 1', opcode: 'GATHER', options: { axis: 1 },
    inputs: [input([2, 3], twoByThree), constant([2], [2, 0], 'int32')], outputs: [{ shape: [2, 2] }], expected: [3, 1, -6, -4],
  },
  {
    name: 'PACK axis 1', opcode: 'PACK', options: { valuesCount: 2, axis: 1 },
    inputs: [input([2], [1, 2]), input([2], [3, 4])], outputs: [{ shape: [2, 2] }], expected: [1, 3, 2, 4],
  },
  {
    name: 'DEPTH_TO_SPACE block 2', opcode: 'DEPTH_TO_SPACE', options: { blockSize: 2 },
    inputs: [input([1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8])], outputs: [{ shape: [1, 2, 4, 1] }], expected: [1, 2, 5, 6, 3, 4, 7, 8],
  },
  // Comparisons and logic (bool results), choosing by a condition.
  ...([['LESS', (a: number, b: number) => a < b], ['LESS_EQUAL', (a: number, b: number) => a <= b],
    ['GREATER', (a: number, b: number) => a > b], ['GREATER_EQUAL', (a: number, b: number) => a >= b],
    ['EQUAL', (a: number, b: number) => a === b], ['NOT_EQUAL', (a: number, b: number) => a !== b]] as const).map(([opcode, fn]): OpCase => ({
    name: `${opcode} broadcast`, opcode, inputs: [input([2, 3], [1, 2, 3, 4, 5, 6]), constant([3], [2, 2, 6])],
    outputs: [{ shape: [2, 3], dtype: 'bool' }], expected: [1, 2, 3, 4, 5, 6].map((a, k) => (fn(a, [2, 2, 6][k % 3]!) ? 1 : 0)),
  })),
  {
    name: 'LOGICAL_AND', opcode: 'LOGICAL_AND', inputs: [{ shape: [4], data: [0, 1, 0, 1], dtype: 'bool' }, constant([4], [0, 0, 1, 1], 'bool')],
    outputs: [{ shape: [4], dtype: 'bool' }], expected: [0, 0, 0, 1],
  },
  {
    name: 'LOGICAL_OR', opcode: 'LOGICAL_OR', inputs: [{ shape: [4], data: [0, 1, 0, 1], dtype: 'bool' }, constant([4], [0, 0, 1, 1], 'bool')],
    outputs: [{ shape: [4], dtype: 'bool' }], expected: [0, 1, 1, 1],
  },
  {
    name: 'LOGICAL_NOT', opcode: 'LOGICAL_NOT', inputs: [{ shape: [3], data: [0, 1, 0], dtype: 'bool' }],
    outputs: [{ shape: [3], dtype: 'bool' }], expected: [1, 0, 1],
  },
  {
    name: 'SELECT with a row condition', opcode: 'SELECT',
    inputs: [{ shape: [2], data: [1, 0], dtype: 'bool' }, input([2, 3], twoByThree), constant([2, 3], [9, 9, 9, 8, 8, 8])],
    outputs: [{ shape: [2, 3] }], expected: [1, -2, 3, 8, 8, 8],
  },
  {
    name: 'SELECT_V2 broadcasting all three', opcode: 'SELECT_V2',
    inputs: [{ shape: [1, 3], data: [1, 0, 1], dtype: 'bool' }, input([2, 3], twoByThree), constant([], [0])],
    outputs: [{ shape: [2, 3] }], expected: [1, 0, 3, -4, 0, -6],
  },
  {
    name: 'CAST float to int32 truncates', opcode: 'CAST', inputs: [input([4], [1.7, -1.7, 0.2, 3])],
    outputs: [{ shape: [4], dtype: 'int32' }], expected: [1, -1, 0, 3],
  },
  unary('ROUND half to even', 'ROUND', [-2.5, -1.5, -0.4, 0.5, 1.5, 2.6], (a) => (Math.abs(a % 1) === 0.5 ? 2 * Math.round(a / 2) : Math.round(a))),
  unary('SIGN', 'SIGN', v, Math.sign),
  unary('NEG', 'NEG', v, (a) => -a),
  unary('ABS', 'ABS', v, Math.abs),
  unary('FLOOR', 'FLOOR', v, Math.floor),
  {
    name: 'FLOOR_DIV floats', opcode: 'FLOOR_DIV', inputs: [input([4], [7, -7, 7.5, -0.5]), constant([4], [2, 2, -2, 3])],
    outputs: [{ shape: [4] }], expected: [3, -4, -4, -1],
  },
  {
    name: 'FLOOR_MOD takes the divisor sign', opcode: 'FLOOR_MOD', inputs: [input([4], [7, -7, 7.5, -0.5]), constant([4], [2, 2, -2, 3])],
    outputs: [{ shape: [4] }], expected: [1, 1, -0.5, 2.5],
  },
  {
    name: 'POW', opcode: 'POW', inputs: [input([3], [2, 9, 0.5]), constant([3], [3, 0.5, -1])],
    outputs: [{ shape: [3] }], expected: [8, 3, 2], tolerance: 1e-5,
  },
  {
    name: 'SQUARED_DIFFERENCE', opcode: 'SQUARED_DIFFERENCE', inputs: [input([3], [1, -2, 3]), constant([3], [0, 1, 5])],
    outputs: [{ shape: [3] }], expected: [1, 9, 4],
  },
  {
    name: 'REDUCE_MIN', opcode: 'REDUCE_MIN', options: { keepDims: false },
    inputs: [input([2, 3], twoByThree), constant([1], [1], 'int32')], outputs: [{ shape: [2] }], expected: [-2, -6],
  },
  {
    name: 'REDUCE_PROD keep dims', opcode: 'REDUCE_PROD', options: { keepDims: true },
    inputs: [input([2, 3], twoByThree), constant([1], [0], 'int32')], outputs: [{ shape: [1, 3] }], expected: [-4, -10, -18],
  },
  // Indexing.
  {
    name: 'GATHER_ND rows and elements', opcode: 'GATHER_ND',
    inputs: [input([2, 3], twoByThree), constant([2, 2], [1, 2, 0, 1], 'int32')], outputs: [{ shape: [2] }], expected: [-6, -2],
  },
  {
    name: 'ARG_MAX last axis', opcode: 'ARG_MAX', options: { outputType: 2 },
    inputs: [input([2, 3], twoByThree), constant([1], [-1], 'int32')], outputs: [{ shape: [2], dtype: 'int32' }], expected: [2, 1],
  },
  {
    name: 'ARG_MIN first axis', opcode: 'ARG_MIN', options: { outputType: 2 },
    inputs: [input([2, 3], twoByThree), constant([1], [0], 'int32')], outputs: [{ shape: [3], dtype: 'int32' }], expected: [1, 0, 1],
  },
  {
    name: 'TOPK_V2 k 2, values and indices', opcode: 'TOPK_V2',
    inputs: [input([2, 3], twoByThree), constant([], [2], 'int32')],
    outputs: [{ shape: [2, 2] }, { shape: [2, 2], dtype: 'int32' }], expected: [3, 1, 5, -4], moreExpected: [[2, 0, 1, 0]],
  },
  {
    name: 'ONE_HOT axis 0 with on/off values', opcode: 'ONE_HOT', options: { axis: 0 },
    inputs: [{ shape: [2], data: [2, 0], dtype: 'int32' }, constant([], [3], 'int32'), constant([], [5]), constant([], [-1])],
    outputs: [{ shape: [3, 2] }], expected: [-1, 5, -1, -1, 5, -1],
  },
  {
    name: 'CUMSUM exclusive reverse', opcode: 'CUMSUM', options: { exclusive: true, reverse: true },
    inputs: [input([2, 3], twoByThree), constant([], [1], 'int32')], outputs: [{ shape: [2, 3] }], expected: [1, 3, 0, -1, -6, 0],
  },
  // Splitting and rearranging.
  {
    name: 'SPLIT into 3 on the last axis', opcode: 'SPLIT', options: { numSplits: 3 },
    inputs: [constant([], [-1], 'int32'), input([2, 3], twoByThree)],
    outputs: [{ shape: [2, 1] }, { shape: [2, 1] }, { shape: [2, 1] }], expected: [1, -4], moreExpected: [[-2, 5], [3, -6]],
  },
  {
    name: 'SPLIT_V sizes [1, -1]', opcode: 'SPLIT_V', options: { numSplits: 2 },
    inputs: [input([2, 3], twoByThree), constant([2], [1, -1], 'int32'), constant([], [1], 'int32')],
    outputs: [{ shape: [2, 1] }, { shape: [2, 2] }], expected: [1, -4], moreExpected: [[-2, 3, 5, -6]],
  },
  {
    name: 'UNPACK axis 1', opcode: 'UNPACK', options: { num: 3, axis: 1 },
    inputs: [input([2, 3], twoByThree)], outputs: [{ shape: [2] }, { shape: [2] }, { shape: [2] }], expected: [1, -4], moreExpected: [[-2, 5], [3, -6]],
  },
  {
    name: 'TILE', opcode: 'TILE', inputs: [input([1, 2], [1, 2]), constant([2], [2, 2], 'int32')],
    outputs: [{ shape: [2, 4] }], expected: [1, 2, 1, 2, 1, 2, 1, 2],
  },
  {
    name: 'SPACE_TO_DEPTH block 2 (inverse of the DEPTH_TO_SPACE case)', opcode: 'SPACE_TO_DEPTH', options: { blockSize: 2 },
    inputs: [input([1, 2, 4, 1], [1, 2, 5, 6, 3, 4, 7, 8])], outputs: [{ shape: [1, 1, 2, 4] }], expected: [1, 2, 3, 4, 5, 6, 7, 8],
  },
  {
    name: 'BATCH_MATMUL broadcast batch, adjY', opcode: 'BATCH_MATMUL', options: { adjX: false, adjY: true },
    inputs: [input([2, 1, 3], twoByThree), constant([1, 2, 3], [1, 0, 0, 0, 1, 1])],
    outputs: [{ shape: [2, 1, 2] }], expected: [1, 1, -4, -1],
  },
  unary('CEIL', 'CEIL', v, Math.ceil),
  unary('COS', 'COS', v, Math.cos, undefined, 1e-6),
  unary('SIN', 'SIN', v, Math.sin, undefined, 1e-6),
  {
    name: 'LOG_SOFTMAX on the last axis', opcode: 'LOG_SOFTMAX', inputs: [input([2, 3], [1, 2, 3, 0, 0, 1])], outputs: [{ shape: [2, 3] }],
    expected: [[1, 2, 3], [0, 0, 1]].flatMap((r) => { const l = Math.log(r.reduce((p, a) => p + Math.exp(a), 0)); return r.map((a) => a - l); }),
  },
  {
    name: 'LOCAL_RESPONSE_NORMALIZATION radius 1', opcode: 'LOCAL_RESPONSE_NORMALIZATION', options: { radius: 1, bias: 1, alpha: 0.5, beta: 0.75 },
    inputs: [input([1, 1, 1, 3], [1, 2, 3])], outputs: [{ shape: [1, 1, 1, 3] }],
    expected: [[1, 4], [1, 4, 9], [4, 9]].map((sq, c) => [1, 2, 3][c]! / (1 + 0.5 * sq.reduce((p, q) => p + q)) ** 0.75), tolerance: 1e-6,
  },
  {
    name: 'SPACE_TO_BATCH_ND block 2 with padding', opcode: 'SPACE_TO_BATCH_ND',
    inputs: [input([1, 2, 2, 1], [1, 2, 3, 4]), constant([2], [2, 2], 'int32'), constant([2, 2], [0, 0, 0, 2], 'int32')],
    outputs: [{ shape: [4, 1, 2, 1] }], expected: [1, 0, 2, 0, 3, 0, 4, 0],
  },
  {
    name: 'BATCH_TO_SPACE_ND block 2 with crops', opcode: 'BATCH_TO_SPACE_ND',
    inputs: [input([4, 1, 2, 1], [1, 0, 2, 0, 3, 0, 4, 0]), constant([2], [2, 2], 'int32'), constant([2, 2], [0, 0, 0, 2], 'int32')],
    outputs: [{ shape: [1, 2, 2, 1] }], expected: [1, 2, 3, 4],
  },
  {
    name: 'REVERSE_V2 last axis', opcode: 'REVERSE_V2', inputs: [input([2, 3], twoByThree), constant([1], [-1], 'int32')],
    outputs: [{ shape: [2, 3] }], expected: [3, -2, 1, -6, 5, -4],
  },
  {
    name: 'BROADCAST_TO', opcode: 'BROADCAST_TO', inputs: [input([1, 3], [1, 2, 3]), constant([2], [2, 3], 'int32')],
    outputs: [{ shape: [2, 3] }], expected: [1, 2, 3, 1, 2, 3],
  },
  {
    name: 'ATAN2 all quadrants', opcode: 'ATAN2', inputs: [input([4], [1, 1, -1, -1]), constant([4], [1, -1, -1, 1])],
    outputs: [{ shape: [4] }], expected: [Math.PI / 4, 3 * Math.PI / 4, -3 * Math.PI / 4, -Math.PI / 4], tolerance: 1e-6,
  },
  {
    name: 'SPARSE_TO_DENSE with a default', opcode: 'SPARSE_TO_DENSE', options: { validateIndices: false },
    inputs: [{ shape: [2, 2], data: [0, 1, 1, 2], dtype: 'int32' }, constant([2], [2, 3], 'int32'), input([2], [5, 7]), constant([], [-1])],
    outputs: [{ shape: [2, 3] }], expected: [-1, 5, -1, -1, -1, 7],
  },
  {
    name: 'FILL with a run-time value', opcode: 'FILL', inputs: [constant([2], [2, 3], 'int32'), input([], [2.5])],
    outputs: [{ shape: [2, 3] }], expected: [2.5, 2.5, 2.5, 2.5, 2.5, 2.5],
  },
  // Non-max suppression: boxes 0 and 1 overlap (IoU 0.81), box 2 is apart, box 3 scores under the threshold.
  {
    name: 'NON_MAX_SUPPRESSION_V4 padded', opcode: 'NON_MAX_SUPPRESSION_V4',
    inputs: [input([4, 4], [0, 0, 1, 1, 0, 0, 0.9, 0.9, 2, 2, 3, 3, 5, 5, 6, 6]), input([4], [0.8, 0.9, 0.7, 0.05]),
      constant([], [3], 'int32'), constant([], [0.5]), constant([], [0.1])],
    outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }], expected: [1, 2, 0], moreExpected: [[2]],
  },
  {
    name: 'NON_MAX_SUPPRESSION_V5 hard (sigma 0), padded', opcode: 'NON_MAX_SUPPRESSION_V5',
    inputs: [input([4, 4], [0, 0, 1, 1, 0, 0, 0.9, 0.9, 2, 2, 3, 3, 5, 5, 6, 6]), input([4], [0.8, 0.9, 0.7, 0.05]),
      constant([], [3], 'int32'), constant([], [0.5]), constant([], [0.1]), constant([], [0])],
    outputs: [{ shape: [3], dtype: 'int32' }, { shape: [3] }, { shape: [], dtype: 'int32' }], expected: [1, 2, 0],
    moreExpected: [[0.9, 0.7, 0], [2]],
  },
  // Quantization.
  {
    name: 'DEQUANTIZE int8 activation input (real values in, identity)', opcode: 'DEQUANTIZE',
    inputs: [{ shape: [3], data: [-2, -1, 127], dtype: 'int8', quantization: { scale: [0.5], zeroPoint: [-1], quantizedDimension: 0 } }],
    outputs: [{ shape: [3] }], expected: [-0.5, 0, 64],
  },
  {
    name: 'QUANTIZE emulated: round(x/scale)+zp clamped, returned as the int8 output', opcode: 'QUANTIZE',
    inputs: [input([5], [0.26, -1, 100, -100, 0.74])],
    outputs: [{ shape: [5], dtype: 'int8', quantization: { scale: [0.5], zeroPoint: [3], quantizedDimension: 0 } }],
    expected: [4, 1, 127, -128, 4],
  },
  {
    name: 'CONV_2D with int8 per-channel weights dequantized at load', opcode: 'CONV_2D',
    options: { padding: VALID, strideH: 1, strideW: 1 },
    inputs: [input([1, 1, 1, 2], [1, 2]),
      { shape: [2, 1, 1, 2], data: [10, -20, 127, 1], dtype: 'int8', constant: true, quantization: { scale: [0.1, 0.01], zeroPoint: [0, 0], quantizedDimension: 0 } },
      null],
    outputs: [{ shape: [1, 1, 1, 2] }], expected: [1 * 1 + 2 * -2, 1 * 1.27 + 2 * 0.01], tolerance: 1e-6,
  },
];

/** Sizes sanity: every case's expectation matches its declared output size. */
export function checkCase(c: OpCase): void {
  if (c.expected.length !== size(c.outputs[0]!.shape)) throw new Error(`${c.name}: ${c.expected.length} expected values for shape [${c.outputs[0]!.shape}]`);
}
