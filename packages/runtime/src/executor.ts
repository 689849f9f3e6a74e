import * as tf from '@tensorflow/tfjs-core';
import { elementCount, type DType, type Graph, type Operator, type Subgraph, type Tensor } from '@borde/tflite';
import { currentBackend, prepareBackends, registeredKernel, type BackendSetup, type KernelCheck } from './backends.js';
import { withEngine } from './engine-lock.js';
import {
  BackendError, DisposedError, InputError, ModelError, UnsupportedOpError,
  type BackendAttempt, type UnsupportedOp,
} from './errors.js';
import {
  constantElements, decodeConstant, hostFromValues, isQuantized, quantizedRange, valueDType, type HostTensor,
} from './host-tensor.js';
import { opTable, type OpContext, type OpModule } from './ops/index.js';
import { placeOp, type OpPlacement } from './placement.js';

export type InputArray = Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array | BigInt64Array;
/** One input value: a typed array in the model's element order, optionally with its shape (checked). */
export type InputValue = InputArray | { data: InputArray; shape?: readonly number[] };

export interface ExecutorOptions extends BackendSetup {
  /** Preferred tfjs backends, best first (default ['cpu']). Ops lacking a kernel fall back to cpu. */
  backends?: readonly string[];
  /** Which kernels a backend has; default tf.getKernel. Tests hold kernels back with it. */
  hasKernel?: KernelCheck;
  /** Subgraph to run (default 0). */
  subgraph?: number;
  /** Op modules to use instead of the built-in table (e.g. to add a custom op). */
  ops?: readonly OpModule[];
}

export interface RunOptions {
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
  run(inputs: readonly InputValue[] | Record<string, InputValue>, options?: RunOptions): Promise<RunResult>;
  dispose(): void;
}

/** Kernels the executor adds after an op whose output is quantized (round to the output's integer grid). */
const FAKE_QUANT_KERNELS = ['RealDiv', 'Round', 'Add', 'ClipByValue', 'Sub', 'Multiply'];
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

function fakeQuantize(x: tf.Tensor, q: NonNullable<PlannedOp['requant'][number]>): tf.Tensor {
  const levels = tf.clipByValue(tf.add(tf.round(tf.div(x, q.scale)), q.zeroPoint), q.min, q.max);
  return tf.mul(tf.sub(levels, q.zeroPoint), q.scale);
}

/**
 * Loads a Graph for op-by-op execution on TensorFlow.js. At load: constants decoded (float16 / int8 weights
 * dequantized once), DEQUANTIZE/DENSIFY of constants folded, every op placed on a backend, weights laid out
 * and uploaded. Throws UnsupportedOpError listing every op that cannot run, BackendError when no requested
 * backend works.
 */
