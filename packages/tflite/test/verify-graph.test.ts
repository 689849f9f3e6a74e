// verifyGraph: real models pass; each semantic defect the issue lists is refused with InvalidOperatorError
// naming the operator, the rule and the values (built here with GraphBuilder, one defect per case).
import { describe, expect, it } from 'vitest';
import {
  ActivationFunctionType,
  GraphBuilder,
  InvalidModelError,
  InvalidOperatorError,
  Padding,
  readModel,
  verifyGraph,
  verifiedOps,
  type Graph,
  type Quantization,
} from '../src/index.js';
import { loadRealModel, REAL_MODEL_NAMES } from './fixtures.js';

const q = (scale: number | number[], zeroPoint: number | number[], quantizedDimension = 0): Quantization => ({
  scale: Array.isArray(scale) ? scale : [scale],
  zeroPoint: Array.isArray(zeroPoint) ? zeroPoint : [zeroPoint],
  quantizedDimension,
});

function refusal(graph: Graph, options?: Parameters<typeof verifyGraph>[1]): InvalidOperatorError {
  try {
    verifyGraph(graph, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOperatorError);
    return error as InvalidOperatorError;
  }
  throw new Error('verifyGraph accepted the graph');
}

interface ConvSpec {
  inputQ?: Quantization;
  weightQ?: Quantization;
  biasQ?: Quantization;
  outputQ?: Quantization;
  options?: Record<string, unknown>;
  outputShape?: number[];
  int16?: boolean;
}

/** A full-integer CONV_2D: x [1,6,6,2], w [3,3,3,2] per channel, bias int32, SAME, stride 1. */
function int8Conv(spec: ConvSpec = {}): Graph {
  const b = new GraphBuilder();
  const act = spec.int16 ? 'int16' : 'int8';
  const inputQ = spec.inputQ ?? q(0.05, spec.int16 ? 0 : -3);
  const weightQ = spec.weightQ ?? q([0.01, 0.02, 0.03], [0, 0, 0]);
  const x = b.input('x', act, [1, 6, 6, 2], { quantization: inputQ });
  const w = b.constant('w', 'int8', [3, 3, 3, 2], new Int8Array(54).map((_, i) => (i % 17) - 8), { quantization: weightQ });
  const biasScales = weightQ.scale.map((s) => s * inputQ.scale[0]!);
  const bias = b.constant('b', spec.int16 ? 'int64' : 'int32', [3], spec.int16 ? new BigInt64Array([1n, -2n, 3n]) : new Int32Array([1, -2, 3]), {
    quantization: spec.biasQ ?? q(biasScales, [0, 0, 0]),
  });
  const y = b.op('CONV_2D', [x, w, bias], {
    optionsType: 'Conv2DOptions',
    options: { padding: Padding.SAME, strideW: 1, strideH: 1, dilationWFactor: 1, dilationHFactor: 1, fusedActivationFunction: 0, ...spec.options },
  }, { name: 'y', dtype: act, shape: spec.outputShape ?? [1, 6, 6, 3], quantization: spec.outputQ ?? q(0.1, spec.int16 ? 0 : 2) });
  b.output(y);
  return b.build();
}

/** One op over input x and int32 constants (name -> [shape, values]); the output declared as given. */
function constOpModel(opcode: string, x: [number[], Quantization?], constants: [number[], number[]][], out: [number[], Quantization?], options: Record<string, unknown> = {}): Graph {
  const b = new GraphBuilder();
  const dtype = x[1] ? 'int8' : 'float32';
  const input = b.input('x', dtype, x[0], x[1] ? { quantization: x[1] } : undefined);
  const operands = constants.map(([shape, values], i) => b.constant(`c${i}`, 'int32', shape, new Int32Array(values)));
  b.output(b.op(opcode, [input, ...operands], { options }, { name: 'y', dtype, shape: out[0], ...(out[1] ? { quantization: out[1] } : {}) }));
  return b.build();
}

function binaryModel(opcode: string, a: number[], c: number[], out: number[], options: Record<string, unknown> = {}): Graph {
  const b = new GraphBuilder();
  const x = b.input('a', 'float32', a);
  const y = b.input('b', 'float32', c);
  b.output(b.op(opcode, [x, y], { options }, { name: 'y', dtype: 'float32', shape: out }));
  return b.build();
}

