import type { Graph, Operator, Quantization, Subgraph, Tensor } from '@borde/tflite';
import { ConverterError } from '../errors.js';
import { int8Rule, type Int8Rule } from './op-rules.js';
import {
  activationParams,
  quantizeAsymmetric,
  quantizeBias,
  quantizeSymmetric,
  type QuantParams,
} from './params.js';
import { floatConstant, type Range } from './ranges.js';

export interface Int8Options {
  /** 'float': QUANTIZE at the inputs and DEQUANTIZE at the outputs; 'int8': int8 model inputs/outputs. */
  io?: 'float' | 'int8';
  /** Per-channel FULLY_CONNECTED weights (per-tensor is the default, as every interpreter supports it). */
  perChannelDense?: boolean;
  /** Fail instead of leaving ops float when they cannot run in int8. */
  strict?: boolean;
  /** Operator indices to keep in float whatever their rule (the mixed-precision search), with the reason. */
  keepFloat?: ReadonlyMap<number, string>;
}

/** An operator left in float, with the reason, so the report can name it. */
export interface FloatFallback {
  index: number;
  opcode: string;
  name: string;
  reason: string;
}

export interface Int8Result {
  graph: Graph;
  floatOps: FloatFallback[];
  /** Float tensor index -> index of its int8 form in the new graph (for per-layer error). */
  tensorMap: Map<number, number>;
}

/**
 * Full-integer quantization of a float graph (first subgraph) following the TFLite int8 spec: per-channel
 * symmetric int8 weights, int32 biases at input_scale * weight_scale, asymmetric per-tensor activations from
 * the calibrated `ranges` (tensor index -> min/max), the kernels' fixed output parameters, and equal
 * parameters where kernels require them. Ops that cannot be int8 stay float between DEQUANTIZE and QUANTIZE.
 */
export function quantizeInt8(graph: Graph, ranges: Map<number, Range>, options: Int8Options = {}): Int8Result {
  if (graph.subgraphs.length !== 1) {
    throw new ConverterError('INVALID_OPTIONS', `int8 quantization supports single-subgraph models; this one has ${graph.subgraphs.length}`);
  }
  const builder = new Int8GraphBuilder(graph.subgraphs[0]!, ranges, options);
  const subgraph = builder.build();
  if (options.strict && builder.floatOps.some((f) => !options.keepFloat?.has(f.index))) {
    const list = builder.floatOps.map((f) => `  - operators[${f.index}] ${f.opcode} '${f.name}': ${f.reason}`).join('\n');
    throw new ConverterError('UNSUPPORTED_OPS', `--strict: ${builder.floatOps.length} op(s) cannot run in int8:\n${list}\n` +
      'Drop --strict to keep them in float between DEQUANTIZE and QUANTIZE.');
  }
  const source = graph.subgraphs[0]!;
  // Signatures name model inputs/outputs by tensor index: point them at the new graph's tensors.
  const remap = (index: number) => {
    const input = source.inputs.indexOf(index);
    if (input >= 0) return subgraph.inputs[input]!;
    const output = source.outputs.indexOf(index);
    if (output >= 0) return subgraph.outputs[output]!;
    throw new ConverterError('INVALID_OPTIONS', `signature tensor ${index} is not a model input or output; it cannot be kept`);
  };
  const signatures = graph.signatures.map((s) => ({
    ...s,
    inputs: s.inputs.map((t) => ({ ...t, tensorIndex: remap(t.tensorIndex) })),
    outputs: s.outputs.map((t) => ({ ...t, tensorIndex: remap(t.tensorIndex) })),
  }));
  return { graph: { ...graph, subgraphs: [subgraph], signatures }, floatOps: builder.floatOps, tensorMap: builder.int8Of };
}

function quantization(params: QuantParams): Quantization {
  return { scale: [params.scale], zeroPoint: [params.zeroPoint], quantizedDimension: 0 };
}

function sameParams(a: QuantParams, b: QuantParams): boolean {
  return a.scale === b.scale && a.zeroPoint === b.zeroPoint;
}

function isFloatActivation(tensor: Tensor): boolean {
  return tensor.dtype === 'float32' && !tensor.data;
}

class Int8GraphBuilder {
  readonly floatOps: FloatFallback[] = [];
  private readonly tensors: Tensor[] = [];
  private readonly operators: Operator[] = [];
  /** Original tensor index -> new index of its int8 form, and of its float form. */
  readonly int8Of = new Map<number, number>();
  private readonly floatOf = new Map<number, number>();
  private readonly paramsOf = new Map<number, QuantParams>();
  /** Non-float constants and other tensors copied unchanged. */
  private readonly copied = new Map<number, number>();

  constructor(
    private readonly source: Subgraph,
    private readonly ranges: Map<number, Range>,
    private readonly options: Int8Options,
  ) {}

