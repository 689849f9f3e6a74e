import { Builder, type Offset } from 'flatbuffers';
import { tensorTypeFromDType } from '../dtypes.js';
import { InvalidGraphError } from '../errors.js';
import * as schema from '../generated/schema_generated.js';
import { Buffer } from '../generated/tflite/buffer.js';
import { BuiltinOptions } from '../generated/tflite/builtin-options.js';
import { BuiltinOptions2 } from '../generated/tflite/builtin-options2.js';
import { Metadata } from '../generated/tflite/metadata.js';
import { Model } from '../generated/tflite/model.js';
import { OperatorCode } from '../generated/tflite/operator-code.js';
import { Operator as FbOperator } from '../generated/tflite/operator.js';
import { QuantizationParameters } from '../generated/tflite/quantization-parameters.js';
import { SignatureDef } from '../generated/tflite/signature-def.js';
import { SubGraph } from '../generated/tflite/sub-graph.js';
import { TensorMap } from '../generated/tflite/tensor-map.js';
import { Tensor as FbTensor } from '../generated/tflite/tensor.js';
import type { Graph, Operator, Quantization, Subgraph, Tensor } from '../graph.js';
import { builtinCode } from '../opcodes.js';
import { opVersion } from '../op-versions.js';
import { validateGraph } from '../validate-graph.js';
import { createAlignedByteVector } from './aligned-bytes.js';

/** TFLite's CUSTOM builtin code, and the largest code the one-byte `deprecated_builtin_code` can hold. */
const CUSTOM_CODE = 32;
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;
/** Flatbuffers address with signed 32-bit offsets; beyond this TFLite needs external buffers (not written). */
const MAX_FLATBUFFER_BYTES = 0x7fffffff;

/**
 * Serializes a Graph to .tflite bytes an interpreter accepts: schema version 3, file identifier `TFL3`,
 * both builtin-code fields, an empty buffer 0, one buffer per distinct constant (tensors holding the same
 * `Uint8Array` object share one), constant data aligned to 16 bytes, and operator versions picked from the
 * operator and its tensors (`opVersion`) where the Graph leaves them 0 or undefined.
 * Throws InvalidGraphError naming the place at fault when the Graph would not make a valid model.
 */
export function writeModel(graph: Graph): Uint8Array {
  // The same checks readModel applies to files: a Graph that would not read back is not written.
  validateGraph(graph, (_reason, path, detail) => {
    throw new InvalidGraphError(path, detail);
  });
  const plan = planBuffers(graph);
  const builder = new Builder(Math.min(plan.dataBytes + 64 * 1024, MAX_FLATBUFFER_BYTES));

  // Constant data first: flatbuffers are built back to front, so it lands at the end of the file.
  const bufferOffsets = plan.buffers.map((bytes) => {
    const data = bytes.length > 0 ? createAlignedByteVector(builder, bytes, 16) : 0;
    Buffer.startBuffer(builder);
    if (data) Buffer.addData(builder, data);
    return Buffer.endBuffer(builder);
  });

  const opcodes = new OpcodeTable();
  const subgraphOffsets = graph.subgraphs.map((sg, s) =>
    writeSubgraph(builder, sg, `subgraphs[${s}]`, plan.tensorBuffers[s]!, opcodes),
  );
  const operatorCodeOffsets = opcodes.entries.map((entry) => {
    const custom = entry.customCode !== undefined ? builder.createString(entry.customCode) : 0;
    return OperatorCode.createOperatorCode(
      builder,
      Math.min(entry.code, PLACEHOLDER_FOR_GREATER_OP_CODES),
      custom,
      entry.version,
      entry.code,
    );
  });
  const metadataOffsets = graph.metadata.map((m, k) =>
    Metadata.createMetadata(builder, builder.createString(m.name), plan.metadataBuffers[k]!),
  );
  const signatureOffsets = graph.signatures.map((sig) => {
    const tensorMaps = (list: typeof sig.inputs) =>
      list.map((t) => TensorMap.createTensorMap(builder, builder.createString(t.name), t.tensorIndex));
    const inputs = SignatureDef.createInputsVector(builder, tensorMaps(sig.inputs));
    const outputs = SignatureDef.createOutputsVector(builder, tensorMaps(sig.outputs));
    return SignatureDef.createSignatureDef(builder, inputs, outputs, builder.createString(sig.key), sig.subgraphIndex);
  });

  const operatorCodes = Model.createOperatorCodesVector(builder, operatorCodeOffsets);
  const subgraphs = Model.createSubgraphsVector(builder, subgraphOffsets);
  const description = builder.createString(graph.description ?? 'Borde');
  const buffers = Model.createBuffersVector(builder, bufferOffsets);
  const metadata = metadataOffsets.length > 0 ? Model.createMetadataVector(builder, metadataOffsets) : 0;
  const signatureDefs = signatureOffsets.length > 0 ? Model.createSignatureDefsVector(builder, signatureOffsets) : 0;

  Model.startModel(builder);
  Model.addVersion(builder, 3);
  Model.addOperatorCodes(builder, operatorCodes);
  Model.addSubgraphs(builder, subgraphs);
  Model.addDescription(builder, description);
  Model.addBuffers(builder, buffers);
  if (metadata) Model.addMetadata(builder, metadata);
  if (signatureDefs) Model.addSignatureDefs(builder, signatureDefs);
  builder.finish(Model.endModel(builder), 'TFL3');
  // A copy: the builder's backing store is larger than the model and starts with unused space.
  return builder.asUint8Array().slice();
}