export async function createExecutor(graph: Graph, options: ExecutorOptions = {}): Promise<Executor> {
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

  // Upload constants to the backends of the ops that read them, laid out as each op prepared them.
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
    for (const t of owned) t.dispose();
    throw cause;
  } finally {
    if (previous !== undefined && currentBackend() !== previous) await tf.setBackend(previous);
  }

  // Last step reading each activation, so it is disposed as soon as nothing needs it.
  const lastUse = new Map<number, number>();
  steps.forEach((s, k) => s.refs.forEach((r) => { if (r.kind === 'value') lastUse.set(r.index, k); }));
  const outputSet = new Set(sg.outputs);

  const info = (index: number): TensorInfo => {
    const t = sg.tensors[index]!;
    return { name: t.name, index, dtype: t.dtype, shape: [...t.shape] };
  };
  let disposed = false;

  return {
    inputs: sg.inputs.map(info),
    outputs: sg.outputs.map(info),
    placement,
    attempts,
    async run(inputs, runOptions = {}) {
      if (disposed) throw new DisposedError();
      const hostInputs = readInputs(sg, graph, sgIndex, inputs);
      return withEngine(() => {
        if (disposed) throw new DisposedError();
        return execute(sg, steps, hostInputs, constants, lastUse, outputSet, runOptions.keep === 'all');
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const t of owned) t.dispose();
    },
  };
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

/** Real values back to the model's storage type (quantized outputs re-encoded to their integers). */
function encodeOutput(t: Tensor, real: ArrayLike<number>): OutputValue['data'] {
  if (isQuantized(t)) {
    const q = t.quantization!;
    const [lo, hi] = quantizedRange(t.dtype);
    const s = q.scale[0]!;
    const zp = q.zeroPoint[0] ?? 0;
    const ints = Array.from(real, (v) => Math.min(hi, Math.max(lo, Math.round(v / s) + zp)));
    switch (t.dtype) {
      case 'int8': return Int8Array.from(ints);
      case 'uint8': return Uint8Array.from(ints);
      case 'int16': return Int16Array.from(ints);
      default: return Int32Array.from(ints);
    }
  }
  switch (t.dtype) {
    case 'int32': return Int32Array.from(real);
    case 'int64': return BigInt64Array.from(Array.from(real, (v) => BigInt(Math.round(v))));
    case 'uint8': case 'bool': return Uint8Array.from(real);
    case 'int8': return Int8Array.from(real);
    case 'int16': return Int16Array.from(real);
    default: return Float32Array.from(real);
  }
}

const ARRAY_DTYPE: [new (...a: never[]) => unknown, string][] = [
  [Float32Array, 'float32'], [Int32Array, 'int32'], [Int8Array, 'int8'], [Uint8Array, 'uint8'],
  [Int16Array, 'int16'], [BigInt64Array, 'int64'],
];

/** Element type of a typed array the executor accepts, or undefined. */
function arrayDType(a: unknown): string | undefined {
  return ARRAY_DTYPE.find(([ctor]) => a instanceof ctor)?.[1];
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** What the caller passed: "an int32 typed array", "a plain array"... */
function describeValue(a: unknown): string {
  const dtype = arrayDType(a);
  if (dtype) return `${article(dtype)} ${dtype} typed array`;
  return Array.isArray(a) ? 'a plain array' : `${article(typeof a)} ${typeof a}`;
}

/** The typed array a model input of this dtype takes. */
function expectedArray(t: Tensor): string {
  switch (t.dtype) {
    case 'float32': case 'float16': case 'float64': return 'float32';
    case 'bool': return 'uint8';
    default: return t.dtype;
  }
}

/** Checks each given input against the model (presence, dtype, shape, NaN) and decodes it to real values. */
function readInputs(
  sg: Subgraph,
  graph: Graph,
  sgIndex: number,
  given: readonly InputValue[] | Record<string, InputValue>,
): Map<number, HostTensor> {
  const byName = !Array.isArray(given);
  const signature = graph.signatures.find((s) => s.subgraphIndex === sgIndex);
  const out = new Map<number, HostTensor>();
  if (!byName && given.length !== sg.inputs.length) {
    throw new InputError('inputs', `${sg.inputs.length} value(s) in model input order`, `${given.length}`);
  }
  if (byName) {
    const known = new Set(sg.inputs.flatMap((i) => [sg.tensors[i]!.name, ...(signature?.inputs.filter((s) => s.tensorIndex === i).map((s) => s.name) ?? [])]));
    for (const name of Object.keys(given)) {
      if (!known.has(name)) throw new InputError(name, `one of ${[...known].map((n) => `"${n}"`).join(', ')}`, 'an unknown input name');
    }
  }
  sg.inputs.forEach((index, position) => {
    const t = sg.tensors[index]!;
    const label = t.name || `inputs[${position}]`;
    let value: InputValue | undefined;
    if (byName) {
      const record = given as Record<string, InputValue>;
      const alias = signature?.inputs.find((s) => s.tensorIndex === index)?.name;
      value = record[t.name] ?? (alias !== undefined ? record[alias] : undefined);
    } else {
      value = (given as readonly InputValue[])[position];
    }
    if (value === undefined || value === null) {
      throw new InputError(label, `${article(expectedArray(t))} ${expectedArray(t)} typed array`, 'nothing');
    }
    const data = ArrayBuffer.isView(value) ? value : value.data;
    const shape = ArrayBuffer.isView(value) ? undefined : value.shape;
    if (shape && (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i]))) {
      throw new InputError(label, `shape [${t.shape.join(', ')}]`, `shape [${shape.join(', ')}]`);
    }
    const want = expectedArray(t);
    const quantized = isQuantized(t);
    if (arrayDType(data) !== want && !(quantized && data instanceof Float32Array)) {
      throw new InputError(label, `${article(want)} ${want} typed array${quantized ? ' (or float32 real values)' : ''}`, describeValue(data));
    }
    const count = elementCount(t.shape);
    if (data.length !== count) {
      throw new InputError(label, `${count} elements (shape [${t.shape.join(', ')}])`, `${data.length} elements`);
    }
    if (data instanceof BigInt64Array) {
      out.set(index, hostFromValues(t, Array.from(data, Number)));
      return;
    }
    if (quantized && data instanceof Float32Array) {
      // Real values for an integer input: checked for NaN, then rounded onto the input's integer grid.
      const bad = data.findIndex((v) => Number.isNaN(v));
      if (bad >= 0) throw new InputError(label, 'numbers (the model input is quantized)', `NaN at element ${bad}`);
      const q = t.quantization!;
      const [lo, hi] = quantizedRange(t.dtype);
      const ints = Array.from(data, (v) => Math.min(hi, Math.max(lo, Math.round(v / q.scale[0]!) + (q.zeroPoint[0] ?? 0))));
      out.set(index, hostFromValues(t, ints));
      return;
    }
    out.set(index, hostFromValues(t, data));
  });
  return out;
}
