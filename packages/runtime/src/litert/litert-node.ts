// The official LiteRT interpreter (@litertjs/core, XNNPACK CPU kernels compiled to WebAssembly) run in
// plain Node. Used as the reference that every Borde output is judged against.
//
// @litertjs/core is written for browsers: its loader runs the wasm glue with `importScripts` (workers) or a
// <script> tag and reads `self.ModuleFactory`. We provide exactly those two globals while it loads, run
// the glue as CommonJS (its Node code path reads the .wasm from disk, no fetch), and remove them again.
// Its high-level Tensor API only knows float32/int32/uint8, so models are driven through the wasm
// bindings (`liteRtWasm`) it exposes, which handle every element type (int8 models included).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import {
  getGlobalLiteRt,
  getGlobalLiteRtPromise,
  loadLiteRt,
  type LiteRt,
} from '@litertjs/core';
import {
  bytesPerElement,
  checkTensor,
  elementCount,
  tensorBytes,
  typedArrayFromBytes,
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

/** Where @litertjs/core keeps its wasm variants. */
export function liteRtWasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@litertjs/core')), '..', 'wasm');
}

let loading: Promise<LiteRt> | undefined;

/** LiteRT's own log lines (INFO/WARNING/ERROR from C++), newest last; set BORDE_LITERT_LOG=1 to echo them. */
const logLines: string[] = [];
const LOG_LIMIT = 200;
let totalLogged = 0;

function recordLog(line: string): void {
  totalLogged++;
  logLines.push(line);
  if (logLines.length > LOG_LIMIT) logLines.splice(0, logLines.length - LOG_LIMIT);
  if (process.env.BORDE_LITERT_LOG === '1') process.stderr.write(`[litert] ${line}\n`);
}

/** The last lines LiteRT logged (it explains refusals there, e.g. unsupported ops). */
export function liteRtLog(): readonly string[] {
  return [...logLines];
}

/**
 * Loads LiteRT's compat wasm build (no relaxed SIMD: Node 20 lacks it) once per process.
 * Later calls return the same instance.
 */
export function initLiteRtNode(): Promise<LiteRt> {
  loading ??= getGlobalLiteRtPromise() ?? loadCompatBuild();
  return loading;
}

async function loadCompatBuild(): Promise<LiteRt> {
  const scriptPath = join(liteRtWasmDir(), 'litert_wasm_compat_internal.js');
  const global = globalThis as Record<string, unknown>;
  const saved = { self: global.self, importScripts: global.importScripts, Module: global.Module };
  const had = { self: 'self' in global, importScripts: 'importScripts' in global, Module: 'Module' in global };
  global.self = globalThis;
  // The loader hands `self.Module` to the Emscripten factory: route LiteRT's chatty stdout/stderr to a log.
  global.Module = { print: recordLog, printErr: recordLog };
  global.importScripts = (url: string) => {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url;
    global.ModuleFactory = runCommonJsScript(path);
  };
  // LiteRT tries to open a WebGPU device for its default environment; Node has none, and that is fine
  // for CPU runs. Keep that expected warning out of test logs.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Failed to create default WebGPU device')) return;
    warn(...args);
  };
  try {
    return await loadLiteRt(scriptPath);
  } finally {
    console.warn = warn;
    for (const key of ['self', 'importScripts', 'Module'] as const) {
      if (had[key]) global[key] = saved[key]; else delete global[key];
    }
    delete global.ModuleFactory;
  }
}

/** Runs an Emscripten glue script as a CommonJS module and returns its exports (the module factory). */
function runCommonJsScript(path: string): unknown {
  const source = readFileSync(path, 'utf8');
  const module = { exports: {} as unknown };
  const wrapper = vm.compileFunction(source, ['require', 'module', 'exports', '__dirname', '__filename'], {
    filename: path,
  });
  wrapper(createRequire(path), module, module.exports, dirname(path), path);
  return module.exports;
}

