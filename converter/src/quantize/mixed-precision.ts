import { writeModel, type Graph } from '@borde/tflite';
import type { TensorValue } from '../verify/tensor-value.js';
import { judgeBudget, type BudgetVerdict, type QualityBudget } from './budget.js';
import { evaluateQuantized, type EvaluationSource, type QuantizedEvaluation } from './evaluate.js';
import type { FloatOutputs } from './float-outputs.js';
import { layerErrors } from './layer-error.js';
import { int8Rule } from './op-rules.js';
import { quantizeInt8, type Int8Options, type Int8Result } from './quantize-int8.js';
import type { Range } from './ranges.js';
import { outputTensorsByName } from './model-io.js';
import { measureOpChoices, type ChoiceLatency } from './op-latency.js';
import { hasInt16Kernel } from './op-rules.js';

/** One op the search took out of int8 (to float, or to int16 activations), with what its int8 form cost. */
export interface KeptFloat {
  index: number;
  opcode: string;
  name: string;
  /** What the op runs in now: float, or int16 activations with int8 weights (TFLite's 16x8 kernels). */
  precision: 'float' | 'int16';
  /** SQNR lost across the op in int8 (its inputs' SQNR minus its output's), in dB, where that is why. */
  sqnrDropDb?: number;
  /** LiteRT latency of the op in each precision (ms per run, the op alone between int8 tensors), where measured. */
  latencyMs?: ChoiceLatency;
  reason: string;
}

export interface MixedPrecisionResult extends Int8Result {
  bytes: Uint8Array;
  evaluation: QuantizedEvaluation;
  verdict: BudgetVerdict;
  kept: KeptFloat[];
  /** Size of the all-int8 file the search started from. */
  int8Bytes: number;
  rounds: number;
}

export type MixedPrecisionTarget = 'fastest' | 'int16' | 'float';

/** int16 must beat float by this factor to be chosen: float is exact, and sub-millisecond timings are noisy. */
const INT16_MARGIN = 0.8;

/** SQNR given to tensors that are not measured as int8 (model inputs, float tensors): clean enough. */
const CLEAN_DB = 60;
/** SQNR kept within +-CLEAN_DB, so a silent tensor (no signal: -Infinity) cannot make a drop NaN. */
const clampDb = (db: number): number => Math.max(-CLEAN_DB, Math.min(CLEAN_DB, db));
/** Rounds of the greedy search; each round re-quantizes and re-evaluates the model once. */
const MAX_ROUNDS = 24;
/** Every GROWTH rounds the search moves one more op per round. */
const GROWTH = 3;
/** Samples used for the per-layer ranking (the budget is always judged on all held-out samples). */
const RANKING_SAMPLES = 16;

export interface MixedPrecisionInput {
  floatGraph: Graph;
  /** The float model, whose outputs on the judged samples are run once for every round. */
  float: FloatOutputs;
  ranges: Map<number, Range>;
  options: Int8Options;
  budget: QualityBudget;
  samples: TensorValue[][];
  labels: number[] | undefined;
  on: EvaluationSource;
  logits: ReadonlySet<string>;
  /** Where an op out of int8 goes: the faster of int16 and float in LiteRT (default), or always one of them. */
  target?: MixedPrecisionTarget;
  /** Told once per round: what moved out of int8 and what still misses. */
  progress?: (message: string) => void;
  /** The all-int8 model and its evaluation, already made. */
  start: Int8Result & { bytes: Uint8Array; evaluation: QuantizedEvaluation };
}

/**
 * Automatic mixed precision (issue #10): while an output misses the budget, rank the int8 ops feeding the
 * failing outputs by the SQNR they lose (the per-layer error of TFLite's quantization debugger, as the drop
 * from an op's inputs to its output), keep the worst in float (DEQUANTIZE/QUANTIZE around it, with the ops
 * that only pass its input's scale through, since the scale was set there), and judge again.
 */