interface BufferPlan {
  /** Buffer contents by index; index 0 is the empty sentinel buffer every non-constant tensor points to. */
  buffers: Uint8Array[];
  /** Buffer index of every tensor, by subgraph. */
  tensorBuffers: number[][];
  metadataBuffers: number[];
  dataBytes: number;
}

function planBuffers(graph: Graph): BufferPlan {
  const buffers: Uint8Array[] = [new Uint8Array(0)];
  const byIdentity = new Map<Uint8Array, number>();
  let dataBytes = 0;
  const add = (bytes: Uint8Array): number => {
    buffers.push(bytes);
    dataBytes += bytes.length + 16; // data plus worst-case alignment padding
    return buffers.length - 1;
  };
  const tensorBuffers = graph.subgraphs.map((sg) =>
    sg.tensors.map((t) => {
      if (!t.data || t.data.length === 0) return 0;
      let index = byIdentity.get(t.data);
      if (index === undefined) {
        index = add(t.data);
        byIdentity.set(t.data, index);
      }
      return index;
    }),
  );
  // Metadata always gets a buffer of its own (an empty one is still a distinct, named entry).
  const metadataBuffers = graph.metadata.map((m) => add(m.data));
  if (dataBytes > MAX_FLATBUFFER_BYTES - 1024 * 1024) {
    throw new InvalidGraphError('', `constant data of ${dataBytes} bytes exceeds the 2 GB a .tflite flatbuffer can address; shrink the model (e.g. quantize it)`);
  }
  return { buffers, tensorBuffers, metadataBuffers, dataBytes };
}

interface OpcodeEntry {
  code: number;
  customCode?: string;
  version: number;
}

/** The model's operator_codes: one entry per distinct (code, custom name, version). */
class OpcodeTable {
  readonly entries: OpcodeEntry[] = [];
  private readonly index = new Map<string, number>();

