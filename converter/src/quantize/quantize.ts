import { writeModel, type Graph } from '@borde/tflite';
import type { ProgressEvent } from '../convert.js';
import type { TensorDType, TensorValue } from '../verify/tensor-value.js';
import { ConverterError } from '../errors.js';
import { prune } from '../passes/prune.js';
import { calibrate, type CalibrationMethod } from './calibrate.js';
import { quantizeDynamicRange } from './dynamic-range.js';
import { evaluateQuantized, type QuantizedEvaluation } from './evaluate.js';
import { FloatOutputs } from './float-outputs.js';
import { layerErrors, type LayerError } from './layer-error.js';
import { quantizeInt8, type FloatFallback, type Int8Options } from './quantize-int8.js';
import { DEFAULT_BUDGET, holdOut, judgeBudget, type BudgetVerdict, type QualityBudget } from './budget.js';
import { searchMixedPrecision, type KeptFloat, type MixedPrecisionTarget } from './mixed-precision.js';
import { samplesFor } from './model-io.js';
import { modelLatencyMs } from './op-latency.js';

/**
 * Model inputs as a data loader needs them: name, dtype and exact shape (batch 1). A non-float input (e.g.
 * MoveNet's int32 image) keeps its dtype: the quantizer leaves it as it is, so its samples must be that dtype.
 */
export interface ModelInput {
  name: string;
  dtype: TensorDType;
  shape: number[];
}

/** Data given directly, or loaded once the model's inputs are known (the CLI loads files this way). */
export type DataSource<T> = T | ((inputs: ModelInput[]) => Promise<T>);

export interface QuantizeOptions {
  /** Representative inputs for full-integer int8 (one list of input tensors per sample). */
  calibration?: DataSource<TensorValue[][]>;
  calibrationMethod?: CalibrationMethod;
  /** For the `percentile` method, e.g. 99.99. */
  percentile?: number;
  /** Model inputs/outputs: float with QUANTIZE/DEQUANTIZE (default), or int8. */
  io?: 'float' | 'int8';
  perChannelDense?: boolean;
  /** Fail when an op must stay float. */
  strict?: boolean;
  /** Labelled held-out data for accuracy; without it, quality is judged on a seeded 20% of the calibration data. */
  evalData?: DataSource<{ samples: TensorValue[][]; labels?: number[] }>;
  /** Dynamic range: weights with fewer elements stay float (default 1024, as TFLite). */
  dynamicMinElements?: number;
  /** Per-output quality budget (defaults: DEFAULT_BUDGET); a model that misses it is refused. */
  budget?: Partial<QualityBudget>;
  /**
   * Outputs that are logits an app turns into decisions with a sigmoid (e.g. a detector's raw scores): their
   * step near p = 0.5 is reported and budgeted (`maxDecisionStep`), as it is for score outputs.
   */
  logitOutputs?: string[];
  /** Keep ops in float, worst first, until the budget holds (default true). */
  mixedPrecision?: boolean;
  /**
   * Where the search moves an op out of int8: 'fastest' (default) gives it int16 activations where TFLite has
   * the kernel and that runs clearly faster than float in LiteRT, else float; 'int16' or 'float' always.
   */
  mixedPrecisionTarget?: MixedPrecisionTarget;
}

export interface QuantizationReport {
  mode: 'int8' | 'int16x8' | 'dynamic';
  method?: CalibrationMethod;
  samples?: number;
  io?: 'float' | 'int8';
  /** Model inputs/outputs parameters when they are int8, so an app can quantize inputs itself. */
  ioParams?: { name: string; scale: number; zeroPoint: number }[];
  /** Ops left in float, with the reason. */
  floatOps: FloatFallback[];
  /** CASTs of int32/uint8 model inputs to float32, then QUANTIZE: the input boundary, not a float fallback (--strict accepts them). */
  inputBoundaryOps?: FloatFallback[];
  /** Dynamic mode: weight tensors stored as int8. */
  quantizedWeights?: string[];
  evaluation?: QuantizedEvaluation;
  /** Per-layer SQNR of int8 activations against float ones, worst first. */
  layers?: Omit<LayerError, 'tensor'>[];
  /** The per-output budget and whether the written model meets it. */
  budget?: BudgetVerdict;
  /** int8 mode, when the all-int8 model missed the budget: what the mixed-precision search kept float. */
  mixedPrecision?: {
    kept: KeptFloat[];
    /** Size of the all-int8 file, and of the mixed one (without the calibration statistics metadata convert() adds). */
    int8Bytes: number;
    bytes: number;
    rounds: number;
  };
  /**
   * Whole-model LiteRT latency, median ms per run on one judged sample: the float model, the all-int8 (or
   * all-int16x8) model, and the mixed one where the search ran.
   */
  latencyMs?: { float: number; quantized: number; mixed?: number };
}