export async function searchMixedPrecision(input: MixedPrecisionInput): Promise<MixedPrecisionResult> {
  const { floatGraph, float, ranges, options, budget, samples, labels, on, logits, start } = input;
  const target = input.target ?? 'fastest';
  const sub = floatGraph.subgraphs[0]!;
  const producer = new Map<number, number>();
  sub.operators.forEach((op, i) => op.outputs.forEach((o) => producer.set(o, i)));
  const outputTensor = outputTensorsByName(floatGraph);

  let current: Int8Result & { bytes: Uint8Array; evaluation: QuantizedEvaluation } = start;
  let verdict = judgeBudget(start.evaluation, budget);
  const keep = new Map<number, string>();
  const int16 = new Map<number, string>();
  const kept: KeptFloat[] = [];
  /** The record of each op the search changed, so an int16 op moved on to float is listed once. */
  const record = (entry: KeptFloat) => {
    const at = kept.findIndex((k) => k.index === entry.index);
    if (at >= 0) kept.splice(at, 1);
    kept.push(entry);
  };
  let rounds = 0;
  /**
   * int16 where TFLite has the kernel, the op is still int8, and int16 runs clearly faster than float in
   * LiteRT (float is exact, so it wins a tie); an op already int16 (or in a 16x8 model) goes float. Latency
   * is measured per op in LiteRT either way, for the report.
   */
  const choosePrecision = async (index: number): Promise<{ precision: 'float' | 'int16'; latencyMs?: ChoiceLatency }> => {
    const op = sub.operators[index]!;
    const latencyMs = await measureOpChoices(floatGraph, ranges, index, options);
    const int16Possible = options.activations !== 'int16' && !int16.has(index) && hasInt16Kernel(op.opcode);
    if (!int16Possible || latencyMs.int16 === undefined || target === 'float') return { precision: 'float', latencyMs };
    if (target === 'int16') return { precision: 'int16', latencyMs };
    return { precision: latencyMs.int16 < INT16_MARGIN * latencyMs.float ? 'int16' : 'float', latencyMs };
  };
  while (!verdict.passed && rounds < MAX_ROUNDS) {
    rounds++;
    // Error and agreement misses are ranked by SQNR lost; a coarse decision step is fixed at the output's head.
    const failing = new Set(verdict.misses.filter((m) => m.measure !== 'decisionStep').map((m) => m.output));
    const cone = ancestors(floatGraph, [...failing].map((n) => outputTensor.get(n)).filter((t): t is number => t !== undefined), producer);
    const sqnr = new Map((await layerErrors(floatGraph, current.graph, current.tensorMap, samples.slice(0, RANKING_SAMPLES)))
      .map((l) => [l.tensor, clampDb(l.sqnrDb)]));
    const alreadyFloat = new Set([...current.floatOps, ...current.inputBoundaryOps].map((f) => f.index));
    const candidates: { index: number; drop: number }[] = [];
    for (const index of failing.size > 0 ? cone : []) {
      if (alreadyFloat.has(index)) continue;
      const op = sub.operators[index]!;
      const out = sqnr.get(op.outputs[0]!);
      if (out === undefined) continue;
      const activations = op.inputs.filter((i) => i >= 0 && !sub.tensors[i]!.data);
      const inSqnr = Math.min(CLEAN_DB, ...activations.map((i) => sqnr.get(i) ?? CLEAN_DB));
      candidates.push({ index, drop: inSqnr - out });
    }
    // One op per round at first (small models end with the fewest ops moved); deep models need more per round
    // to converge within MAX_ROUNDS: the k worst, k growing by one every GROWTH rounds.
    const worst = candidates.sort((a, b) => b.drop - a.drop).slice(0, Math.ceil(rounds / GROWTH));
    // A decision step too coarse is the output's own int8 scale: its head (back to the weighted ops) leaves int8.
    const coarse = verdict.misses.filter((m) => m.measure === 'decisionStep').map((m) => outputTensor.get(m.output)).filter((t): t is number => t !== undefined);
    for (const index of head(floatGraph, coarse, producer)) {
      if (keep.has(index) || alreadyFloat.has(index)) continue;
      const op = sub.operators[index]!;
      const { precision, latencyMs } = await choosePrecision(index);
      const reason = `it computes a score or logit output whose ${int16.has(index) ? 'int16' : 'int8'} step is too coarse near p = 0.5`;
      (precision === 'float' ? keep : int16).set(index, `${precision === 'float' ? 'kept float' : 'given int16 activations'} by the mixed-precision search: ${reason}`);
      if (precision === 'float') int16.delete(index);
      record({ index, opcode: op.opcode, name: sub.tensors[op.outputs[0]!]!.name, precision, latencyMs, reason });
    }
    if (worst.length === 0 && coarse.length === 0) break;
    for (const best of worst) {
      const { precision, latencyMs } = await choosePrecision(best.index);
      const chosen = sub.tensors[sub.operators[best.index]!.outputs[0]!]!.name;
      const why = target !== 'fastest' || latencyMs?.int16 === undefined ? ''
        : precision === 'float' ? '; float is exact and int16 is not clearly faster in LiteRT' : '; int16 runs faster than float in LiteRT here';
      for (const index of scaleChain(floatGraph, best.index, producer)) {
        if (keep.has(index) || alreadyFloat.has(index) || (precision === 'int16' && int16.has(index))) continue;
        const op = sub.operators[index]!;
        const name = sub.tensors[op.outputs[0]!]!.name;
        const reason = index === best.index
          ? `int8 lost ${best.drop.toFixed(1)} dB of SQNR here${why}`
          : `it sets the int8 scale of '${chosen}', which lost ${best.drop.toFixed(1)} dB`;
        const verb = precision === 'float' ? 'kept float' : 'given int16 activations';
        (precision === 'float' ? keep : int16).set(index, `${verb} by the mixed-precision search: ${reason}`);
        if (precision === 'float') int16.delete(index);
        record({
          index, opcode: op.opcode, name, precision,
          ...(index === best.index ? { sqnrDropDb: best.drop, ...(latencyMs ? { latencyMs } : {}) } : {}),
          reason,
        });
      }
    }
    const result = quantizeInt8(floatGraph, ranges, { ...options, keepFloat: keep, int16Ops: new Set(int16.keys()) });
    const bytes = writeModel(result.graph);
    const evaluation = await evaluateQuantized(float, { bytes, graph: result.graph }, samples, labels, on, logits);
    current = { ...result, bytes, evaluation };
    verdict = judgeBudget(evaluation, budget);
    input.progress?.(`round ${rounds}: ${keep.size} op(s) float, ${int16.size} int16; ` +
      (verdict.passed ? 'the budget holds' : `still missing: ${verdict.misses.map((m) => `${m.output} ${m.measure}`).join(', ')}`));
  }
  return { ...current, verdict, kept, int8Bytes: start.bytes.byteLength, rounds };
}