  indexOf(entry: OpcodeEntry): number {
    const key = `${entry.code}/${entry.customCode ?? ''}/${entry.version}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.entries.push(entry) - 1;
      this.index.set(key, i);
    }
    return i;
  }
}

function writeSubgraph(builder: Builder, sg: Subgraph, at: string, tensorBuffers: number[], opcodes: OpcodeTable): Offset {
  const tensors = sg.tensors.map((t, i) => writeTensor(builder, t, tensorBuffers[i]!));
  const operators = sg.operators.map((op, o) => writeOperator(builder, op, sg, `${at}.operators[${o}]`, opcodes));
  const tensorsVector = SubGraph.createTensorsVector(builder, tensors);
  const inputs = SubGraph.createInputsVector(builder, sg.inputs);
  const outputs = SubGraph.createOutputsVector(builder, sg.outputs);
  const operatorsVector = SubGraph.createOperatorsVector(builder, operators);
  const name = builder.createString(sg.name);
  SubGraph.startSubGraph(builder);
  SubGraph.addTensors(builder, tensorsVector);
  SubGraph.addInputs(builder, inputs);
  SubGraph.addOutputs(builder, outputs);
  SubGraph.addOperators(builder, operatorsVector);
  SubGraph.addName(builder, name);
  return SubGraph.endSubGraph(builder);
}

function writeTensor(builder: Builder, t: Tensor, buffer: number): Offset {
  const shape = FbTensor.createShapeVector(builder, t.shape);
  const name = builder.createString(t.name);
  const quantization = t.quantization ? writeQuantization(builder, t.quantization) : 0;
  const sparsity = t.sparsity != null ? (t.sparsity as { pack(b: Builder): Offset }).pack(builder) : 0;
  const shapeSignature = t.shapeSignature ? FbTensor.createShapeSignatureVector(builder, t.shapeSignature) : 0;
  FbTensor.startTensor(builder);
  FbTensor.addShape(builder, shape);
  FbTensor.addType(builder, tensorTypeFromDType(t.dtype));
  FbTensor.addBuffer(builder, buffer);
  FbTensor.addName(builder, name);
  if (quantization) FbTensor.addQuantization(builder, quantization);
  FbTensor.addIsVariable(builder, t.isVariable ?? false);
  if (sparsity) FbTensor.addSparsity(builder, sparsity);
  if (shapeSignature) FbTensor.addShapeSignature(builder, shapeSignature);
  // Written as the Graph says (readModel leaves it undefined where the file has the default, false), so a
  // read-write round trip keeps it; GraphBuilder sets it on every tensor, as the TFLite converter does.
  FbTensor.addHasRank(builder, t.hasRank ?? false);
  return FbTensor.endTensor(builder);
}

function writeQuantization(builder: Builder, q: Quantization): Offset {
  const min = q.min ? QuantizationParameters.createMinVector(builder, q.min) : 0;
  const max = q.max ? QuantizationParameters.createMaxVector(builder, q.max) : 0;
  const scale = QuantizationParameters.createScaleVector(builder, q.scale);
  const zeroPoint = QuantizationParameters.createZeroPointVector(builder, q.zeroPoint.map((z) => BigInt(z)));
  QuantizationParameters.startQuantizationParameters(builder);
  if (min) QuantizationParameters.addMin(builder, min);
  if (max) QuantizationParameters.addMax(builder, max);
  QuantizationParameters.addScale(builder, scale);
  QuantizationParameters.addZeroPoint(builder, zeroPoint);
  QuantizationParameters.addQuantizedDimension(builder, q.quantizedDimension);
  return QuantizationParameters.endQuantizationParameters(builder);
}

function writeOperator(builder: Builder, op: Operator, sg: Subgraph, at: string, opcodes: OpcodeTable): Offset {
  const isCustom = op.opcode === 'CUSTOM';
  const code = isCustom ? CUSTOM_CODE : builtinCode(op.opcode)!;
  const version = op.version && op.version > 0 ? op.version : opVersion(op, sg);
  const opcodeIndex = opcodes.indexOf({ code, customCode: isCustom ? op.customCode : undefined, version });

  const inputs = FbOperator.createInputsVector(builder, op.inputs);
  const outputs = FbOperator.createOutputsVector(builder, op.outputs);
  const intermediates = op.intermediates ? FbOperator.createIntermediatesVector(builder, op.intermediates) : 0;
  const customOptions = op.customOptions ? FbOperator.createCustomOptionsVector(builder, op.customOptions) : 0;
  const options = op.optionsType ? packOptions(builder, op.optionsType, op.options ?? {}, at) : undefined;

  FbOperator.startOperator(builder);
  FbOperator.addOpcodeIndex(builder, opcodeIndex);
  FbOperator.addInputs(builder, inputs);
  FbOperator.addOutputs(builder, outputs);
  if (options?.union === 1) {
    FbOperator.addBuiltinOptionsType(builder, options.type);
    FbOperator.addBuiltinOptions(builder, options.offset);
  } else if (options?.union === 2) {
    FbOperator.addBuiltinOptions2Type(builder, options.type);
    FbOperator.addBuiltinOptions2(builder, options.offset);
  }
  if (customOptions) FbOperator.addCustomOptions(builder, customOptions);
  if (intermediates) FbOperator.addIntermediates(builder, intermediates);
  return FbOperator.endOperator(builder);
}

type ObjectApiOptions = { pack(builder: Builder): Offset };

/**
 * Packs operator options through the generated object API: `Conv2DOptions` -> `new Conv2DOptionsT()`,
 * fields assigned from the Graph (named as the object API names them), then its own `pack`. Tables of the
 * newer `BuiltinOptions2` union (StableHLO ops, DILATE, ...) go in `builtin_options_2`.
 */
function packOptions(builder: Builder, optionsType: string, fields: Record<string, unknown>, at: string) {
  const type1 = (BuiltinOptions as unknown as Record<string, number | undefined>)[optionsType];
  const type2 = (BuiltinOptions2 as unknown as Record<string, number | undefined>)[optionsType];
  const union = typeof type1 === 'number' && type1 !== 0 ? 1 : typeof type2 === 'number' && type2 !== 0 ? 2 : 0;
  const ObjectClass = (schema as unknown as Record<string, (new () => ObjectApiOptions) | undefined>)[`${optionsType}T`];
  if (union === 0 || !ObjectClass) {
    throw new InvalidGraphError(`${at}.optionsType`, `unknown builtin options table '${optionsType}' (names as in the TFLite schema, e.g. 'Conv2DOptions')`);
  }
  const value = new ObjectClass();
  for (const key of Object.keys(fields)) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) {
      const known = Object.keys(value).join(', ') || 'none';
      throw new InvalidGraphError(`${at}.options.${key}`, `${optionsType} has no field '${key}' (fields: ${known})`);
    }
  }
  Object.assign(value, fields);
  return { union, type: union === 1 ? type1! : type2!, offset: value.pack(builder) } as const;
}
