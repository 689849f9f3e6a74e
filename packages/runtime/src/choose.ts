import type { Graph } from '@borde/tflite';
import type { UnsupportedOp } from './errors.js';
import { opName, type BackendName, type EngineName, type InterpreterBackendName, type TfjsBackendName } from './engines/engine.js';
import type { OpModule } from './ops/index.js';
import type { DeviceProbe } from './probe.js';

/** What `backend` may name: a tfjs backend, an interpreter backend, 'interpreter' (the best one), or 'auto'. */
export type BackendChoice = BackendName | 'interpreter';
export type BackendRequest = 'auto' | BackendChoice | readonly BackendChoice[];

const TFJS_BACKENDS: readonly TfjsBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const INTERPRETER_BACKENDS: readonly InterpreterBackendName[] = ['tfjs-tflite', 'litert-wasm'];
export const BACKEND_CHOICES: readonly BackendChoice[] = ['interpreter', ...INTERPRETER_BACKENDS, ...TFJS_BACKENDS];

/**
 * Custom ops known to run in each interpreter (checked on the real models). tfjs-tflite resolves no custom
 * op ("Encountered unresolved custom op"); LiteRT.js ships MediaPipe's transposed convolution.
 */
const INTERPRETER_CUSTOM_OPS: Record<InterpreterBackendName, ReadonlySet<string>> = {
  'tfjs-tflite': new Set(),
  'litert-wasm': new Set(['Convolution2DTransposeBias']),
};

/** One engine/backend pair, where it ranks and why; `skip` says why it cannot be used here (not tried). */
export interface RankedCandidate {
  engine: EngineName;
  backend: BackendName;
  reason: string;
  skip?: string;
  /** Set when the model's ops are why it is skipped. */
  unsupported?: UnsupportedOp[];
}

/** Ops of subgraph 0 that an engine cannot run, statically (before trying to load). */
export function unsupportedOps(graph: Graph, backend: BackendName, table: ReadonlyMap<string, OpModule>): UnsupportedOp[] {
  const ops = graph.subgraphs[0]?.operators ?? [];
  const out: UnsupportedOp[] = [];
  ops.forEach((op, index) => {
    const opcode = opName(op);
    if (TFJS_BACKENDS.includes(backend as TfjsBackendName)) {
      if (!table.has(opcode)) out.push({ index, opcode, reason: 'no op module' });
    } else if (op.opcode === 'CUSTOM' && !INTERPRETER_CUSTOM_OPS[backend as InterpreterBackendName].has(opcode)) {
      out.push({ index, opcode, reason: 'custom op not in this interpreter' });
    }
  });
  return out;
}

function listOps(ops: readonly UnsupportedOp[]): string {
  const names = [...new Set(ops.map((o) => o.opcode))];
  return `${names.join(', ')} (${ops.length} op${ops.length === 1 ? '' : 's'})`;
}

function gpuSkip(probe: DeviceProbe, backend: 'webgpu' | 'webgl'): string | undefined {
  const gpu = probe[backend];
  return gpu.available ? undefined : gpu.reason ?? `${backend} unavailable`;
}

function deviceSkip(probe: DeviceProbe, backend: BackendName): string | undefined {
  switch (backend) {
    case 'tfjs-tflite': return probe.platform === 'node' ? 'tfjs-tflite runs only in browsers' : undefined;
    case 'webgpu': return gpuSkip(probe, 'webgpu');
    case 'webgl': return gpuSkip(probe, 'webgl');
    default: return undefined;
  }
}

function engineOf(backend: BackendName): EngineName {
  return TFJS_BACKENDS.includes(backend as TfjsBackendName) ? 'tfjs' : 'interpreter';
}

function candidate(graph: Graph, probe: DeviceProbe, table: ReadonlyMap<string, OpModule>, backend: BackendName, reason: string): RankedCandidate {
  const c: RankedCandidate = { engine: engineOf(backend), backend, reason };
  const device = deviceSkip(probe, backend);
  if (device) {
    c.skip = device;
    return c;
  }
  const missing = unsupportedOps(graph, backend, table);
  if (missing.length > 0) {
    c.skip = `cannot run ${listOps(missing)}`;
    c.unsupported = missing;
  }
  return c;
}

/**
 * Whether the model computes in int8 (full-integer quantization: some operator writes a quantized 8-bit
 * tensor). Weight-only (dynamic-range) and float16 models compute in float.
 */
