import { elementCount, readModel, verifyGraph, type Graph } from '@borde/tflite';
import type { KernelCheck } from './backends.js';
import { parseRequest, rankAuto, rankExplicit, type BackendRequest, type RankedCandidate } from './choose.js';
import { loadLiteRtEngine } from './engines/litert-engine.js';
import { loadTfjsEngine } from './engines/tfjs-engine.js';
import { loadTfjsTfliteEngine } from './engines/tfjs-tflite-engine.js';
import { describeError, type EngineLoadContext, type LoadedEngine, type TensorArray } from './engines/engine.js';
import { assetGroupOf, missingAssets } from './asset-check.js';
import { watchEngineDownloads } from './engine-downloads.js';
import { defaultAssetBase } from './assets.js';
import {
  AssetError, BackendError, ModelError, UnsupportedOpError, type BackendAttempt, type MissingAsset, type UnsupportedOp,
} from './errors.js';
import { DEFAULT_MEASURE, recallChoice, rememberChoice, trialSettings, type MeasureSettings, type RememberedChoice } from './measure.js';
import { LoadedModel, type Model, type ModelPlan, type PlanCandidate } from './model.js';
import { sha256Hex, type ModelSource, type SourceProgress } from './model-source.js';
import { readModelSourceCached, type ModelCacheOption } from './cache/cached-source.js';
import { opTable, type OpModule } from './ops/index.js';
import { deviceKey, probeDevice, probeWebGpu, type DeviceProbe } from './probe.js';
import { arrayTypeOf, checkInputMode, type InputCheckMode } from './tensor-io.js';
import { timeInTurns } from './trial.js';

export interface LoadProgress extends SourceProgress {
  phase: 'model' | 'engine';
  /** The file being downloaded (the model's URL is absent for bytes passed in). */
  url?: string;
}

export interface LoadModelOptions {
  /**
   * 'auto' (default): probe the device and rank engines/backends for this model. A backend name or an
   * ordered list is honoured or fails with BackendError listing every attempt (never a silent switch).
   */
  backend?: BackendRequest;
  /**
   * Time the top candidates on this model, in turns, and keep the fastest; remembered per model hash and
   * device, so the next load with `measure` loads the winner only. Default false: the static ranking.
   */
  measure?: boolean | Partial<MeasureSettings>;
  /**
   * Base URL (browser) or folder (Node) of the engines' wasm/js files; see ENGINE_ASSETS. When an engine's
   * files cannot be fetched from it, loadModel throws AssetError naming each missing URL unless another engine
   * loads: with 'auto' only the other wasm engines are tried then (never a GPU backend or the cpu, which could be
   * a software GPU), with an explicit list every entry.
   */
  assets?: string | URL;
  /**
   * Download progress: the model (`phase: 'model'`), then each engine file the chosen engine fetches from the
   * assets base (`phase: 'engine'`, with its `url`; browsers and workers). `total` is undefined when the server
   * sends no usable Content-Length.
   */
  onProgress?: (progress: LoadProgress) => void;
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

/** Median ms per run of each timed candidate: "tfjs-tflite 0.006 ms, litert-wasm 0.027 ms". */
function figures(attempts: readonly Attempted[]): string {
  const timed = attempts.filter((a) => a.ms !== undefined).sort((x, y) => x.ms! - y.ms!);
  return timed.map((a) => `${a.candidate.backend} ${a.ms! < 1 ? a.ms!.toFixed(3) : a.ms!.toFixed(2)} ms`).join(', ') + ' per run';
}

function sameCandidate(a: Attempted, c: Pick<RememberedChoice, 'engine' | 'backend'>): boolean {
  return a.candidate.engine === c.engine && a.candidate.backend === c.backend;
}

interface Attempted {
  candidate: RankedCandidate;
  ok: boolean;
  reason: string;
  ms?: number;
  unsupported?: UnsupportedOp[];
  /** Its wasm/js files that could not be fetched, when that is why it failed. */
  missing?: MissingAsset[];
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
  const onProgress = options.onProgress;
  const modelUrl = typeof source === 'string' || source instanceof URL ? String(source) : undefined;
  const bytes = await readModelSourceCached(source, options.cache, {
    onProgress: onProgress && ((p) => onProgress({ ...p, phase: 'model', ...(modelUrl ? { url: modelUrl } : {}) })),
    signal: options.signal,
  });
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
  const measure = options.measure ? { ...DEFAULT_MEASURE, ...(typeof options.measure === 'object' ? options.measure : {}) } : undefined;
  // 'auto' ranks WebGPU below the wasm engines, so its adapter request (a console warning in Chromium when
  // there is none) waits until a candidate at or below WebGPU's rank is next to try. Measuring probes it at
  // once: the remembered-choice key (deviceKey) names the adapter.
  const deferWebGpu = !options.device && request === 'auto' && !measure;
  const device: DeviceProbe = options.device ?? { ...(await probeDevice({ webgpu: !deferWebGpu })) };
  const table = opTable(options.ops);
  const ranked = request === 'auto' ? rankAuto(graph, device, table) : rankExplicit(graph, device, table, request);
  const assetBase = options.assets === undefined ? defaultAssetBase() : String(options.assets);
  const context: EngineLoadContext = {
    graph,
    bytes,
    probe: device,
    assets: options.assets === undefined ? undefined : String(options.assets),
    hasKernel: options.hasKernel,
    ops: options.ops,
  };