  build(): Subgraph {
    const io = this.options.io ?? 'float';
    const inputs = this.source.inputs.map((index) => {
      const tensor = this.source.tensors[index]!;
      if (!isFloatActivation(tensor)) return this.copy(index);
      this.paramsOf.set(index, this.calibrated(index));
      return io === 'int8' ? this.newInt8(index, tensor.name) : this.newFloat(index, tensor.name);
    });
    this.source.operators.forEach((op, index) => this.convertOperator(op, index));
    const outputs = this.source.outputs.map((index) => {
      const tensor = this.source.tensors[index]!;
      if (!isFloatActivation(tensor)) return this.copy(index);
      if (io === 'int8') return this.int8(index);
      const float = this.float(index);
      this.tensors[float]!.name = tensor.name; // the model's output keeps the user's name
      return float;
    });
    return { name: this.source.name, tensors: this.tensors, operators: this.operators, inputs, outputs };
  }

  private convertOperator(op: Operator, index: number): void {
    const rule = int8Rule(op.opcode, { perChannelDense: this.options.perChannelDense ?? false });
    const reason = this.options.keepFloat?.get(index) ?? (rule ? this.cannotQuantize(op, rule) : 'no int8 kernel in TFLite for this operator');
    if (!rule || reason) {
      const name = this.source.tensors[op.outputs[0]!]?.name ?? `operators[${index}]`;
      this.floatOps.push({ index, opcode: op.customCode ? `custom:${op.customCode}` : op.opcode, name, reason: reason! });
      this.emit({ ...op, version: undefined, inputs: op.inputs.map((i) => (i < 0 ? i : this.floatInput(i))), outputs: op.outputs.map((o) => this.floatOutput(o)) });
      return;
    }
    const outParams = this.outputParams(op, rule);
    const inputs = rule.kind === 'weighted'
      ? this.weightedInputs(op, rule)
      : op.inputs.map((i) => this.int8Input(rule, i, outParams));
    const outputs = op.outputs.map((o) => {
      const tensor = this.source.tensors[o]!;
      if (!isFloatActivation(tensor)) return this.copy(o);
      this.paramsOf.set(o, outParams);
      return this.newInt8(o, tensor.name);
    });
    this.emit({ ...op, version: undefined, inputs, outputs });
  }

  /** Why an op with an int8 rule still cannot be int8 here, or undefined if it can. */
  private cannotQuantize(op: Operator, rule: Int8Rule): string | undefined {
    const tensors = this.source.tensors;
    if (op.outputs.some((o) => tensors[o]!.dtype !== 'float32')) return 'non-float output';
    if (rule.kind === 'weighted') {
      const weights = tensors[op.inputs[rule.weightInput]!];
      if (!weights?.data) return 'weights are not constant';
      const bias = op.inputs[rule.biasInput];
      if (bias !== undefined && bias >= 0 && !tensors[bias]!.data) return 'bias is not constant';
    }
    return undefined;
  }

  private outputParams(op: Operator, rule: Int8Rule): QuantParams {
    if (rule.kind === 'fixed-output') return { scale: rule.scale, zeroPoint: rule.zeroPoint };
    if (rule.kind === 'same-as-input') {
      // The data operand: the first float activation (SPLIT reads its axis first).
      const data = op.inputs.find((i) => i >= 0 && isFloatActivation(this.source.tensors[i]!));
      if (data !== undefined) return this.paramsFor(data);
    }
    return this.calibrated(op.outputs[0]!);
  }

  /** Inputs of a conv/FC: int8 weights first (the bias scale depends on them), then int32 bias, then data. */
  private weightedInputs(op: Operator, rule: Extract<Int8Rule, { kind: 'weighted' }>): number[] {
    // TRANSPOSE_CONV reads (output_shape, weights, input, bias); the others (input, weights, bias).
    const dataInput = op.opcode === 'TRANSPOSE_CONV' ? 2 : 0;
    const inputScale = this.paramsFor(op.inputs[dataInput]!).scale;
    // The smallest weight scale whose requantization multiplier stays above 2^-31 (with a factor 2 to spare).
    const minWeightScale = (2 ** -30 * this.outputParams(op, rule).scale) / inputScale;
    const weights = this.weights(this.source.tensors[op.inputs[rule.weightInput]!]!, rule.weightAxis, minWeightScale);
    const weightScales = this.tensors[weights]!.quantization!.scale;
    return op.inputs.map((index, position) => {
      if (index < 0) return index;
      if (position === rule.weightInput) return weights;
      if (position === rule.biasInput) {
        return this.bias(this.source.tensors[index]!, inputScale, weightScales);
      }
      // TRANSPOSE_CONV's int32 output_shape has no range: it is copied as it is.
      if (this.source.tensors[index]!.dtype !== 'float32') return this.copy(index);
      return this.int8Input(rule, index, this.paramsFor(index));
    });
  }