export interface LiteRtRunOptions {
  /** Signature key or index; default the first signature. */
  signature?: string | number;
  /** CPU threads for XNNPACK; default 1 (deterministic and cheap on shared CI machines). */
  numThreads?: number;
}

/** A model loaded and compiled in LiteRT (CPU). Call `close()` when done. */
export interface LiteRtNodeModel {
  readonly signatures: readonly string[];
  readonly inputs: readonly TensorDetails[];
  readonly outputs: readonly TensorDetails[];
  /** Runs the model; inputs are positional in signature order. */
  run(inputs: readonly TensorValue[]): Promise<TensorValue[]>;
  close(): void;
}

/** Loads `model` (the .tflite bytes) into LiteRT, compiled for the wasm CPU accelerator. */
export async function openLiteRtModel(model: Uint8Array, options: LiteRtRunOptions = {}): Promise<LiteRtNodeModel> {
  const liteRt = await initLiteRtNode();
  const wasm = liteRt.liteRtWasm;
  const environment = liteRt.getDefaultEnvironment().liteRtEnvironment;
  const loggedBefore = totalLogged;

  const modelPtr = wasm._malloc(model.byteLength);
  if (!modelPtr) throw new Error(`LiteRT could not allocate ${model.byteLength} bytes for the model`);
  wasm.HEAPU8.set(model, modelPtr);
  let wasmModel: WasmModel | undefined;
  let compiled: WasmCompiledModel | undefined;
  try {
    wasmModel = wasm.loadModel(environment, modelPtr, model.byteLength);
    compiled = await wasm.compileModel(environment, wasmModel, {
      accelerator: 'wasm',
      // Not in the .d.ts of LiteRtCompileOptions, but read by the bindings (see fillCompileOptions).
      cpuOptions: { numThreads: options.numThreads ?? 1 },
    } as Parameters<LiteRtWasm['compileModel']>[2]);
  } catch (error) {
    wasmModel?.delete();
    wasm._free(modelPtr);
    const fresh = Math.min(totalLogged - loggedBefore, logLines.length);
    // INFO lines and the (expected) missing-NPU warning say nothing about the model.
    const log = (fresh > 0 ? logLines.slice(-fresh) : [])
      .filter((line) => !line.startsWith('INFO') && !line.includes('NPU accelerator could not be loaded'))
      .slice(-5)
      .join(' | ');
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
  return {
    signatures,
    inputs,
    outputs,
    async run(values) {
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
        return outputBuffers.map((buffer, i) => readOutput(wasm, buffer, outputs[i]!.name));
      } finally {
        for (const buffer of inputBuffers) buffer.delete();
        for (const buffer of outputBuffers) buffer.delete();
      }
    },
    close() {
      if (closed) return;
      closed = true;
      liveCompiled.delete();
      liveModel.delete();
      wasm._free(modelPtr);
    },
  };
}

/** Loads, runs once, frees. Outputs come in signature order with name, dtype, shape and data. */
export async function runLiteRt(
  model: Uint8Array,
  inputs: readonly TensorValue[],
  options: LiteRtRunOptions = {},
): Promise<TensorValue[]> {
  const loaded = await openLiteRtModel(model, options);
  try {
    return await loaded.run(inputs);
  } finally {
    loaded.close();
  }
}

/** The input and output details LiteRT reads from the model. */
export async function liteRtModelDetails(
  model: Uint8Array,
  options: LiteRtRunOptions = {},
): Promise<{ signatures: readonly string[]; inputs: readonly TensorDetails[]; outputs: readonly TensorDetails[] }> {
  const loaded = await openLiteRtModel(model, options);
  const { signatures, inputs, outputs } = loaded;
  loaded.close();
  return { signatures, inputs, outputs };
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

function readOutput(wasm: LiteRtWasm, buffer: WasmTensorBuffer, name: string): TensorValue {
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
    const data = typedArrayFromBytes(dtype, wasm.HEAPU8.subarray(ptr, ptr + byteLength));
    return { name, dtype, shape, data };
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