/** Quantizes the verified float graph and measures what it cost against the float model. */
export async function quantize(
  floatGraph: Graph,
  floatBytes: Uint8Array,
  mode: 'int8' | 'int16x8' | 'dynamic',
  options: QuantizeOptions,
  data: ResolvedData,
  progress: (event: ProgressEvent) => void,
): Promise<{ graph: Graph; report: QuantizationReport }> {
  const { calibration, evalData } = data;
  const labels = evalData?.labels;
  const budget: QualityBudget = { ...DEFAULT_BUDGET, ...options.budget };
  const logits = new Set(options.logitOutputs ?? []);
  const float = new FloatOutputs(floatBytes, floatGraph);

  if (mode === 'dynamic') {
    progress({ step: 'quantize', message: 'int8 weights, float activations (dynamic range)' });
    const { graph, quantized } = quantizeDynamicRange(floatGraph, { minElements: options.dynamicMinElements });
    const pruned = prune(graph);
    const report: QuantizationReport = { mode, floatOps: [], quantizedWeights: quantized };
    // Dynamic range calibrates on nothing: every sample given is unseen.
    const evalSamples = evalData?.samples ?? calibration;
    if (evalSamples) {
      progress({ step: 'evaluate', message: `comparing with the float model on ${evalSamples.length} samples` });
      report.evaluation = await evaluateQuantized(float, { bytes: writeModel(pruned), graph: pruned }, evalSamples, labels, evalData ? 'eval' : 'held-out', logits);
      report.budget = judgeBudget(report.evaluation, budget);
    }
    return { graph: pruned, report };
  }

  // Judge on samples the quantizer did not calibrate on: --eval data, else a seeded 20% of the calibration data.
  const split = evalData ? { calibrate: calibration!, judge: evalData.samples, split: true } : holdOut(calibration!);
  const samples = split.calibrate;
  const evalSamples = split.judge;
  const on = evalData ? 'eval' : split.split ? 'held-out' : 'calibration';
  const method = options.calibrationMethod ?? 'minmax';
  progress({ step: 'calibrate', message: `${method} calibration on ${samples.length} samples` });
  const { ranges } = await calibrate(floatGraph, samples, { method, ...(options.percentile ? { percentile: options.percentile } : {}) });
  progress({ step: 'quantize', message: mode === 'int16x8' ? 'int16 activations, int8 weights (TFLite 16x8 mode)' : 'full-integer int8 (TFLite int8 spec)' });
  const int8Options: Int8Options = {
    io: options.io, perChannelDense: options.perChannelDense, strict: options.strict, ...(mode === 'int16x8' ? { activations: 'int16' } : {}),
  };
  const int8 = quantizeInt8(floatGraph, ranges, int8Options);
  const int8Bytes = writeModel(int8.graph);
  progress({ step: 'evaluate', message: `comparing with the float model on ${evalSamples.length} ${on} samples` });
  const evaluation = await evaluateQuantized(float, { bytes: int8Bytes, graph: int8.graph }, evalSamples, labels, on, logits);
  let chosen = { ...int8, bytes: int8Bytes, evaluation, verdict: judgeBudget(evaluation, budget) };
  let mixedPrecision: QuantizationReport['mixedPrecision'];
  if (!chosen.verdict.passed && options.mixedPrecision !== false) {
    progress({ step: 'evaluate', message: 'an output misses the quality budget: keeping the worst ops in float (mixed precision)' });
    const mixed = await searchMixedPrecision({
      floatGraph, float, ranges, options: int8Options, budget, samples: evalSamples, labels, on, logits, start: chosen,
      ...(options.mixedPrecisionTarget ? { target: options.mixedPrecisionTarget } : {}),
      progress: (message) => progress({ step: 'evaluate', message: `mixed precision ${message}` }),
    });
    mixedPrecision = { kept: mixed.kept, int8Bytes: mixed.int8Bytes, bytes: mixed.bytes.byteLength, rounds: mixed.rounds };
    chosen = mixed;
  }
  // What the precision costs in time, in the interpreter the files are judged in (XNNPACK has no 16x8 path).
  const sample = evalSamples[0]!;
  const latencyMs: QuantizationReport['latencyMs'] = {
    float: await modelLatencyMs(floatBytes, sample),
    quantized: await modelLatencyMs(int8Bytes, samplesFor(int8.graph, [sample])[0]!),
    ...(mixedPrecision ? { mixed: await modelLatencyMs(chosen.bytes, samplesFor(chosen.graph, [sample])[0]!) } : {}),
  };
  const { graph, floatOps, inputBoundaryOps, tensorMap } = chosen;
  const sub = graph.subgraphs[0]!;
  const io = options.io ?? 'float';
  const report: QuantizationReport = {
    mode,
    method,
    samples: samples.length,
    io,
    floatOps,
    ...(inputBoundaryOps.length ? { inputBoundaryOps } : {}),
    ...(io === 'int8' ? {
      ioParams: [...sub.inputs, ...sub.outputs].map((i) => {
        const t = sub.tensors[i]!;
        return { name: t.name, scale: t.quantization?.scale[0] ?? 1, zeroPoint: t.quantization?.zeroPoint[0] ?? 0 };
      }),
    } : {}),
  };
  report.evaluation = chosen.evaluation;
  report.latencyMs = latencyMs;
  report.budget = chosen.verdict;
  if (mixedPrecision) report.mixedPrecision = mixedPrecision;
  // The report names layers; tensor indices are internal to the float graph.
  progress({ step: 'evaluate', message: 'per-layer SQNR of the int8 activations against the float ones' });
  report.layers = (await layerErrors(floatGraph, graph, tensorMap, evalSamples.slice(0, 32))).map(({ name, sqnrDb }) => ({ name, sqnrDb }));
  return { graph, report };
}

