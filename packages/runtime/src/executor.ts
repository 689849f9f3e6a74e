import * as tf from '@tensorflow/tfjs-core';
import type { DType, Graph, Operator, Subgraph, Tensor } from '@borde/tflite';
import {
  currentBackend, prepareBackends, registeredKernel, reinitializeWasm, wasmBackendGeneration, type BackendSetup, type KernelCheck,
} from './backends.js';
import { whenEngineIdle, withEngine } from './engine-lock.js';
import {
  BackendError, DisposedError, EngineCrashError, ModelError, UnsupportedOpError,
  type BackendAttempt, type UnsupportedOp,
} from './errors.js';
import type { TensorArray } from './engines/engine.js';
import {
  constantElements, decodeConstant, hostFromValues, isQuantized, quantizedRange, valueDType, type HostTensor,
} from './host-tensor.js';
import { opTable, type OpContext, type OpModule } from './ops/index.js';
import { placeOp, type OpPlacement } from './placement.js';
import { isWasmTrap } from './wasm-trap.js';
import { InputReader, quantizeArray, type InputCheckMode, type InputValues, type ReadInputOptions } from './tensor-io.js';

export type { InputValue, InputValues } from './tensor-io.js';
export type InputArray = TensorArray;

export interface ExecutorOptions extends BackendSetup {
  /** Preferred tfjs backends, best first (default ['cpu']). Ops lacking a kernel fall back to cpu. */
  backends?: readonly string[];
  /** Which kernels a backend has; default tf.getKernel. Tests hold kernels back with it. */
  hasKernel?: KernelCheck;
  /** Subgraph to run (default 0). */
  subgraph?: number;
  /** Op modules to use instead of the built-in table (e.g. to add a custom op). */
  ops?: readonly OpModule[];
  /** 'finite' (default): NaN/±Infinity in a float input is an InputError naming the element. 'none': no scan. */
  checkInputs?: InputCheckMode;
}

export interface RunOptions extends ReadInputOptions {
  /** 'all' also returns the float value of every activation (inputs and each op's outputs). */
  keep?: 'outputs' | 'all';
}

export interface TensorInfo {
  name: string;
  /** Tensor index in the subgraph. */
  index: number;
  dtype: DType;
  shape: number[];
}

export interface OutputValue extends TensorInfo {
  /** Quantized outputs come back as their integers (Int8Array...), floats as Float32Array. */
  data: Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array | BigInt64Array;
}

export interface RunResult {
  outputs: OutputValue[];
  /** With keep 'all': tensor index -> real (dequantized) values, for calibration and per-layer error. */
  tensors?: Map<number, Float32Array>;
}

export interface Executor {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** One entry per operator: the backend it runs on and why. */
  readonly placement: readonly OpPlacement[];
  /** Each requested backend and whether it could be used. */
  readonly attempts: readonly BackendAttempt[];
  /** Reads the inputs at the call (copied unless `copy: false`, see tensor-io.ts), then runs under the engine lock. */
  run(inputs: InputValues, options?: RunOptions): Promise<RunResult>;
  /** Inputs already read by an InputReader: one array per model input, in model order and storage type. */
  runArrays(inputs: readonly TensorArray[], options?: RunOptions): Promise<RunResult>;
  dispose(): void;
}

/** Kernels the executor adds after an op whose output is quantized (round to the output's integer grid). */
const FAKE_QUANT_KERNELS = ['RealDiv', 'Sign', 'Abs', 'Floor', 'Add', 'ClipByValue', 'Sub', 'Multiply'];
const QUANTIZED_ACTIVATIONS: ReadonlySet<DType> = new Set(['int8', 'uint8', 'int16']);

type InputRef = { kind: 'none' } | { kind: 'const'; tensor: tf.Tensor } | { kind: 'value'; index: number };