export function computesInInt8(graph: Graph): boolean {
  const sg = graph.subgraphs[0];
  if (!sg) return false;
  return sg.operators.some((op) => op.outputs.some((o) => {
    const t = sg.tensors[o];
    return t !== undefined && (t.dtype === 'int8' || t.dtype === 'uint8') && (t.quantization?.scale.length ?? 0) > 0;
  }));
}

/**
 * Multiply-adds of one run of subgraph 0 in its convolutions and fully connected layers (output elements x
 * the weights each one reads): the size that decides between the interpreters' fixed cost per call and
 * their kernels. MediaPipe's face detector: 30.8M; the Fashion-MNIST CNN 0.95M; the breast-cancer MLP 0.0003M.
 */
export function multiplyAdds(graph: Graph): number {
  const sg = graph.subgraphs[0];
  if (!sg) return 0;
  let total = 0;
  for (const op of sg.operators) {
    const out = sg.tensors[op.outputs[0] ?? -1];
    const w = sg.tensors[op.inputs[1] ?? -1];
    if (!out || !w) continue;
    const outputs = out.shape.reduce((a, b) => a * Math.max(b, 1), 1);
    if (op.opcode === 'CONV_2D' && w.shape.length === 4) total += outputs * w.shape[1]! * w.shape[2]! * w.shape[3]!;
    else if (op.opcode === 'DEPTHWISE_CONV_2D' && w.shape.length === 4) total += outputs * w.shape[1]! * w.shape[2]!;
    else if (op.opcode === 'FULLY_CONNECTED' && w.shape.length >= 2) total += outputs * w.shape[w.shape.length - 1]!;
  }
  return total;
}

/**
 * From this many multiply-adds an int8 model runs faster on LiteRT.js: its int8 kernels beat tfjs-tflite's by
 * ~4% (int8 face detector, 30.8M: 2.66-2.70 vs 2.75-2.81 ms), its fixed cost per call is ~20 µs higher, so
 * the two break even near 0.5 ms of work, ~6M multiply-adds at the face detector's rate.
 */
export const LARGE_INT8_MULTIPLY_ADDS = 6e6;

type ModelClass = 'float' | 'small int8' | 'large int8';

/**
 * Which interpreter ran each class of model fastest, measured in Chromium (pnpm bench:runtime: interleaved,
 * main-thread CPU time, median ms through Borde, tfjs-tflite vs LiteRT.js): float face detector 3.11 vs 3.32,
 * Fashion-MNIST CNN 0.081 vs 0.102, breast-cancer MLP 0.001 vs 0.020; small int8 models tfjs-tflite too (int8
 * CNN 0.070 vs 0.090, int8 MLP 0.001 vs 0.022: LiteRT.js' fixed cost per call decides them); large int8
 * models LiteRT.js (int8 face detector 2.70 vs 2.75; its int8 kernels gain more: 0.82 of its float time vs 0.92).
 */
const FASTEST_INTERPRETER: Record<ModelClass, InterpreterBackendName> = {
  float: 'tfjs-tflite',
  'small int8': 'tfjs-tflite',
  'large int8': 'litert-wasm',
};

/** The interpreters in the order they are preferred for this model on this device. */
function interpreterOrder(graph: Graph, probe: DeviceProbe, table: ReadonlyMap<string, OpModule>): RankedCandidate[] {
  const macs = computesInInt8(graph) ? multiplyAdds(graph) : 0;
  const kind: ModelClass = !computesInInt8(graph) ? 'float' : macs >= LARGE_INT8_MULTIPLY_ADDS ? 'large int8' : 'small int8';
  const what = kind === 'float' ? 'float models' : `${kind} models (${kind === 'large int8' ? '>=' : '<'} ${LARGE_INT8_MULTIPLY_ADDS / 1e6}M multiply-adds a run; this one ${(macs / 1e6).toFixed(2)}M)`;
  const fastest = FASTEST_INTERPRETER[kind];
  const measuredWhy = (backend: InterpreterBackendName) => backend === fastest
    ? `measured the fastest interpreter for ${what}`
    : `after ${fastest}, which measured faster on ${what}`;
  const tflite = candidate(graph, probe, table, 'tfjs-tflite',
    `official TFLite interpreter (XNNPACK wasm kernels, real int8 arithmetic) runs every op of this model; ${measuredWhy('tfjs-tflite')}`);
  const customs = [...new Set((graph.subgraphs[0]?.operators ?? []).filter((o) => o.opcode === 'CUSTOM').map(opName))];
  const liteRtWhy = probe.platform === 'node'
    ? 'official LiteRT interpreter (XNNPACK, compat wasm build): the interpreter available in Node'
    : tflite.skip
      ? `official LiteRT interpreter (XNNPACK wasm kernels)${customs.length ? `; runs the custom op(s) ${customs.join(', ')} that tfjs-tflite refuses` : ''}`
      : `official LiteRT interpreter (XNNPACK wasm kernels); ${measuredWhy('litert-wasm')}`;
  const liteRt = candidate(graph, probe, table, 'litert-wasm', liteRtWhy);
  // The one that can run the model first; when both can, the one measured fastest for the model's precision.
  if (tflite.skip && !liteRt.skip) return [liteRt, tflite];
  if (liteRt.skip && !tflite.skip) return [tflite, liteRt];
  return fastest === 'litert-wasm' ? [liteRt, tflite] : [tflite, liteRt];
}

