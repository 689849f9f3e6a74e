// A .tflite model compiled in LiteRT (@litertjs/core) and driven through its wasm bindings, which handle
// every element type (its high-level Tensor API only knows float32/int32/uint8, so int8 models need this).
// Browser-safe: no node:* imports. Node loads LiteRT with litert-node.ts, browsers with loadLiteRt().

import type { LiteRt } from '@litertjs/core';
import {
  bytesPerElement,
  checkTensor,
  elementCount,
  tensorBytes,
  typedArrayFromBytes,
  typedArrayView,
  type TensorDType,
  type TensorValue,
  type TensorDetails,
} from './tensors.js';

/** The wasm bindings object; its type is not exported by name from @litertjs/core. */
type LiteRtWasm = LiteRt['liteRtWasm'];
type WasmModel = ReturnType<LiteRtWasm['loadModel']>;
type WasmCompiledModel = Awaited<ReturnType<LiteRtWasm['compileModel']>>;
type WasmTensorBuffer = ReturnType<LiteRtWasm['LiteRtTensorBuffer']['createManaged']>;
type WasmRankedTensorType = ReturnType<WasmModel['getInputTensorType']>;

/** LiteRT ElementType values (litert_model_types.h) the harness maps to dtypes. */
const ELEMENT_TYPES: Record<number, TensorDType> = {
  1: 'float32', 2: 'int32', 3: 'uint8', 4: 'int64', 6: 'bool', 7: 'int16', 9: 'int8', 11: 'float64',
};

export interface LiteRtRunOptions {
  /** Signature key or index; default the first signature. */
  signature?: string | number;
  /** CPU threads for XNNPACK; default 1 (deterministic and cheap on shared CI machines). */
  numThreads?: number;
}

export interface CompileOptions extends LiteRtRunOptions {
  /** LiteRT accelerator; default 'wasm' (XNNPACK CPU kernels). */
  accelerator?: 'wasm' | 'webgpu';
  /** Adds what LiteRT logged to the message when it refuses a model (Node captures its log). */
  explainRefusal?: () => string;
}

/** Receives one output of a run; `output.data` may be a view of LiteRT's memory, valid only during the call. */
export type OutputVisitor = (output: TensorValue, index: number) => void;

/** A model loaded and compiled in LiteRT. Call `close()` when done. */
export interface LiteRtCompiledModel {
  readonly signatures: readonly string[];
  readonly inputs: readonly TensorDetails[];
  readonly outputs: readonly TensorDetails[];
  /** Runs the model; inputs are positional in signature order. */
  run(inputs: readonly TensorValue[]): Promise<TensorValue[]>;
  /**
   * Runs the model and hands each output, in signature order, to `visitor` as a view of LiteRT's memory,
   * without copying it: for callers that only reduce outputs (statistics over every activation of a model).
   * A view is valid only during its visitor call, which must be synchronous and must not use LiteRT.
   */
  visit(inputs: readonly TensorValue[], visitor: OutputVisitor): Promise<void>;
  close(): void;
}

/** Loads `model` (the .tflite bytes) into an already loaded LiteRT and compiles it. */
export async function openCompiledModel(
  liteRt: LiteRt,
  model: Uint8Array,
  options: CompileOptions = {},
): Promise<LiteRtCompiledModel> {
  const wasm = liteRt.liteRtWasm;
  const environment = liteRt.getDefaultEnvironment().liteRtEnvironment;

  const modelPtr = wasm._malloc(model.byteLength);
  if (!modelPtr) throw new Error(`LiteRT could not allocate ${model.byteLength} bytes for the model`);
  wasm.HEAPU8.set(model, modelPtr);
  let wasmModel: WasmModel | undefined;
  let compiled: WasmCompiledModel | undefined;
  try {
    wasmModel = wasm.loadModel(environment, modelPtr, model.byteLength);
    compiled = await wasm.compileModel(environment, wasmModel, {
      accelerator: options.accelerator ?? 'wasm',
      // Not in the .d.ts of LiteRtCompileOptions, but read by the bindings (see fillCompileOptions).
      cpuOptions: { numThreads: options.numThreads ?? 1 },
    } as Parameters<LiteRtWasm['compileModel']>[2]);
  } catch (error) {
    wasmModel?.delete();
    wasm._free(modelPtr);
    const log = options.explainRefusal?.() ?? '';
    throw new Error(`LiteRT refused the model: ${describe(error)}${log ? ` (LiteRT log: ${log})` : ''}`, { cause: error });
  }
  const liveModel = wasmModel;
  const liveCompiled = compiled;

  const signatures: string[] = [];
  for (let i = 0; i < liveModel.getNumSignatures(); i++) {
    const signature = liveModel.getSignature(i);
    signatures.push(signature.key());
    signature.delete();
  }
  const signatureIndex = resolveSignature(signatures, options.signature);
  const signature = liveModel.getSignature(signatureIndex);
  const inputNames = vectorToArray(signature.inputNames());
  const outputNames = vectorToArray(signature.outputNames());
  signature.delete();
  const inputs = inputNames.map((name, index) =>
    tensorDetails(name, index, liveModel.getInputTensorType(signatureIndex, index)));
  const outputs = outputNames.map((name, index) =>
    tensorDetails(name, index, liveModel.getOutputTensorType(signatureIndex, index)));

  let closed = false;
  /** Runs once and reads each output while its buffer is locked: a copy, or (`view`) LiteRT's memory itself. */
  const invoke = async (values: readonly TensorValue[], view: boolean, read: OutputVisitor): Promise<void> => {
    if (closed) throw new Error('LiteRT model is closed');
    if (values.length !== inputs.length) {
      throw new RangeError(`model takes ${inputs.length} inputs (${inputs.map((d) => d.name).join(', ')}), got ${values.length}`);
    }
    const inputBuffers: WasmTensorBuffer[] = [];
    let outputBuffers: WasmTensorBuffer[] = [];
    try {
      values.forEach((value, i) => {
        inputBuffers.push(writeInput(wasm, environment, liveModel.getInputTensorType(signatureIndex, i), value, inputs[i]!));
      });
      outputBuffers = await liveCompiled.run(signatureIndex, inputBuffers);
      outputBuffers.forEach((buffer, i) => readOutput(wasm, buffer, outputs[i]!.name, view, (output) => read(output, i)));
    } finally {
      for (const buffer of inputBuffers) buffer.delete();
      for (const buffer of outputBuffers) buffer.delete();
    }
  };
  return {
    signatures,
    inputs,
    outputs,
    async run(values) {
      const results: TensorValue[] = [];
      await invoke(values, false, (output) => results.push(output));
      return results;
    },
    visit: (values, visitor) => invoke(values, true, visitor),
    close() {
      if (closed) return;
      closed = true;
      liveCompiled.delete();
      liveModel.delete();
      wasm._free(modelPtr);
    },
  };
}