  const attemptOf = (candidate: RankedCandidate): Attempted => ({
    candidate,
    ok: !candidate.skip,
    reason: candidate.skip ? `not usable: ${candidate.skip}` : candidate.reason,
    tried: false,
    ...(candidate.unsupported ? { unsupported: candidate.unsupported } : {}),
  });
  let attempts: Attempted[] = ranked.map(attemptOf);
  let order = attempts.filter((a) => a.ok);
  let modelHash: string | undefined;
  let decidedBy: ModelPlan['decidedBy'] = 'ranked';
  let decidedHow = '';
  if (measure) {
    modelHash = await sha256Hex(bytes);
    const remembered = await recallChoice(modelHash, deviceKey(device));
    const match = remembered && order.find((a) => sameCandidate(a, remembered));
    if (match && remembered) {
      order = [match, ...order.filter((a) => a !== match)];
      for (const a of attempts) {
        const ms = (remembered.timed ?? [remembered]).find((t) => sameCandidate(a, t))?.ms;
        if (ms !== undefined) a.ms = ms;
      }
      decidedBy = 'remembered';
      decidedHow = `remembered as the fastest on this device for this model (${figures(attempts)}, measured ${remembered.at})`;
    }
  }

  const tryLoad = async (a: Attempted): Promise<LoadedEngine | undefined> => {
    throwIfAborted(options.signal);
    a.tried = true;
    try {
      if (!onProgress || device.platform === 'node') return await loadEngine(context, a.candidate);
      const base = new URL(assetBase, (globalThis as { location?: { href: string } }).location?.href).href;
      return await watchEngineDownloads(base, (d) => onProgress({ phase: 'engine', ...d }), () => loadEngine(context, a.candidate));
    } catch (error) {
      a.ok = false;
      const said = describeError(error).split('\n').join(' ');
      a.reason = `load failed: ${said}`;
      const missing = await missingAssets(a.candidate.backend, device, assetBase);
      if (missing.length > 0) {
        a.missing = missing;
        a.reason = `load failed: its files cannot be fetched (${missing.map((m) => `${m.url}: ${m.detail}`).join('; ')}); the engine said: ${said}`;
        return undefined;
      }
      const blamed = blamedOps(graph, a.candidate, error);
      if (blamed) a.unsupported = blamed;
      return undefined;
    }
  };
  // Once an engine's files are missing, 'auto' tries only the other engines that load files (an app may ship
  // some engines and not others), never a GPU backend or the cpu: the next one could be a software GPU or the
  // cpu (10-60x slower), and a build without its engine files must fail the same way on every device, not only
  // where no hardware GPU hides it. AssetError when none of them loads.
  const skippedForMissing = (a: Attempted) =>
    request === 'auto' && assetGroupOf(a.candidate.backend) === undefined && attempts.some((x) => x.missing !== undefined);

