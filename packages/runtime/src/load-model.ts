import { elementCount, readModel, verifyGraph, type Graph } from '@borde/tflite';
import type { KernelCheck } from './backends.js';
import { parseRequest, rankAuto, rankExplicit, type BackendRequest, type RankedCandidate } from './choose.js';
import { loadLiteRtEngine } from './engines/litert-engine.js';
import { loadTfjsEngine } from './engines/tfjs-engine.js';
import { loadTfjsTfliteEngine } from './engines/tfjs-tflite-engine.js';
import { describeError, type EngineLoadContext, type LoadedEngine, type TensorArray } from './engines/engine.js';
import { BackendError, ModelError, UnsupportedOpError, type BackendAttempt, type UnsupportedOp } from './errors.js';
import { DEFAULT_MEASURE, recallChoice, rememberChoice, timeEngine, type MeasureSettings } from './measure.js';
import { LoadedModel, type Model, type ModelPlan, type PlanCandidate } from './model.js';
import { sha256Hex, type ModelSource, type SourceProgress } from './model-source.js';
import { readModelSourceCached, type ModelCacheOption } from './cache/cached-source.js';
import { opTable, type OpModule } from './ops/index.js';
import { deviceKey, probeDevice, type DeviceProbe } from './probe.js';
import { arrayTypeOf, checkInputMode, type InputCheckMode } from './tensor-io.js';

export interface LoadModelOptions {
  /**
   * 'auto' (default): probe the device and rank engines/backends for this model. A backend name or an
   * ordered list is honoured or fails with BackendError listing every attempt (never a silent switch).
   */
  backend?: BackendRequest;
  /** Time the top candidates on this model and keep the fastest; remembered per model hash and device. */
  measure?: boolean | Partial<MeasureSettings>;
  /** Base URL (browser) or folder (Node) of the engines' wasm/js files; see ENGINE_ASSETS. */
  assets?: string | URL;
  onProgress?: (progress: SourceProgress) => void;
  signal?: AbortSignal;
  /**
   * Keep the model in Cache Storage, verified by sha256 before every use (see fetchModel): `true` (hash from
   * `<model URL>.sha256.json`) or `{ sha256 }`. A tampered or truncated copy is never run.
   */
  cache?: ModelCacheOption;
  /** A device probe to use instead of probing (tests; or an app that probed once already). */
  device?: DeviceProbe;
  /** tfjs engine: kernel check (tests hold kernels back with it). */
  hasKernel?: KernelCheck;
  /** tfjs engine: op modules instead of the built-in table (e.g. to add a custom op). */
  ops?: readonly OpModule[];
  /**
   * 'finite' (default): run() rejects NaN or ±Infinity in a float input with an InputError naming the input
   * and the first bad element (one plain loop over each float input per run). 'none': no scan.
   */
  checkInputs?: InputCheckMode;
}

const now = (): number => (globalThis.performance ?? Date).now();

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('loadModel was aborted', 'AbortError');
}

function loadEngine(context: EngineLoadContext, c: RankedCandidate): Promise<LoadedEngine> {
  switch (c.backend) {
    case 'tfjs-tflite': return loadTfjsTfliteEngine(context);
    case 'litert-wasm': return loadLiteRtEngine(context);
    default: return loadTfjsEngine(context, c.backend);
  }
}