interface PlannedOp {
  index: number;
  op: Operator;
  module: OpModule;
  ctx: OpContext;
  backend: string;
  refs: InputRef[];
  /** Per output: fake-quantization parameters, when the output tensor is quantized. */
  requant: ({ scale: number; zeroPoint: number; min: number; max: number } | undefined)[];
}

function opKey(op: Operator): string {
  return op.opcode === 'CUSTOM' ? op.customCode ?? 'CUSTOM' : op.opcode;
}

function kernelsOf(module: OpModule, ctx: OpContext): readonly string[] {
  return typeof module.kernels === 'function' ? module.kernels(ctx) : module.kernels;
}

function requantFor(t: Tensor): PlannedOp['requant'][number] {
  if (!QUANTIZED_ACTIVATIONS.has(t.dtype) || !isQuantized(t) || t.quantization!.scale.length !== 1) return undefined;
  const [min, max] = quantizedRange(t.dtype);
  return { scale: t.quantization!.scale[0]!, zeroPoint: t.quantization!.zeroPoint[0] ?? 0, min, max };
}

/** TFLite's rounding, half away from zero (tf.round rounds half to even): sign(v) * floor(|v| + 0.5). */
function roundHalfAway(v: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sign(v), tf.floor(tf.add(tf.abs(v), 0.5)));
}

function fakeQuantize(x: tf.Tensor, q: NonNullable<PlannedOp['requant'][number]>): tf.Tensor {
  const levels = tf.clipByValue(tf.add(roundHalfAway(tf.div(x, q.scale)), q.zeroPoint), q.min, q.max);
  return tf.mul(tf.sub(levels, q.zeroPoint), q.scale);
}

/**
 * Loads a Graph for op-by-op execution on TensorFlow.js. At load: constants decoded (float16 / int8 weights
 * dequantized once), DEQUANTIZE/DENSIFY of constants folded, every op placed on a backend, weights laid out
 * and uploaded. Throws UnsupportedOpError listing every op that cannot run, BackendError when no requested
 * backend works.
 */
export function createExecutor(graph: Graph, options: ExecutorOptions = {}): Promise<Executor> {
  // Preparing backends and uploading weights switch tfjs' global backend: under the same lock as runs.
  return withEngine(() => buildExecutor(graph, options));
}