function resolveSignature(keys: readonly string[], wanted: string | number | undefined): number {
  if (wanted === undefined) return 0;
  const index = typeof wanted === 'number' ? wanted : keys.indexOf(wanted);
  if (index < 0 || index >= keys.length) {
    throw new RangeError(`signature ${JSON.stringify(wanted)} not in the model (has: ${keys.join(', ') || 'none'})`);
  }
  return index;
}

function tensorDetails(name: string, index: number, type: WasmRankedTensorType): TensorDetails {
  try {
    const elementType = type.elementType().value;
    const dtype = ELEMENT_TYPES[elementType];
    if (!dtype) throw new TypeError(`tensor ${name}: LiteRT element type ${elementType} is not supported by the harness`);
    const layout = type.layout();
    const shape = vectorToArray(layout.dimensions());
    layout.delete();
    return { name, index, dtype, shape };
  } finally {
    type.delete();
  }
}

function writeInput(
  wasm: LiteRtWasm,
  environment: Parameters<LiteRtWasm['loadModel']>[0],
  expectedType: WasmRankedTensorType,
  value: TensorValue,
  details: TensorDetails,
): WasmTensorBuffer {
  const label = `input ${details.index} (${details.name})`;
  try {
    checkTensor(value, label);
    if (value.dtype !== details.dtype) throw new TypeError(`${label}: model expects ${details.dtype}, got ${value.dtype}`);
    const fixed = details.shape.every((dim) => dim >= 0);
    if (fixed && details.shape.join() !== value.shape.join()) {
      throw new RangeError(`${label}: model expects shape [${details.shape.join(', ')}], got [${value.shape.join(', ')}]`);
    }
    const dims = new wasm.VectorInt32();
    for (const dim of value.shape) dims.push_back(dim);
    const layout = wasm.LiteRtLayout.create(dims);
    dims.delete();
    const type = wasm.LiteRtRankedTensorType.create(expectedType.elementType(), layout);
    layout.delete();
    const bytes = tensorBytes(value.data);
    const buffer = wasm.LiteRtTensorBuffer.createManaged(environment, wasm.LiteRtTensorBufferType.HOST_MEMORY, type, bytes.byteLength);
    type.delete();
    const ptr = buffer.lock(wasm.LiteRtTensorBufferLockMode.WRITE);
    try {
      wasm.HEAPU8.set(bytes, ptr);
    } finally {
      buffer.unlock();
    }
    return buffer;
  } finally {
    expectedType.delete();
  }
}

function readOutput(wasm: LiteRtWasm, buffer: WasmTensorBuffer, name: string, view: boolean, read: (output: TensorValue) => void): void {
  const type = buffer.tensorType();
  const elementType = type.elementType().value;
  const layout = type.layout();
  const shape = vectorToArray(layout.dimensions());
  layout.delete();
  type.delete();
  const dtype = ELEMENT_TYPES[elementType];
  if (!dtype) throw new TypeError(`output ${name}: LiteRT element type ${elementType} is not supported by the harness`);
  const byteLength = elementCount(shape) * bytesPerElement(dtype);
  if (buffer.offset() !== 0 || buffer.packedSize() < byteLength) {
    throw new RangeError(`output ${name}: buffer (offset ${buffer.offset()}, ${buffer.packedSize()} bytes) does not hold ${byteLength} bytes`);
  }
  const ptr = buffer.lock(wasm.LiteRtTensorBufferLockMode.READ);
  try {
    const bytes = wasm.HEAPU8.subarray(ptr, ptr + byteLength);
    read({ name, dtype, shape, data: view ? typedArrayView(dtype, bytes) : typedArrayFromBytes(dtype, bytes) });
  } finally {
    buffer.unlock();
  }
}

interface WasmVector<T> {
  size(): number;
  get(index: number): T;
  delete(): void;
}

/** Copies an Emscripten vector into a JS array and frees it. */
function vectorToArray<T>(vector: WasmVector<T>): T[] {
  try {
    const out: T[] = [];
    for (let i = 0; i < vector.size(); i++) out.push(vector.get(i));
    return out;
  } finally {
    vector.delete();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'number') return `wasm exception ${error}`;
  return String(error);
}