/** Whether `text` names `opcode` as a whole word: CONV_2D is not named by "DEPTHWISE_CONV_2D". */
function namesOp(text: string, opcode: string): boolean {
  const escaped = opcode.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`).test(text);
}

/** Ops the failure of an attempt blames, when the model's ops are why it failed. */
function blamedOps(graph: Graph, c: RankedCandidate, error: unknown): UnsupportedOp[] | undefined {
  if (error instanceof UnsupportedOpError) return error.ops;
  const text = describeError(error);
  if (c.engine === 'interpreter' && /custom op|unresolved|Didn't find op|not supported/i.test(text)) {
    const ops = graph.subgraphs[0]!.operators;
    const named = ops.flatMap((op, index) => {
      const opcode = op.opcode === 'CUSTOM' ? op.customCode ?? 'CUSTOM' : op.opcode;
      return namesOp(text, opcode) || op.opcode === 'CUSTOM' ? [{ index, opcode, reason: 'refused by the interpreter at load' }] : [];
    });
    return named.length > 0 ? named : undefined;
  }
  return undefined;
}

/** Seeded-free deterministic inputs for timing: mid-range values of each input's type. */
function timingInputs(graph: Graph): TensorArray[] {
  const sg = graph.subgraphs[0]!;
  return sg.inputs.map((i) => {
    const t = sg.tensors[i]!;
    const n = elementCount(t.shape);
    const ctor = arrayTypeOf(t.dtype);
    if (ctor && ctor !== Float32Array) return new ctor(n);
    return Float32Array.from({ length: n }, (_, k) => ((k * 7919) % 1000) / 1000);
  });
}

interface Attempted {
  candidate: RankedCandidate;
  ok: boolean;
  reason: string;
  ms?: number;
  unsupported?: UnsupportedOp[];
  tried: boolean;
}

/**
 * Loads a TFLite model and picks where it runs. `source`: URL (string or URL; in Node also a file path or
 * file: URL), Uint8Array or ArrayBuffer. See the package README for engines, choice and errors.
 */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<Model> {
  const start = now();
  const request = parseRequest(options.backend);
  const checkInputs = checkInputMode(options.checkInputs);
  const bytes = await readModelSourceCached(source, options.cache, { onProgress: options.onProgress, signal: options.signal });
  let graph: Graph;
  try {
    graph = readModel(bytes);
  } catch (cause) {
    throw new ModelError(`the model is not a valid TFLite file: ${describeError(cause)}`, { cause });
  }
  if (!graph.subgraphs[0]) throw new ModelError('the model has no subgraph');
  try {
    // Semantics before any engine sees the model; custom ops without a rule are left to the engines (and
    // to `options.ops`), which name them when they cannot run them.
    verifyGraph(graph, { unknownCustomOps: 'allow' });
  } catch (cause) {
    throw new ModelError(`the model fails verification: ${describeError(cause)}`, { cause });
  }
  throwIfAborted(options.signal);
  const device = options.device ?? (await probeDevice());
  const table = opTable(options.ops);
  const ranked = request === 'auto' ? rankAuto(graph, device, table) : rankExplicit(graph, device, table, request);
  const context: EngineLoadContext = {
    graph,
    bytes,
    probe: device,
    assets: options.assets === undefined ? undefined : String(options.assets),
    hasKernel: options.hasKernel,
    ops: options.ops,
  };

  const attempts: Attempted[] = ranked.map((candidate) => ({
    candidate,
    ok: !candidate.skip,
    reason: candidate.skip ? `not usable: ${candidate.skip}` : candidate.reason,
    tried: false,
    ...(candidate.unsupported ? { unsupported: candidate.unsupported } : {}),
  }));

  const measure = options.measure ? { ...DEFAULT_MEASURE, ...(typeof options.measure === 'object' ? options.measure : {}) } : undefined;
  let modelHash: string | undefined;
  let order = attempts.filter((a) => a.ok);
  let decidedBy: ModelPlan['decidedBy'] = 'ranked';
  if (measure) {
    modelHash = await sha256Hex(bytes);
    const remembered = await recallChoice(modelHash, deviceKey(device));
    const match = remembered && order.find((a) => a.candidate.engine === remembered.engine && a.candidate.backend === remembered.backend);
    if (match && remembered) {
      order = [match, ...order.filter((a) => a !== match)];
      match.ms = remembered.ms;
      decidedBy = 'remembered';
    }
  }

  const tryLoad = async (a: Attempted): Promise<LoadedEngine | undefined> => {
    throwIfAborted(options.signal);
    a.tried = true;
    try {
      return await loadEngine(context, a.candidate);
    } catch (error) {
      a.ok = false;
      a.reason = `load failed: ${describeError(error).split('\n').join(' ')}`;
      const blamed = blamedOps(graph, a.candidate, error);
      if (blamed) a.unsupported = blamed;
      return undefined;
    }
  };

  let chosen: { attempt: Attempted; engine: LoadedEngine } | undefined;
  if (measure && decidedBy !== 'remembered') {
    // Load the top candidates that work, time each on this model, keep the fastest.
    const timed: { attempt: Attempted; engine: LoadedEngine }[] = [];
    const inputs = timingInputs(graph);
    for (const a of order) {
      if (timed.length >= measure.top) break;
      const engine = await tryLoad(a);
      if (!engine) continue;
      try {
        a.ms = await timeEngine(engine, inputs, measure);
        timed.push({ attempt: a, engine });
      } catch (error) {
        engine.dispose();
        a.ok = false;
        a.reason = `run failed while measuring: ${describeError(error)}`;
      }
    }
    timed.sort((x, y) => x.attempt.ms! - y.attempt.ms!);
    chosen = timed[0];
    for (const t of timed.slice(1)) t.engine.dispose();
    if (chosen) {
      decidedBy = 'measured';
      await rememberChoice(modelHash!, deviceKey(device), {
        engine: chosen.attempt.candidate.engine,
        backend: chosen.attempt.candidate.backend,
        ms: chosen.attempt.ms!,
        at: new Date().toISOString(),
      });
    }
  } else {
    for (const a of order) {
      const engine = await tryLoad(a);
      if (engine) {
        chosen = { attempt: a, engine };
        break;
      }
      if (decidedBy === 'remembered' && a === order[0]) decidedBy = 'ranked';
    }
  }

  if (!chosen) throw loadFailure(attempts);
  if (options.signal?.aborted) {
    chosen.engine.dispose();
    throwIfAborted(options.signal);
  }

  const candidates: PlanCandidate[] = attempts.map((a) => ({
    engine: a.candidate.engine,
    backend: a.candidate.backend,
    ok: a.ok,
    reason: a === chosen!.attempt || !a.ok || a.tried ? a.reason : `${a.reason} (not loaded: a better-ranked candidate loaded)`,
    ...(a.ms !== undefined ? { ms: a.ms } : {}),
  }));
  const why = decidedBy === 'measured'
    ? `fastest of the ${candidates.filter((c) => c.ms !== undefined).length} candidates timed on this model (${chosen.attempt.ms!.toFixed(2)} ms median); ${chosen.attempt.reason}`
    : decidedBy === 'remembered'
      ? `remembered as the fastest on this device for this model (${chosen.attempt.ms?.toFixed(2)} ms when measured); ${chosen.attempt.reason}`
      : chosen.attempt.reason;
  const plan: ModelPlan = {
    requested: request === 'auto' ? 'auto' : [...request],
    chosen: { engine: chosen.attempt.candidate.engine, backend: chosen.attempt.candidate.backend, reason: why },
    candidates,
    device,
    decidedBy,
    ...(modelHash ? { modelHash } : {}),
    loadMs: now() - start,
  };
  return new LoadedModel(graph, chosen.engine, plan, checkInputs);
}

/**
 * No candidate loaded. When the model's ops are the only reason (every candidate that could be tried was
 * refused for its ops), that is an UnsupportedOpError listing every op; otherwise a BackendError listing
 * every attempt.
 */
function loadFailure(attempts: readonly Attempted[]): Error {
  const opFailures = attempts.filter((a) => a.unsupported);
  const otherFailures = attempts.filter((a) => !a.unsupported && (a.tried || !a.candidate.skip));
  if (opFailures.length > 0 && otherFailures.length === 0) {
    const byIndex = new Map<number, UnsupportedOp>();
    for (const a of opFailures) {
      for (const op of a.unsupported!) {
        const known = byIndex.get(op.index);
        const who = a.candidate.engine === 'tfjs' ? 'tfjs engine' : a.candidate.backend;
        const reason = `${who}: ${op.reason}`;
        if (!known) byIndex.set(op.index, { index: op.index, opcode: op.opcode, reason });
        else if (!known.reason.includes(reason)) known.reason += `; ${reason}`;
      }
    }
    const ops = [...byIndex.values()].sort((x, y) => x.index - y.index);
    const error = new UnsupportedOpError(ops);
    const list = ops.map((o) => `  - operators[${o.index}] ${o.opcode}: ${o.reason}`).join('\n');
    error.message = `${ops.length} operator(s) of this model cannot run on any engine tried (${opFailures.map((a) => a.candidate.backend).join(', ')}):\n${list}\n` +
      'Convert the model without them, or pass ops: [...] with an op module for each (tfjs engine).';
    return error;
  }
  const list: BackendAttempt[] = attempts.map((a) => ({ backend: `${a.candidate.engine}/${a.candidate.backend}`, ok: false, reason: a.reason }));
  const error = new BackendError(list);
  error.message = `no requested engine/backend could load this model:\n${list.map((a) => `  - ${a.backend}: ${a.reason}`).join('\n')}\n` +
    "Pass another `backend` (a name or an ordered list, e.g. ['wasm', 'cpu']), or 'auto'.";
  return error;
}