describe('verifyGraph', () => {
  it.each(REAL_MODEL_NAMES)('accepts the real model %s', (name) => {
    expect(() => verifyGraph(readModel(loadRealModel(name)))).not.toThrow();
  });

  it('accepts a full-integer int8 and an int16x8 convolution', () => {
    expect(() => verifyGraph(int8Conv())).not.toThrow();
    expect(() => verifyGraph(int8Conv({ int16: true }))).not.toThrow();
  });

  it('knows every op family the brief lists', () => {
    const ops = verifiedOps();
    const brief = `ADD_N GATHER_ND TRANSPOSE_CONV LESS LESS_EQUAL GREATER GREATER_EQUAL EQUAL NOT_EQUAL LOGICAL_AND LOGICAL_OR
      LOGICAL_NOT SELECT SELECT_V2 WHERE CAST TILE FILL ZEROS_LIKE RANGE FLOOR FLOOR_DIV FLOOR_MOD ROUND SIGN SQUARE
      SQUARED_DIFFERENCE SQRT RSQRT POW EXP LOG REDUCE_MIN REDUCE_MAX REDUCE_PROD SUM MEAN CUMSUM ARG_MAX ARG_MIN TOPK_V2
      SPLIT SPLIT_V UNPACK PACK ONE_HOT BATCH_MATMUL RESIZE_NEAREST_NEIGHBOR RESIZE_BILINEAR SPACE_TO_DEPTH DEPTH_TO_SPACE
      MIRROR_PAD ELU NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 GELU HARD_SWISH PRELU LEAKY_RELU
      custom:Convolution2DTransposeBias`;
    // ...and what the converter emits besides (its importers and int8 rules).
    const converter = `CONV_2D DEPTHWISE_CONV_2D FULLY_CONNECTED AVERAGE_POOL_2D MAX_POOL_2D ADD SUB MUL DIV MAXIMUM MINIMUM RELU RELU6
      RELU_N1_TO_1 LOGISTIC TANH SOFTMAX LOG_SOFTMAX RESHAPE SQUEEZE EXPAND_DIMS PAD PADV2 TRANSPOSE SLICE STRIDED_SLICE
      GATHER CONCATENATION QUANTIZE DEQUANTIZE DENSIFY NEG ABS ATAN2 LOCAL_RESPONSE_NORMALIZATION SPACE_TO_BATCH_ND
      BATCH_TO_SPACE_ND REVERSE_V2 SPARSE_TO_DENSE`;
    const missing = `${brief} ${converter}`.split(/\s+/).filter((op) => op && !ops.includes(op));
    expect(missing).toEqual([]);
  });

  const cases: [string, () => Graph, string, Record<string, unknown>?][] = [
    ['int8 zero point 255', () => int8Conv({ inputQ: q(0.05, 255) }), 'quantization.zero-point', { zeroPoint: 255 }],
    ['scale 0', () => int8Conv({ outputQ: q(0, 0) }), 'quantization.scale', { scale: 0 }],
    ['scale -1', () => int8Conv({ weightQ: q([0.01, -1, 0.03], [0, 0, 0]) }), 'quantization.scale', { channel: 1, scale: -1 }],
    ['per-channel scales along the wrong axis', () => int8Conv({ weightQ: q([0.01, 0.02, 0.03], [0, 0, 0], 1) }), 'quantization.per-channel'],
    ['asymmetric int8 weights', () => int8Conv({ weightQ: q([0.01, 0.02, 0.03], [0, 5, 0]) }), 'quantization.symmetric'],
    ['bias scale not input x weight scale', () => int8Conv({ biasQ: q([5e-4, 1e-3, 0.5], [0, 0, 0]) }), 'quantization.bias-scale', { channel: 2 }],
    ['int16x8 input with a zero point', () => int8Conv({ int16: true, inputQ: q(0.05, 3) }), 'quantization.symmetric'],
    ['an output scale no integer kernel can rescale to (LiteRT aborts)', () => int8Conv({ outputQ: q(1e30, 0) }), 'quantization.rescale'],
    ['a CONV_2D without its bias (LiteRT returns garbage)', () => {
      const graph = int8Conv();
      graph.subgraphs[0]!.operators[0]!.inputs.pop();
      return graph;
    }, 'inputs.count', { count: 2 }],
    ['stride 0', () => int8Conv({ options: { strideH: 0 } }), 'options.strideH', { value: 0 }],
    ['stride 2 with dilation 2', () => int8Conv({ options: { strideH: 2, dilationWFactor: 2 }, outputShape: [1, 3, 6, 3] }), 'options.dilation'],
    ['dilation 0', () => int8Conv({ options: { dilationWFactor: 0 } }), 'options.dilationWFactor'],
    ['unknown padding', () => int8Conv({ options: { padding: 7 } }), 'options.padding', { value: 7 }],
    ['unknown fused activation', () => int8Conv({ options: { fusedActivationFunction: 9 } }), 'options.activation', { value: 9 }],
    ['declared output shape the op does not compute', () => int8Conv({ outputShape: [1, 6, 6, 4] }), 'shape.infer', { computed: [1, 6, 6, 3] }],
    ['ADD of shapes that do not broadcast', () => binaryModel('ADD', [1, 8, 8, 96], [36], [1, 8, 8, 96], { fusedActivationFunction: ActivationFunctionType.NONE }), 'shape.broadcast'],
    ['CONCATENATION axis out of range', () => binaryModel('CONCATENATION', [1, 4], [1, 4], [1, 8], { axis: 5 }), 'options.axis', { axis: 5 }],
    ['a depthwise convolution without weights', () => {
      const b = new GraphBuilder();
      const x = b.input('x', 'float32', [1, 4, 4, 2]);
      b.output(b.op('DEPTHWISE_CONV_2D', [x], { options: { strideW: 1, strideH: 1, padding: 0 } }, { name: 'y', dtype: 'float32', shape: [1, 4, 4, 2] }));
      return b.build();
    }, 'inputs.count', { count: 1 }],
    ['TILE to a huge output', () => {
      const b = new GraphBuilder();
      const x = b.input('x', 'float32', [64, 64]);
      const m = b.constant('m', 'int32', [2], new Int32Array([100000, 100000]));
      const y = b.op('TILE', [x, m], undefined, { name: 'y', dtype: 'float32', shape: [6400000, 6400000] });
      const axes = b.constant('axes', 'int32', [2], new Int32Array([0, 1]));
      b.output(b.op('MEAN', [y, axes], { optionsType: 'ReducerOptions', options: { keepDims: false } }, { name: 'mean', dtype: 'float32', shape: [] }));
      return b.build();
    }, 'shape.size'],
    ['a transposed convolution with stride 0', () => {
      const b = new GraphBuilder();
      const shape = b.constant('shape', 'int32', [4], new Int32Array([1, 8, 8, 2]));
      const w = b.constant('w', 'float32', [2, 3, 3, 2], new Float32Array(36).fill(0.5));
      const x = b.input('x', 'float32', [1, 4, 4, 2]);
      b.output(b.op('TRANSPOSE_CONV', [shape, w, x], { options: { padding: 0, strideW: 2, strideH: 0 } }, { name: 'y', dtype: 'float32', shape: [1, 8, 8, 2] }));
      return b.build();
    }, 'options.strideH'],
    ['ATAN2 of shapes that differ (LiteRT does not broadcast it)', () => binaryModel('ATAN2', [2, 3], [3], [2, 3]), 'shape.same'],
    ['LOCAL_RESPONSE_NORMALIZATION with a negative radius', () => {
      const b = new GraphBuilder();
      const x = b.input('x', 'float32', [1, 2, 2, 3]);
      b.output(b.op('LOCAL_RESPONSE_NORMALIZATION', [x], { options: { radius: -1, bias: 1, alpha: 1, beta: 0.5 } }, { name: 'y', dtype: 'float32', shape: [1, 2, 2, 3] }));
      return b.build();
    }, 'options.radius', { value: -1 }],
    ['SPACE_TO_BATCH_ND whose padded width does not divide by the block',
      () => constOpModel('SPACE_TO_BATCH_ND', [[1, 4, 3, 1]], [[[2], [2, 2]], [[2, 2], [0, 0, 0, 0]]], [[4, 2, 2, 1]]), 'shape.block', { padded: 3, block: 2 }],
    ['SPACE_TO_BATCH_ND with one block value for a rank-4 input',
      () => constOpModel('SPACE_TO_BATCH_ND', [[1, 4, 4, 1]], [[[1], [2]], [[1, 2], [0, 0]]], [[2, 2, 4, 1]]), 'shape.block'],
    ['int8 SPACE_TO_BATCH_ND that rescales its output',
      () => constOpModel('SPACE_TO_BATCH_ND', [[1, 4, 4, 1], q(0.1, 0)], [[[2], [2, 2]], [[2, 2], [0, 0, 0, 0]]], [[4, 2, 2, 1], q(0.2, 0)]), 'quantization.same-as-input'],
    ['BATCH_TO_SPACE_ND cropping more than the axis holds',
      () => constOpModel('BATCH_TO_SPACE_ND', [[4, 1, 2, 1]], [[[2], [2, 2]], [[2, 2], [2, 1, 0, 0]]], [[1, 1, 4, 1]]), 'inputs.crops'],
    ['BATCH_TO_SPACE_ND declared with the wrong batch',
      () => constOpModel('BATCH_TO_SPACE_ND', [[4, 1, 2, 1]], [[[2], [2, 2]], [[2, 2], [0, 0, 0, 0]]], [[2, 2, 4, 1]]), 'shape.infer', { computed: [1, 2, 4, 1] }],
    ['REVERSE_V2 along an axis the input lacks', () => constOpModel('REVERSE_V2', [[2, 3]], [[[1], [2]]], [[2, 3]]), 'options.axis', { axis: 2, rank: 2 }],
    ['SPARSE_TO_DENSE with an index outside the output', () => {
      const b = new GraphBuilder();
      const indices = b.constant('indices', 'int32', [2, 2], new Int32Array([0, 1, 1, 3]));
      const shape = b.constant('shape', 'int32', [2], new Int32Array([2, 3]));
      const values = b.input('values', 'float32', [2]);
      const fallback = b.constant('default', 'float32', [], new Float32Array([0]));
      b.output(b.op('SPARSE_TO_DENSE', [indices, shape, values, fallback], { options: { validateIndices: false } }, { name: 'y', dtype: 'float32', shape: [2, 3] }));
      return b.build();
    }, 'inputs.indices', { index: 3, dimension: 3 }],
    ['a builtin without rules', () => {
      const b = new GraphBuilder();
      const x = b.input('x', 'float32', [1, 4]);
      b.output(b.op('LSH_PROJECTION', [x], undefined, { name: 'y', dtype: 'float32', shape: [1, 4] }));
      return b.build();
    }, 'op.known', { opcode: 'LSH_PROJECTION' }],
  ];

  it.each(cases)('refuses %s', (_name, build, rule, values) => {
    const error = refusal(build());
    expect(error.rule).toBe(rule);
    expect(error.code).toBe('INVALID_OPERATOR');
    expect(error.operator).toBe(0);
    expect(error.message).toContain(`operators[0] (${error.opcode})`);
    if (values) expect(error.values).toMatchObject(values);
  });

  it('leaves structural defects (a NaN scale, a tensor index out of range) to the reader\'s InvalidModelError', () => {
    expect(() => verifyGraph(int8Conv({ inputQ: q(Number.NaN, 0) }))).toThrow(InvalidModelError);
    const graph = int8Conv();
    graph.subgraphs[0]!.operators[0]!.inputs[1] = 99;
    expect(() => verifyGraph(graph)).toThrow(InvalidModelError);
  });

  it('refuses an unknown custom op by name unless told to leave custom ops to the engines', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 4]);
    b.output(...b.customOp('BordeMadeUp', [x], undefined, [{ name: 'y', dtype: 'float32', shape: [1, 4] }]));
    const graph = b.build();
    expect(refusal(graph).message).toContain('custom:BordeMadeUp');
    expect(() => verifyGraph(graph, { unknownCustomOps: 'allow' })).not.toThrow();
  });
});