export function modelInputs(graph: Graph): ModelInput[] {
  const sub = graph.subgraphs[0]!;
  return sub.inputs.map((i) => {
    const t = sub.tensors[i]!;
    return { name: t.name, dtype: inputDType(t.dtype, t.name), shape: t.shape.map((d) => (d < 0 ? 1 : d)) };
  });
}

const SAMPLE_DTYPES: readonly string[] = ['float32', 'int32', 'uint8', 'int8', 'int16', 'int64', 'bool', 'float64'];

/** The dtype samples for an input take; one no data loader can give (string, float16) is refused by name. */
function inputDType(dtype: string, name: string): TensorDType {
  if (SAMPLE_DTYPES.includes(dtype)) return dtype as TensorDType;
  throw new ConverterError('CALIBRATION', `model input '${name}' is ${dtype}, which calibration samples cannot be given as; ` +
    'quantize with --quantize dynamic (no calibration data), or cut the model after this input with --inputs');
}

/** Calibration and evaluation data, loaded for the model's inputs. */
export interface ResolvedData {
  calibration?: TensorValue[][];
  evalData?: { samples: TensorValue[][]; labels?: number[] };
}

/** Loads the data options once the float graph's inputs are known. */
export async function resolveData(graph: Graph, options: QuantizeOptions): Promise<ResolvedData> {
  const inputs = modelInputs(graph);
  const resolve = async <T>(source: DataSource<T> | undefined): Promise<T | undefined> =>
    typeof source === 'function' ? (source as (inputs: ModelInput[]) => Promise<T>)(inputs) : source;
  const calibration = await resolve(options.calibration);
  const evalData = await resolve(options.evalData);
  return { ...(calibration ? { calibration } : {}), ...(evalData ? { evalData } : {}) };
}