async function buildExecutor(graph: Graph, options: ExecutorOptions): Promise<Executor> {
  const sgIndex = options.subgraph ?? 0;
  const sg = graph.subgraphs[sgIndex];
  if (!sg) throw new ModelError(`the model has no subgraph ${sgIndex}; pass a valid \`subgraph\` option`);
  const table = opTable(options.ops);
  const hasKernel = options.hasKernel ?? registeredKernel;
  const preferred = [...(options.backends ?? ['cpu'])];

  const attempts = await prepareBackends(preferred.includes('cpu') ? preferred : [...preferred, 'cpu'], options);
  const requestedAttempts = attempts.filter((a) => preferred.includes(a.backend));
  const ready = requestedAttempts.filter((a) => a.ok).map((a) => a.backend);
  if (ready.length === 0) throw new BackendError(requestedAttempts);
  const cpuReady = attempts.some((a) => a.backend === 'cpu' && a.ok);
  const usable = (b: string): boolean => ready.includes(b) || (b === 'cpu' && cpuReady);

  const constants = new Map<number, HostTensor>();
  const constant = (index: number): HostTensor | undefined => {
    if (index < 0) return undefined;
    const known = constants.get(index);
    if (known) return known;
    const t = sg.tensors[index];
    if (!t?.data) return undefined;
    // Sparse constants keep their stored values; DENSIFY expands them.
    const host = t.sparsity !== undefined
      ? hostFromValues({ ...t, shape: [constantElements(t, `tensors[${index}]`).length] }, constantElements(t, `tensors[${index}]`))
      : decodeConstant(t, `tensors[${index}]`);
    constants.set(index, host);
    return host;
  };
  const contextFor = (op: Operator): OpContext => ({
    op,
    inputTensor: (p) => (op.inputs[p] !== undefined && op.inputs[p]! >= 0 ? sg.tensors[op.inputs[p]!] : undefined),
    outputTensor: (p) => sg.tensors[op.outputs[p]!]!,
    constant: (p) => constant(op.inputs[p] ?? -1),
  });

  const placement: OpPlacement[] = [];
  const unsupported: UnsupportedOp[] = [];
  const planned: Omit<PlannedOp, 'refs'>[] = [];
  sg.operators.forEach((op, index) => {
    const opcode = opKey(op);
    const module = table.get(opcode);
    if (!module) {
      unsupported.push({ index, opcode, reason: 'no op module (not implemented by the tfjs engine)' });
      return;
    }
    const ctx = contextFor(op);
    try {
      const present = op.inputs.filter((i) => i >= 0);
      if (module.fold && present.every((i) => constant(i) !== undefined)) {
        const outs = module.fold(ctx, op.inputs.map((i) => constant(i)));
        op.outputs.forEach((o, k) => constants.set(o, outs[k]!));
        placement.push({ index, opcode, backend: 'load', reason: 'constant inputs: computed once at load' });
        return;
      }
    } catch (cause) {
      unsupported.push({ index, opcode, reason: cause instanceof Error ? cause.message : String(cause) });
      return;
    }
    if (module.foldOnly) {
      unsupported.push({ index, opcode, reason: 'runs only at load and needs constant inputs' });
      return;
    }
    const requant = op.outputs.map((o) => requantFor(sg.tensors[o]!));
    const kernels = [...kernelsOf(module, ctx), ...(requant.some(Boolean) ? FAKE_QUANT_KERNELS : [])];
    const where = placeOp(kernels, ready, (b, k) => usable(b) && hasKernel(b, k));
    if (!where.backend) {
      unsupported.push({ index, opcode, reason: `no backend has its kernels: ${where.reason}` });
      return;
    }
    placement.push({ index, opcode, backend: where.backend, reason: where.reason });
    planned.push({ index, op, module, ctx, backend: where.backend, requant });
  });
  if (unsupported.length > 0) throw new UnsupportedOpError(unsupported);

  for (const index of sg.inputs) {
    if (sg.tensors[index]!.data) throw new ModelError(`input tensors[${index}] is a constant`);
  }

  // Upload constants to the backends of the ops that read them, laid out as each op prepared them. Done
  // again when the wasm backend was re-created after a trap (its tensors went with the old module).
  const usesWasm = planned.some((p) => p.backend === 'wasm');
  const upload = async (): Promise<Uploaded> => {
    const generation = wasmBackendGeneration();
    const owned: tf.Tensor[] = [];
    const shared = new Map<string, tf.Tensor>();
    const previous = currentBackend();
    const steps: PlannedOp[] = [];
    try {
      for (const p of planned) {
        if (currentBackend() !== p.backend) await tf.setBackend(p.backend);
        const prepared = p.module.prepare?.(p.ctx) ?? {};
        const refs: InputRef[] = p.op.inputs.map((tensorIndex, position) => {
          if (tensorIndex < 0) return { kind: 'none' };
          const own = prepared[position];
          if (own) {
            const t = tf.tensor(own.data, own.shape, own.dtype);
            owned.push(t);
            return { kind: 'const', tensor: t };
          }
          const host = constant(tensorIndex);
          if (!host) return { kind: 'value', index: tensorIndex };
          const key = `${p.backend}:${tensorIndex}`;
          let t = shared.get(key);
          if (!t) {
            t = tf.tensor(host.data, host.shape, host.dtype);
            shared.set(key, t);
            owned.push(t);
          }
          return { kind: 'const', tensor: t };
        });
        steps.push({ ...p, refs });
      }
    } catch (cause) {
      release(owned);
      if (usesWasm && isWasmTrap(cause)) throw wasmCrash('load', cause);
      throw cause;
    } finally {
      if (previous !== undefined && currentBackend() !== previous && tf.findBackendFactory(previous)) await tf.setBackend(previous);
    }
    return { steps, owned, generation };
  };
  let uploaded = await upload();
  const current = async (): Promise<Uploaded> => {
    if (usesWasm && uploaded.generation !== wasmBackendGeneration()) {
      release(uploaded.owned);
      uploaded = await upload();
    }
    return uploaded;
  };
  const steps = uploaded.steps;

  // Last step reading each activation, so it is disposed as soon as nothing needs it.
  const lastUse = new Map<number, number>();
  steps.forEach((s, k) => s.refs.forEach((r) => { if (r.kind === 'value') lastUse.set(r.index, k); }));
  const outputSet = new Set(sg.outputs);

  const info = (index: number): TensorInfo => {
    const t = sg.tensors[index]!;
    return { name: t.name, index, dtype: t.dtype, shape: [...t.shape] };
  };
  let disposed = false;

  const reader = new InputReader(graph, sgIndex, options.checkInputs ?? 'finite');
  const runArrays = (arrays: readonly TensorArray[], runOptions: RunOptions): Promise<RunResult> => {
    if (disposed) return Promise.reject(new DisposedError());
    const hostInputs = new Map<number, HostTensor>();
    sg.inputs.forEach((index, position) => hostInputs.set(index, hostInput(sg.tensors[index]!, arrays[position]!)));
    return withEngine(async () => {
      if (disposed) throw new DisposedError();
      const { steps: live } = await current();
      try {
        return await execute(sg, live, hostInputs, constants, lastUse, outputSet, runOptions.keep === 'all');
      } catch (error) {
        if (usesWasm && isWasmTrap(error)) throw wasmCrash('run', error);
        throw error;
      }
    });
  };

  return {
    inputs: sg.inputs.map(info),
    outputs: sg.outputs.map(info),
    placement,
    attempts,
    run(inputs, runOptions = {}) {
      if (disposed) return Promise.reject(new DisposedError());
      let arrays: TensorArray[];
      try {
        arrays = reader.read(inputs, runOptions);
      } catch (error) {
        return Promise.reject(error);
      }
      return runArrays(arrays, runOptions);
    },
    runArrays: (arrays, runOptions = {}) => runArrays(arrays, runOptions),
    dispose() {
      if (disposed) return;
      disposed = true;
      // Freeing touches the tensors' backends (wasm memory): after any run or load in progress.
      whenEngineIdle(() => release(uploaded.owned));
    },
  };
}