  private int8Input(rule: Int8Rule, index: number, outParams: QuantParams): number {
    if (index < 0) return index;
    const tensor = this.source.tensors[index]!;
    if (tensor.dtype !== 'float32') return this.copy(index);
    if (tensor.data) {
      // A float constant read as an activation: its own range, or the output's where the kernel requires it.
      const params = rule.kind === 'inputs-as-output' || rule.kind === 'same-as-input'
        ? outParams
        : activationParams(...floatConstant(tensor).range);
      return this.add({ name: tensor.name, dtype: 'int8', shape: [...tensor.shape], data: bytes(quantizeAsymmetric(floatConstant(tensor).values, params)), quantization: quantization(params) });
    }
    const int8 = this.int8(index);
    if (rule.kind === 'inputs-as-output' && !sameParams(this.paramsOf.get(index)!, outParams)) {
      return this.requantize(int8, outParams, this.source.tensors[index]!.name);
    }
    return int8;
  }

  private weights(tensor: Tensor, axis: number, minScale: number): number {
    const { values } = floatConstant(tensor);
    const { data, scales } = quantizeSymmetric(values, tensor.shape, axis, minScale);
    return this.add({
      name: tensor.name,
      dtype: 'int8',
      shape: [...tensor.shape],
      data: bytes(data),
      quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: Math.max(axis, 0) },
    });
  }

  private bias(tensor: Tensor, inputScale: number, weightScales: number[]): number {
    const { data, scales } = quantizeBias(floatConstant(tensor).values, inputScale, weightScales);
    return this.add({
      name: tensor.name,
      dtype: 'int32',
      shape: [...tensor.shape],
      data: bytes(data),
      quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 },
    });
  }

  /** The int8 form of an activation, quantizing its float form on first use. */
  private int8(index: number): number {
    const existing = this.int8Of.get(index);
    if (existing !== undefined) return existing;
    const float = this.floatOf.get(index);
    if (float === undefined) throw new Error(`internal: tensor ${index} used before it is produced`);
    const params = this.paramsFor(index);
    const int8 = this.newInt8(index, `${this.source.tensors[index]!.name}/int8`);
    this.emit({ opcode: 'QUANTIZE', inputs: [float], outputs: [int8] });
    return int8;
  }

  /** The float form of an activation, dequantizing its int8 form on first use. */
  private float(index: number): number {
    const existing = this.floatOf.get(index);
    if (existing !== undefined) return existing;
    const int8 = this.int8(index);
    const float = this.newFloat(index, `${this.source.tensors[index]!.name}/float`);
    this.emit({ opcode: 'DEQUANTIZE', inputs: [int8], outputs: [float] });
    return float;
  }

  /** An output of an op left in float: float activations get their float form, int32/bool outputs are copied. */
  private floatOutput(index: number): number {
    const tensor = this.source.tensors[index]!;
    return isFloatActivation(tensor) ? this.newFloat(index, tensor.name) : this.copy(index);
  }

  private floatInput(index: number): number {
    const tensor = this.source.tensors[index]!;
    return isFloatActivation(tensor) ? this.float(index) : this.copy(index);
  }

  private requantize(int8: number, params: QuantParams, name: string): number {
    const out = this.add({ name: `${name}/requantized`, dtype: 'int8', shape: [...this.tensors[int8]!.shape], quantization: quantization(params) });
    this.emit({ opcode: 'QUANTIZE', inputs: [int8], outputs: [out] });
    return out;
  }

  private paramsFor(index: number): QuantParams {
    let params = this.paramsOf.get(index);
    if (!params) {
      params = this.calibrated(index);
      this.paramsOf.set(index, params);
    }
    return params;
  }

  private calibrated(index: number): QuantParams {
    const range = this.ranges.get(index);
    if (!range) {
      throw new ConverterError('CALIBRATION', `tensor '${this.source.tensors[index]!.name}' (${index}) has no calibrated range; ` +
        'the calibration run did not reach it');
    }
    return activationParams(range.min, range.max);
  }

  private newInt8(index: number, name: string): number {
    const source = this.source.tensors[index]!;
    const params = this.paramsFor(index);
    const out = this.add({ name, dtype: 'int8', shape: [...source.shape], ...(source.shapeSignature ? { shapeSignature: [...source.shapeSignature] } : {}), quantization: quantization(params) });
    this.int8Of.set(index, out);
    return out;
  }

  private newFloat(index: number, name: string): number {
    const source = this.source.tensors[index]!;
    const out = this.add({ name, dtype: 'float32', shape: [...source.shape], ...(source.shapeSignature ? { shapeSignature: [...source.shapeSignature] } : {}) });
    this.floatOf.set(index, out);
    return out;
  }

  private copy(index: number): number {
    const existing = this.copied.get(index);
    if (existing !== undefined) return existing;
    const out = this.add({ ...this.source.tensors[index]! });
    this.copied.set(index, out);
    return out;
  }

  private add(tensor: Tensor): number {
    this.tensors.push(tensor);
    return this.tensors.length - 1;
  }

  private emit(op: Operator): void {
    this.operators.push(op);
  }
}

function bytes(view: Int8Array | Int32Array): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