/** The op and the producers whose scale it only passes on (reshape, slice, pooling...), nearest first. */
function scaleChain(graph: Graph, index: number, producer: Map<number, number>): number[] {
  const sub = graph.subgraphs[0]!;
  const chain = [index];
  for (let op = sub.operators[index]!; int8Rule(op.opcode, { perChannelDense: false })?.kind === 'same-as-input';) {
    const before = producer.get(op.inputs[0]!);
    if (before === undefined) break;
    chain.push(before);
    op = sub.operators[before]!;
  }
  return chain;
}

/** The ops computing the given tensors back to (and including) the nearest weighted ops on every path. */
function head(graph: Graph, tensors: number[], producer: Map<number, number>): number[] {
  const sub = graph.subgraphs[0]!;
  const found: number[] = [];
  const stack = [...tensors];
  while (stack.length) {
    const index = producer.get(stack.pop()!);
    if (index === undefined || found.includes(index)) continue;
    found.push(index);
    const op = sub.operators[index]!;
    if (int8Rule(op.opcode, { perChannelDense: false })?.kind === 'weighted') continue;
    stack.push(...op.inputs.filter((i) => i >= 0 && !sub.tensors[i]!.data));
  }
  return found;
}

/** Every operator index that the given tensors depend on. */
function ancestors(graph: Graph, tensors: number[], producer: Map<number, number>): Set<number> {
  const sub = graph.subgraphs[0]!;
  const seen = new Set<number>();
  const stack = [...tensors];
  while (stack.length) {
    const op = producer.get(stack.pop()!);
    if (op === undefined || seen.has(op)) continue;
    seen.add(op);
    stack.push(...sub.operators[op]!.inputs.filter((i) => i >= 0));
  }
  return seen;
}