interface Uploaded {
  steps: PlannedOp[];
  /** Every tensor the executor created at load (weights), freed by dispose. */
  owned: tf.Tensor[];
  /** The wasm backend generation they were uploaded to. */
  generation: number;
}

/** Frees tensors; those of a wasm backend dropped after a trap are gone already (freeing them is a no-op or fails). */
function release(tensors: readonly tf.Tensor[]): void {
  for (const t of tensors) {
    try {
      t.dispose();
    } catch {
      // Its backend was replaced after a trap.
    }
  }
}

/**
 * tfjs-backend-wasm trapped: its memory is suspect, so the backend is re-created (other models re-upload their
 * weights at their next run) and the caller gets a typed error. Runs under the engine lock.
 */
function wasmCrash(stage: 'load' | 'run', cause: unknown): EngineCrashError {
  reinitializeWasm();
  return new EngineCrashError('tfjs wasm', stage, cause instanceof Error ? cause.message : String(cause), { cause });
}

/** A read input (storage type) as the executor holds it: quantized integers become their real values. */
function hostInput(t: Tensor, data: TensorArray): HostTensor {
  return hostFromValues(t, data instanceof BigInt64Array ? Array.from(data, Number) : data);
}

async function execute(
  sg: Subgraph,
  steps: readonly PlannedOp[],
  hostInputs: Map<number, HostTensor>,
  constants: Map<number, HostTensor>,
  lastUse: Map<number, number>,
  outputSet: Set<number>,
  keepAll: boolean,
): Promise<RunResult> {
  const previous = currentBackend();
  // Activation copies, per backend: a tensor crosses to another backend only where a segment needs it.
  const values = new Map<number, Map<string, tf.Tensor>>();
  const kept = keepAll ? new Map<number, Float32Array>() : undefined;
  if (kept) for (const [index, host] of hostInputs) kept.set(index, Float32Array.from(host.data));

  const valueOn = async (index: number, backend: string): Promise<tf.Tensor> => {
    let copies = values.get(index);
    if (!copies) values.set(index, (copies = new Map()));
    const here = copies.get(backend);
    if (here) return here;
    const host = hostInputs.get(index);
    let t: tf.Tensor;
    if (host) {
      t = tf.tensor(host.data, host.shape, host.dtype);
    } else {
      const [, elsewhere] = copies.entries().next().value ?? [];
      if (!elsewhere) throw new ModelError(`tensors[${index}] "${sg.tensors[index]?.name}" is read before any op writes it`);
      // Segment border: read the data and re-create it on this backend.
      t = tf.tensor(await elsewhere.data(), elsewhere.shape, elsewhere.dtype);
    }
    copies.set(backend, t);
    return t;
  };
  const release = (index: number): void => {
    for (const t of values.get(index)?.values() ?? []) t.dispose();
    values.delete(index);
  };

  try {
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      if (currentBackend() !== step.backend) await tf.setBackend(step.backend);
      const ins: (tf.Tensor | undefined)[] = [];
      for (const r of step.refs) {
        ins.push(r.kind === 'none' ? undefined : r.kind === 'const' ? r.tensor : await valueOn(r.index, step.backend));
      }
      const outs = tf.tidy(() =>
        step.module.run(step.ctx, ins, step.op).map((t, o) => {
          const want = valueDType(sg.tensors[step.op.outputs[o]!]!);
          const typed = t.dtype === want ? t : tf.cast(t, want);
          const q = step.requant[o];
          return q ? fakeQuantize(typed, q) : typed;
        }),
      );
      step.op.outputs.forEach((index, o) => {
        release(index);
        values.set(index, new Map([[step.backend, outs[o]!]]));
      });
      if (kept) {
        for (let o = 0; o < outs.length; o++) kept.set(step.op.outputs[o]!, Float32Array.from(await outs[o]!.data()));
      }
      for (const r of step.refs) {
        if (r.kind === 'value' && lastUse.get(r.index) === k && !outputSet.has(r.index)) release(r.index);
      }
    }
    const outputs: OutputValue[] = [];
    for (const index of sg.outputs) {
      const t = sg.tensors[index]!;
      let real: ArrayLike<number>;
      const host = hostInputs.get(index) ?? constants.get(index);
      if (host) real = host.data;
      else {
        const copy = values.get(index)?.values().next().value;
        if (!copy) throw new ModelError(`output tensors[${index}] "${t.name}" is never written`);
        real = await copy.data();
      }
      outputs.push({ name: t.name, index, dtype: t.dtype, shape: [...t.shape], data: encodeOutput(t, real) });
    }
    return kept ? { outputs, tensors: kept } : { outputs };
  } finally {
    for (const index of [...values.keys()]) release(index);
    if (previous !== undefined && currentBackend() !== previous) await tf.setBackend(previous);
  }
}

/** Real values back to the model's storage type (quantized outputs re-encoded to their integers, TFLite's rounding). */
function encodeOutput(t: Tensor, real: ArrayLike<number>): OutputValue['data'] {
  if (isQuantized(t)) return quantizeArray(real, t);
  switch (t.dtype) {
    case 'int32': return Int32Array.from(real);
    case 'int64': return BigInt64Array.from(Array.from(real, (v) => BigInt(Math.round(v))));
    case 'uint8': case 'bool': return Uint8Array.from(real);
    case 'int8': return Int8Array.from(real);
    case 'int16': return Int16Array.from(real);
    default: return Float32Array.from(real);
  }
}