  let chosen: { attempt: Attempted; engine: LoadedEngine } | undefined;
  if (measure && decidedBy !== 'remembered') {
    // Load the top candidates that work, time them on this model in turns, keep the fastest.
    const loaded: { attempt: Attempted; engine: LoadedEngine }[] = [];
    for (const a of order) {
      if (loaded.length >= measure.top) break;
      if (skippedForMissing(a)) continue;
      const engine = await tryLoad(a);
      if (engine) loaded.push({ attempt: a, engine });
    }
    try {
      if (loaded.length === 0) throw new Error('no candidate loaded');
      const result = await timeInTurns(loaded.map((t) => t.engine), timingInputs(graph), trialSettings(measure));
      loaded.forEach((t, i) => (t.attempt.ms = result.medianMs[i]));
      chosen = loaded[result.fastest];
      decidedHow = `fastest of the ${loaded.length} candidates timed on this model (${figures(attempts)}; ` +
        `${result.rounds} interleaved rounds in ${result.spentMs.toFixed(0)} ms)`;
    } catch (error) {
      // None loaded (the loop below reports why), or one cannot run what it loaded: nothing is kept on a
      // measurement that did not finish.
      for (const t of loaded) {
        t.attempt.ok = false;
        t.attempt.reason = `run failed while measuring: ${describeError(error)}`;
      }
    }
    if (chosen) {
      decidedBy = 'measured';
      await rememberChoice(modelHash!, deviceKey(device), {
        engine: chosen.attempt.candidate.engine,
        backend: chosen.attempt.candidate.backend,
        ms: chosen.attempt.ms!,
        at: new Date().toISOString(),
        timed: loaded.map((t) => ({ engine: t.attempt.candidate.engine, backend: t.attempt.candidate.backend, ms: t.attempt.ms! })),
      });
    }
    for (const t of loaded) if (t !== chosen) t.engine.dispose();
  }
  // Probes WebGPU once a candidate ranked at or below it is next, then ranks again (the adapter may be a
  // hardware one, ranked before WebGL, or software, after it); what was tried keeps its outcome.
  const webGpuDue = (a: Attempted) =>
    device.webgpu.deferred === true && attempts.indexOf(a) > attempts.findIndex((x) => x.candidate.backend === 'webgpu');
  const probeWebGpuAndRerank = async () => {
    device.webgpu = await probeWebGpu();
    attempts = rankAuto(graph, device, table).map((c) => attempts.find((a) => a.tried && sameCandidate(a, c)) ?? attemptOf(c));
    order = attempts.filter((a) => a.ok);
  };
  if (!chosen) {
    for (let i = 0; i < order.length; i++) {
      const a = order[i]!;
      if (a.tried || skippedForMissing(a)) continue;
      if (webGpuDue(a)) {
        await probeWebGpuAndRerank();
        i = -1;
        continue;
      }
      const engine = await tryLoad(a);
      if (engine) {
        chosen = { attempt: a, engine };
        break;
      }
      if (decidedBy === 'remembered' && a === order[0]) decidedBy = 'ranked';
    }
  }

  if (!chosen) throw loadFailure(attempts, assetBase, request !== 'auto');
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
  const why = decidedBy === 'ranked' ? chosen.attempt.reason : `${decidedHow}; ranked before timing: ${chosen.attempt.reason}`;
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
 * No candidate loaded. When an engine's files could not be fetched, that is an AssetError naming them. When the model's ops are the only reason (every candidate that could be tried was
 * refused for its ops), that is an UnsupportedOpError listing every op; otherwise a BackendError listing
 * every attempt.
 */
function loadFailure(attempts: readonly Attempted[], assetBase: string, explicitList: boolean): Error {
  const missing = attempts.flatMap((a) => a.missing ?? []);
  if (missing.length > 0) {
    const list: BackendAttempt[] = attempts.map((a) => ({
      backend: `${a.candidate.engine}/${a.candidate.backend}`,
      ok: false,
      reason: a.tried || a.candidate.skip ? a.reason : "not tried: after missing engine files, 'auto' tries only the other wasm engines",
    }));
    return new AssetError(missing, assetBase, list, explicitList);
  }
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
