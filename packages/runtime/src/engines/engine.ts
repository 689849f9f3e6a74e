import type { Graph } from '@borde/tflite';
import { ModelError } from '../errors.js';
import type { KernelCheck } from '../backends.js';
import type { OpModule } from '../ops/index.js';
import type { DeviceProbe } from '../probe.js';

/** `interpreter`: an official TFLite interpreter runs the whole model. `tfjs`: Borde runs it op by op. */
export type EngineName = 'interpreter' | 'tfjs';

/** tfjs engine backends. */
export type TfjsBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** Interpreter engine backends: which interpreter build, on which accelerator. */
// LiteRT's WebGPU accelerator is not offered yet: reading its results back needs LiteRT's JSPI build
// (the plain build fails with "Asyncify is not defined"), and LiteRT loads one build per page.
export type InterpreterBackendName = 'tfjs-tflite' | 'litert-wasm';
export type BackendName = TfjsBackendName | InterpreterBackendName;

/** Typed arrays a model input or output can be held in. */
export type TensorArray = Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array | BigInt64Array;

/** Where one operator runs and why (for interpreters: every op, inside the interpreter). */
export interface OpPlacementInfo {
  index: number;
  opcode: string;
  backend: string;
  reason: string;
}

/** Everything an engine needs to load a model. */
export interface EngineLoadContext {
  graph: Graph;
  bytes: Uint8Array;
  probe: DeviceProbe;
  /** Assets base (browser URL or Node folder); undefined: the default next to the runtime. */
  assets: string | undefined;
  /** tfjs engine only: kernel check and op table overrides (tests hold kernels back with them). */
  hasKernel?: KernelCheck | undefined;
  ops?: readonly OpModule[] | undefined;
}

/** One output of one run: data in the model's storage type (int8 outputs as Int8Array...). */
export interface EngineOutput {
  data: TensorArray;
  shape: number[];
}

/** A model loaded on one engine + backend. Inputs and outputs are positional, in subgraph order. */
export interface LoadedEngine {
  readonly engine: EngineName;
  readonly backend: BackendName;
  readonly placement: readonly OpPlacementInfo[];
  /** `inputs` are already checked: one typed array per model input, of the model's storage type. */
  run(inputs: readonly TensorArray[]): Promise<EngineOutput[]>;
  /** True when run() has read its inputs by the time it returns (so a run started at once needs no copy). */
  readonly readsInputsAtCall?: boolean;
  /**
   * The same as run(), synchronously, for engines that compute on the calling thread without waiting on
   * anything: an idle model's run() then costs one promise, as a direct call of the interpreter does.
   */
  runNow?(inputs: readonly TensorArray[]): EngineOutput[];
  dispose(): void;
}

/** Custom op name of an operator, or its builtin name. */
export function opName(op: { opcode: string; customCode?: string }): string {
  return op.opcode === 'CUSTOM' ? op.customCode ?? 'CUSTOM' : op.opcode;
}

/** Placement of a whole-model engine: every operator inside the interpreter. */
export function wholeModelPlacement(graph: Graph, backend: string): OpPlacementInfo[] {
  return (graph.subgraphs[0]?.operators ?? []).map((op, index) => ({
    index,
    opcode: opName(op),
    backend,
    reason: 'the interpreter runs the whole model',
  }));
}

/**
 * Maps interpreter tensor names to positions in the subgraph's inputs/outputs. Interpreters order I/O by
 * signature; the model's public order is the subgraph's. Positions are never guessed: names that do not
 * match one to one are a ModelError listing both sides.
 */
export function positionsByName(
  graph: Graph,
  kind: 'inputs' | 'outputs',
  interpreterNames: readonly string[],
): number[] {
  const sg = graph.subgraphs[0]!;
  const indices = sg[kind];
  const signature = graph.signatures.find((s) => s.subgraphIndex === 0);
  const positions = interpreterNames.map((name) => {
    const alias = signature?.[kind].find((s) => s.name === name);
    const tensorIndex = alias ? alias.tensorIndex : indices.find((i) => sg.tensors[i]!.name === name);
    return tensorIndex === undefined ? -1 : indices.indexOf(tensorIndex);
  });
  const unique = new Set(positions);
  if (positions.length === indices.length && !unique.has(-1) && unique.size === positions.length) return positions;
  const declared = indices.map((i) => {
    const aliases = signature?.[kind].filter((s) => s.tensorIndex === i).map((s) => s.name) ?? [];
    return [sg.tensors[i]!.name, ...aliases].map((n) => `"${n}"`).join(' / ');
  });
  throw new ModelError(
    `the interpreter names the model's ${kind} ${interpreterNames.map((n) => `"${n}"`).join(', ')}; ` +
      `the model declares ${declared.join(', ')}: they do not match one to one, so values cannot be matched by name`,
  );
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'number') return `wasm exception ${error}`;
  // A failed <script> or worker load rejects with its DOM event, which prints as "[object Event]".
  if (typeof Event === 'function' && error instanceof Event) {
    const target = error.target as { src?: string; url?: string } | null;
    const what = target?.src || target?.url;
    return `${error.type} event${what ? ` loading ${what}` : ''}`;
  }
  return String(error);
}