/**
 * Every engine/backend pair for `backend: 'auto'`, best first:
 * interpreter (when it runs every op; the fastest for the model's precision first) > tfjs wasm > hardware WebGPU/WebGL > software WebGL/WebGPU > cpu.
 */
export function rankAuto(graph: Graph, probe: DeviceProbe, table: ReadonlyMap<string, OpModule>): RankedCandidate[] {
  const interpreters = interpreterOrder(graph, probe, table);
  const interpreterOk = interpreters.some((c) => !c.skip);
  const simd = `${probe.wasmSimd ? 'SIMD' : 'no SIMD'}, ${probe.threads ? 'threads' : 'no threads'}`;
  const wasm = candidate(graph, probe, table, 'wasm', interpreterOk
    ? `Borde's op-by-op engine on tfjs-backend-wasm (${simd}): after the interpreter, which runs XNNPACK kernels without per-op overhead`
    : `Borde's op-by-op engine on tfjs-backend-wasm (${simd}): the fastest CPU path the interpreters leave`);
  const gpu = (backend: 'webgpu' | 'webgl', label: string): RankedCandidate => {
    const info = probe[backend];
    const why = info.software
      ? `${label} renders in software (${info.description}): correct but slower than wasm, ranked below it`
      : `${label} on a hardware GPU (${info.description || 'unknown'}), after wasm`;
    return candidate(graph, probe, table, backend, why);
  };
  const webgpu = gpu('webgpu', 'WebGPU');
  const webgl = gpu('webgl', 'WebGL2 with float render targets');
  const cpu = candidate(graph, probe, table, 'cpu', 'plain JavaScript kernels: always available, the slowest');
  const hardware = [webgpu, webgl].filter((c) => !probe[c.backend as 'webgpu' | 'webgl'].software);
  const software = [webgl, webgpu].filter((c) => probe[c.backend as 'webgpu' | 'webgl'].software);
  return [...interpreters, wasm, ...hardware, ...software, cpu];
}

/** The candidates an explicit request names, in the order given (no others are ever added). */
export function rankExplicit(
  graph: Graph,
  probe: DeviceProbe,
  table: ReadonlyMap<string, OpModule>,
  request: readonly BackendChoice[],
): RankedCandidate[] {
  const out: RankedCandidate[] = [];
  request.forEach((choice, position) => {
    const why = request.length > 1
      ? `requested (entry ${position + 1} of ${request.length} in the \`backend\` option)`
      : 'requested in the `backend` option';
    const expanded = choice === 'interpreter'
      ? interpreterOrder(graph, probe, table).map((c) => ({ ...c, reason: `${why} as 'interpreter': ${c.reason}` }))
      : [candidate(graph, probe, table, choice, why)];
    for (const c of expanded) if (!out.some((o) => o.backend === c.backend)) out.push(c);
  });
  return out;
}

/** Normalizes the `backend` option; throws TypeError naming the bad entry. */
export function parseRequest(request: BackendRequest | undefined): 'auto' | BackendChoice[] {
  if (request === undefined || request === 'auto') return 'auto';
  const list = typeof request === 'string' ? [request] : [...request];
  if (list.length === 0) throw new TypeError("loadModel: `backend` is an empty list; pass 'auto' or at least one backend");
  for (const entry of list) {
    if (!BACKEND_CHOICES.includes(entry)) {
      throw new TypeError(`loadModel: unknown backend ${JSON.stringify(entry)} in the \`backend\` option; use 'auto' or one of ${BACKEND_CHOICES.join(', ')}`);
    }
  }
  return list;
}
