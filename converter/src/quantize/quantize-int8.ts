import type { Graph, Operator, Quantization, Subgraph, Tensor } from '@borde/tflite';
import { ConverterError } from '../errors.js';
import { hasInt16Kernel, INT16_FIXED_OUTPUT, int8Rule, type Int8Rule } from './op-rules.js';
import {
  activationParamsFor,
  quantizeAsymmetric,
  quantizeBias,
  quantizeBias64,
  quantizeSymmetric,
  type ActivationType,
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
  /**
   * Activation storage of every quantized op: int8 (default), or int16 (TFLite's 16x8 mode: int16 symmetric
   * activations, int8 per-channel weights, int64 bias); in 16x8 mode ops without an int16 kernel stay float.
   */
  activations?: ActivationType;
  /** Operator indices to run with int16 activations in an int8 model (the mixed-precision search), where TFLite has the kernel. */
  int16Ops?: ReadonlySet<number>;
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
  /**
   * CASTs of a non-float model input (int32/uint8 image) to float32, kept as they are with a QUANTIZE after:
   * the model's input boundary (as the float input + QUANTIZE of a float model), not a float fallback.
   */
  inputBoundaryOps: FloatFallback[];
  /** Float tensor index -> index of its quantized (int8 or int16) form in the new graph (for per-layer error). */
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
  return {
    graph: { ...graph, subgraphs: [subgraph], signatures },
    floatOps: builder.floatOps,
    inputBoundaryOps: builder.inputBoundaryOps,
    tensorMap: builder.quantizedOf,
  };
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

/** Which storage an op runs in: float (kept or unsupported), or integer with int8 or int16 activations. */
type OpPrecision = { kind: 'float'; reason: string } | { kind: 'quantized'; type: ActivationType; rule: Int8Rule };

class Int8GraphBuilder {
  readonly floatOps: FloatFallback[] = [];
  readonly inputBoundaryOps: FloatFallback[] = [];
  private readonly tensors: Tensor[] = [];
  private readonly operators: Operator[] = [];
  /** Original tensor index -> new index of the quantized form its producer wrote (for per-layer error). */
  readonly quantizedOf = new Map<number, number>();
  /** `index:type` -> new index of that quantized form (an activation read at both widths has both). */
  private readonly formOf = new Map<string, number>();
  private readonly floatOf = new Map<number, number>();
  /** `index:type` -> parameters of that quantized form. */
  private readonly paramsOf = new Map<string, QuantParams>();
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
      return io === 'int8' ? this.newQuantized(index, 'int8', tensor.name) : this.newFloat(index, tensor.name);
    });
    this.source.operators.forEach((op, index) => this.convertOperator(op, index));
    const outputs = this.source.outputs.map((index) => {
      const tensor = this.source.tensors[index]!;
      if (!isFloatActivation(tensor)) return this.copy(index);
      if (io === 'int8') return this.quantized(index, 'int8');
      const float = this.float(index);
      this.tensors[float]!.name = tensor.name; // the model's output keeps the user's name
      return float;
    });
    return { name: this.source.name, tensors: this.tensors, operators: this.operators, inputs, outputs };
  }

  private precision(op: Operator, index: number): OpPrecision {
    const kept = this.options.keepFloat?.get(index);
    if (kept) return { kind: 'float', reason: kept };
    const rule = int8Rule(op.opcode, { perChannelDense: this.options.perChannelDense ?? false });
    if (!rule) return { kind: 'float', reason: 'no int8 kernel in TFLite for this operator' };
    const reason = this.cannotQuantize(op, rule);
    if (reason) return { kind: 'float', reason };
    const wantsInt16 = this.options.activations === 'int16' || this.options.int16Ops?.has(index) === true;
    if (!wantsInt16) return { kind: 'quantized', type: 'int8', rule };
    if (hasInt16Kernel(op.opcode)) return { kind: 'quantized', type: 'int16', rule };
    if (this.options.activations === 'int16') return { kind: 'float', reason: 'no int16 kernel in TFLite for this operator (16x8 mode)' };
    return { kind: 'quantized', type: 'int8', rule };
  }

  /**
   * A CAST of a non-float model input to float32 (MoveNet's int32 image): TFLite's CAST kernel is a plain
   * static_cast that ignores quantization parameters, so CAST int32 -> int8 would clip pixel values, not
   * quantize them. The int8 spec keeps the input's dtype; the CAST stays int32 -> float32 and its output is
   * quantized like a float model input. Returns the reason for the report, or undefined for other ops.
   */
  private inputBoundary(op: Operator): string | undefined {
    if (op.opcode !== 'CAST' || op.inputs.length !== 1 || op.outputs.length !== 1) return undefined;
    const input = this.source.tensors[op.inputs[0]!]!;
    if (!this.source.inputs.includes(op.inputs[0]!) || input.dtype === 'float32' || input.data) return undefined;
    if (!isFloatActivation(this.source.tensors[op.outputs[0]!]!)) return undefined;
    return `model input '${input.name}' is ${input.dtype}: cast to float32, then quantized (the model's input boundary)`;
  }

  private convertOperator(op: Operator, index: number): void {
    const boundary = this.inputBoundary(op);
    const precision: OpPrecision = boundary ? { kind: 'float', reason: boundary } : this.precision(op, index);
    if (precision.kind === 'float') {
      const name = this.source.tensors[op.outputs[0]!]?.name ?? `operators[${index}]`;
      (boundary ? this.inputBoundaryOps : this.floatOps).push({ index, opcode: op.customCode ? `custom:${op.customCode}` : op.opcode, name, reason: precision.reason });
      this.emit({ ...op, version: undefined, inputs: op.inputs.map((i) => (i < 0 ? i : this.floatInput(i))), outputs: op.outputs.map((o) => this.floatOutput(o)) });
      return;
    }
    const { rule, type } = precision;
    const outParams = this.outputParams(op, rule, type);
    const inputs = rule.kind === 'weighted'
      ? this.weightedInputs(op, rule, type)
      : op.inputs.map((i) => this.quantizedInput(rule, type, i, outParams));
    const outputs = op.outputs.map((o) => {
      const tensor = this.source.tensors[o]!;
      if (!isFloatActivation(tensor)) return this.copy(o);
      this.paramsOf.set(key(o, type), outParams);
      return this.newQuantized(o, type, tensor.name);
    });
    // int16 ADD/SUB with any scales: pot_scale_int16 (default true) would demand power-of-two scales.
    const options = type === 'int16' && (op.opcode === 'ADD' || op.opcode === 'SUB') ? { ...op.options, potScaleInt16: false } : op.options;
    this.emit({ ...op, ...(options ? { options } : {}), version: undefined, inputs, outputs });
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

  private outputParams(op: Operator, rule: Int8Rule, type: ActivationType): QuantParams {
    if (rule.kind === 'fixed-output') return type === 'int16' ? INT16_FIXED_OUTPUT : { scale: rule.scale, zeroPoint: rule.zeroPoint };
    if (rule.kind === 'same-as-input') {
      // The data operand: the first float activation (SPLIT reads its axis first).
      const data = op.inputs.find((i) => i >= 0 && isFloatActivation(this.source.tensors[i]!));
      if (data !== undefined) return this.paramsFor(data, type);
    }
    return this.calibrated(op.outputs[0]!, type);
  }

  /** Inputs of a conv/FC: int8 weights first (the bias scale depends on them), then the bias, then data. */
  private weightedInputs(op: Operator, rule: Extract<Int8Rule, { kind: 'weighted' }>, type: ActivationType): number[] {
    // TRANSPOSE_CONV reads (output_shape, weights, input, bias); the others (input, weights, bias).
    const dataInput = op.opcode === 'TRANSPOSE_CONV' ? 2 : 0;
    const inputScale = this.paramsFor(op.inputs[dataInput]!, type).scale;
    // The smallest weight scale whose requantization multiplier stays above 2^-31 (with a factor 2 to spare).
    const minWeightScale = (2 ** -30 * this.outputParams(op, rule, type).scale) / inputScale;
    const weights = this.weights(this.source.tensors[op.inputs[rule.weightInput]!]!, rule.weightAxis, minWeightScale);
    const weightScales = this.tensors[weights]!.quantization!.scale;
    return op.inputs.map((index, position) => {
      if (index < 0) return index;
      if (position === rule.weightInput) return weights;
      if (position === rule.biasInput) {
        return this.bias(this.source.tensors[index]!, inputScale, weightScales, type);
      }
      // TRANSPOSE_CONV's int32 output_shape has no range: it is copied as it is.
      if (this.source.tensors[index]!.dtype !== 'float32') return this.copy(index);
      return this.quantizedInput(rule, type, index, this.paramsFor(index, type));
    });
  }

  private quantizedInput(rule: Int8Rule, type: ActivationType, index: number, outParams: QuantParams): number {
    if (index < 0) return index;
    const tensor = this.source.tensors[index]!;
    if (tensor.dtype !== 'float32') return this.copy(index);
    if (tensor.data) {
      // A float constant read as an activation: its own range, or the output's where the kernel requires it.
      const params = rule.kind === 'inputs-as-output' || rule.kind === 'same-as-input'
        ? outParams
        : activationParamsFor(type, ...floatConstant(tensor).range);
      const data = quantizeAsymmetric(floatConstant(tensor).values, params, type);
      return this.add({ name: tensor.name, dtype: type, shape: [...tensor.shape], data: bytes(data), quantization: quantization(params) });
    }
    const form = this.quantized(index, type);
    if (rule.kind === 'inputs-as-output' && !sameParams(this.paramsOf.get(key(index, type))!, outParams)) {
      return this.requantize(form, outParams, type, this.source.tensors[index]!.name);
    }
    return form;
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

  /** int32 bias for int8 activations; int64 for int16 ones (TFLite's 16x8 spec). */
  private bias(tensor: Tensor, inputScale: number, weightScales: number[], type: ActivationType): number {
    const values = floatConstant(tensor).values;
    const { data, scales } = type === 'int16' ? quantizeBias64(values, inputScale, weightScales) : quantizeBias(values, inputScale, weightScales);
    return this.add({
      name: tensor.name,
      dtype: type === 'int16' ? 'int64' : 'int32',
      shape: [...tensor.shape],
      data: bytes(data),
      quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 },
    });
  }

  /**
   * The `type` form of an activation: made on first use by QUANTIZE from its float form where there is one
   * (model inputs, outputs of float ops), else by requantizing the quantized form its producer wrote.
   */
  private quantized(index: number, type: ActivationType): number {
    const existing = this.formOf.get(key(index, type));
    if (existing !== undefined) return existing;
    const from = this.floatOf.get(index) ?? this.quantizedOf.get(index);
    if (from === undefined) throw new Error(`internal: tensor ${index} used before it is produced`);
    const out = this.newQuantized(index, type, `${this.source.tensors[index]!.name}/${type}`);
    this.emit({ opcode: 'QUANTIZE', inputs: [from], outputs: [out] });
    return out;
  }

  /** The float form of an activation, dequantizing the form its producer wrote on first use. */
  private float(index: number): number {
    const existing = this.floatOf.get(index);
    if (existing !== undefined) return existing;
    const quantized = this.quantizedOf.get(index);
    if (quantized === undefined) throw new Error(`internal: tensor ${index} used before it is produced`);
    const float = this.newFloat(index, `${this.source.tensors[index]!.name}/float`);
    this.emit({ opcode: 'DEQUANTIZE', inputs: [quantized], outputs: [float] });
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

  private requantize(from: number, params: QuantParams, type: ActivationType, name: string): number {
    const out = this.add({ name: `${name}/requantized`, dtype: type, shape: [...this.tensors[from]!.shape], quantization: quantization(params) });
    this.emit({ opcode: 'QUANTIZE', inputs: [from], outputs: [out] });
    return out;
  }

  private paramsFor(index: number, type: ActivationType): QuantParams {
    let params = this.paramsOf.get(key(index, type));
    if (!params) {
      params = this.calibrated(index, type);
      this.paramsOf.set(key(index, type), params);
    }
    return params;
  }

  private calibrated(index: number, type: ActivationType): QuantParams {
    const range = this.ranges.get(index);
    if (!range) {
      throw new ConverterError('CALIBRATION', `tensor '${this.source.tensors[index]!.name}' (${index}) has no calibrated range; ` +
        'the calibration run did not reach it');
    }
    return activationParamsFor(type, range.min, range.max);
  }

  private newQuantized(index: number, type: ActivationType, name: string): number {
    const source = this.source.tensors[index]!;
    const params = this.paramsFor(index, type);
    const out = this.add({ name, dtype: type, shape: [...source.shape], ...(source.shapeSignature ? { shapeSignature: [...source.shapeSignature] } : {}), quantization: quantization(params) });
    this.formOf.set(key(index, type), out);
    if (!this.quantizedOf.has(index)) this.quantizedOf.set(index, out);
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

function key(index: number, type: ActivationType): string {
  return `${index}:${type}`;
}

function bytes(view: Int8Array | Int16Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
