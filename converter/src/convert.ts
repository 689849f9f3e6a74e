import { readModel, summarize, verifyGraph, writeModel, type Graph } from '@borde/tflite';
import { ConverterError } from './errors.js';
import { importSource, type ImportedSource } from './sources/import-source.js';
import type { SourceFormat } from './sources/detect-format.js';
import { optimize } from './passes/index.js';
import { toFloat16Weights } from './passes/float16-weights.js';
import { liteRtRunner } from './verify/interpreter.js';
import { NOISE_FACTOR, verifyOutputs, type VerifyReport } from './verify/verify.js';
import type { TensorValue } from './verify/tensor-value.js';
import { describeMisses } from './quantize/budget.js';
import { quantize, resolveData, type QuantizeOptions, type QuantizationReport } from './quantize/quantize.js';
import { withCalibrationStats } from './metadata/calibration-stats.js';
import { spendTfjsNodeBanner } from './tfjs-quiet.js';

/** float32 (default), float16 weights, dynamic-range int8 weights, or full-integer int8. */
export type QuantizeMode = 'none' | 'float16' | 'dynamic' | 'int8' | 'int16x8';

export interface ConvertOptions extends QuantizeOptions {
  quantize?: QuantizeMode;
  /** Shorthand for `quantize: 'float16'`. */
  float16?: boolean;
  /** Run the written model in the official interpreter against the source model (default true). */
  verify?: boolean;
  /** Seeded samples for verification (default 4). */
  verifySamples?: number;
  /** SavedModel sources: the signature to convert (default `serving_default`). */
  signature?: string;
  /** Static shapes (batch first) for model inputs with unknown dimensions, by input name (CLI --input-shape), in the source's layout (NCHW for ONNX). */
  inputShapes?: Record<string, number[]>;
  /** [height, width] for the unknown spatial dimensions of image inputs (CLI --input-size). */
  imageSize?: [number, number];
  /** Graph models: the node outputs to export (`name` or `name:k`), cutting the graph after them. */
  outputs?: string[];
  /** Graph models: the node outputs that become the model's inputs, cutting the graph before them. */
  inputs?: string[];
  /** ONNX sources: keep rank-4 inputs/outputs NCHW in the written model (default NHWC). */
  keepNchwIo?: boolean;
  /** Return (and let the CLI write) a quantized model that misses the quality budget instead of refusing it. */
  allowDegraded?: boolean;
  /**
   * Store calibration statistics (per input value distribution, per output class or value distribution) in the
   * model's `borde_calibration_stats` metadata when calibration data is given, for @borde/runtime's monitor()
   * (default true; interpreters ignore the entry).
   */
  calibrationStats?: boolean;
  /** Progress of the long steps, for a CLI or a UI. */
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  step: 'import' | 'optimize' | 'data' | 'calibrate' | 'quantize' | 'write' | 'verify' | 'evaluate';
  message: string;
}

export interface ConvertReport {
  source: string;
  format: SourceFormat;
  mode: QuantizeMode;
  sourceBytes: number;
  /** Size of the float32 TFLite file of the same model, the baseline for sizeRatio. */
  float32Bytes: number;
  outputBytes: number;
  /** outputBytes / float32Bytes. */
  sizeRatio: number;
  /** Operator histogram of the written model, e.g. { CONV_2D: 9, ... }. */
  operators: Record<string, number>;
  parameters: number;
  warnings: string[];
  /** The float model against its source (float32 and float16 modes, and the float baseline of int8 modes). */
  verify?: VerifyReport;
  quantization?: QuantizationReport;
  /** Quantized modes with a class-score output: share of its decisions that match the float model's. */
  agreement?: number;
  /** Quantized modes with labelled `evalData`: accuracy of the float and the quantized model. */
  accuracy?: { float: number; int8: number };
  /** The `borde_calibration_stats` metadata entry written: samples it summarises and its size. */
  calibrationStats?: { samples: number; bytes: number };
  /** int8 mode: per-layer SQNR of int8 activations against float ones, worst first. */
  layers?: { name: string; sqnrDb: number }[];
}

export interface ConvertResult {
  bytes: Uint8Array;
  graph: Graph;
  report: ConvertReport;
}

/** Largest allowed error relative to each output's range for the float paths (issue #3). */
export const VERIFY_TOLERANCE = { float32: 1e-4, float16: 1e-2 } as const;

/**
 * Converts a float model (tfjs layers/graph model.json or folder, a SavedModel folder, or a float .tflite)
 * to TFLite and proves it.
 * The float model is always verified against the source in the official interpreter (float16 within 1e-2 of
 * the output range, float32 within 1e-4; VERIFY_FAILED otherwise). Quantized modes then report what
 * quantization cost against that verified float model.
 */
export async function convert(sourcePath: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const progress = options.onProgress ?? (() => {});
  spendTfjsNodeBanner();
  const mode: QuantizeMode = options.quantize ?? (options.float16 ? 'float16' : 'none');
  if (mode === 'int16x8' && options.io === 'int8') {
    throw new ConverterError('INVALID_OPTIONS', '--io int8 is for --quantize int8; int16x8 models take and give float tensors (drop --io)');
  }
  if ((mode === 'int8' || mode === 'int16x8') && !options.calibration) {
    throw new ConverterError('INVALID_OPTIONS', `full-integer ${mode} needs representative data: pass --calibration <images folder | ' +
      '.csv | .json | .npy | .js module> with 100-500 samples, or use --quantize dynamic, which needs none`);
  }

  progress({ step: 'import', message: `importing ${sourcePath}` });
  const source = await importSource(sourcePath, {
    reference: options.verify !== false,
    ...(options.signature !== undefined ? { signature: options.signature } : {}),
    ...(options.inputShapes ? { inputShapes: options.inputShapes } : {}),
    ...(options.imageSize ? { imageSize: options.imageSize } : {}),
    ...(options.outputs ? { outputs: options.outputs } : {}),
    ...(options.inputs ? { inputs: options.inputs } : {}),
    ...(options.keepNchwIo ? { keepNchwIo: true } : {}),
  });
  try {
    progress({ step: 'optimize', message: 'folding batch norms, fusing activations, folding constants' });
    const floatGraph = optimize(source.graph);
    const floatBytes = writeModel(floatGraph);
    if (options.calibration || options.evalData) progress({ step: 'data', message: 'loading the calibration and evaluation data' });
    const data = await resolveData(floatGraph, options);
    // Verification runs on real samples when the user gave any (seeded noise can saturate a classifier's
    // softmax and hide differences), else on seeded inputs.
    const verifyData = (data.evalData?.samples ?? data.calibration)?.slice(0, options.verifySamples ?? 8);

    // The float file this mode verifies (float16 weights for float16), made once: verified, then written as is
    // unless quantization or the drift statistics change it.
    let float = { graph: floatGraph, bytes: floatBytes };
    if (mode === 'float16') {
      const graph16 = toFloat16Weights(floatGraph);
      float = { graph: graph16, bytes: writeModel(graph16) };
    }

    let verify: VerifyReport | undefined;
    if (options.verify !== false) {
      progress({ step: 'verify', message: 'running the float model in the official TFLite interpreter against the source' });
      const precision = mode === 'float16' ? 'float16' : 'float32';
      verify = await verifyAgainstSource(source, float.graph, float.bytes, precision, options.verifySamples ?? 4, verifyData);
    }

    let graph = float.graph;
    let quantization: QuantizationReport | undefined;
    if (mode === 'dynamic' || mode === 'int8' || mode === 'int16x8') {
      const result = await quantize(floatGraph, floatBytes, mode, options, data, progress);
      graph = result.graph;
      quantization = result.report;
    }

    let calibrationStats: ConvertReport['calibrationStats'];
    if (data.calibration && options.calibrationStats !== false) {
      progress({ step: 'calibrate', message: 'recording calibration statistics for drift monitoring' });
      const withStats = await withCalibrationStats(graph, data.calibration);
      graph = withStats.graph;
      calibrationStats = { samples: withStats.stats.samples, bytes: withStats.bytes };
    }

    progress({ step: 'write', message: `writing ${mode === 'none' ? 'float32' : mode} TFLite` });
    const bytes = graph === float.graph ? float.bytes : writeModel(graph);
    const written = readModel(bytes);
    // Every file the converter writes passes the runtime's semantic verifier (a failure is a converter bug).
    verifyGraph(written);
    const summary = summarize(written, { sizeBytes: bytes.byteLength });
    const report: ConvertReport = {
      source: sourcePath,
      format: source.format,
      mode,
      sourceBytes: source.sizeBytes,
      float32Bytes: floatBytes.byteLength,
      outputBytes: bytes.byteLength,
      sizeRatio: bytes.byteLength / floatBytes.byteLength,
      operators: summary.opHistogram,
      parameters: summary.parameterCount,
      warnings: source.warnings,
      ...(verify ? { verify } : {}),
      ...(quantization ? { quantization } : {}),
      ...(quantization?.evaluation ? { agreement: quantization.evaluation.agreement } : {}),
      ...(quantization?.evaluation?.accuracy ? { accuracy: quantization.evaluation.accuracy } : {}),
      ...(quantization?.layers ? { layers: quantization.layers } : {}),
      ...(calibrationStats ? { calibrationStats } : {}),
    };
    const verdict = quantization?.budget;
    if (quantization && verdict && !verdict.passed && !options.allowDegraded) {
      const e = quantization.evaluation!;
      const searched = quantization.mixedPrecision
        ? `, even with ${quantization.mixedPrecision.kept.length} op(s) kept in float by the mixed-precision search`
        : '';
      throw Object.assign(
        new ConverterError('QUALITY_BUDGET', `the ${mode} model misses the quality budget on ${e.samples} ${e.on} samples${searched}:\n` +
          `${describeMisses(verdict)}\nNothing was written. Pass --allow-degraded to write it anyway, loosen --max-error / ` +
          '--min-agreement, or try --calibration-method percentile or a float16/dynamic mode.'),
        { report },
      );
    }
    return { bytes, graph, report };
  } finally {
    source.dispose();
  }
}

async function verifyAgainstSource(
  source: ImportedSource,
  graph: Graph,
  bytes: Uint8Array,
  precision: 'float32' | 'float16',
  samples: number,
  data: TensorValue[][] | undefined,
): Promise<VerifyReport> {
  // The float file is already written: the interpreter runs those bytes, and is closed once judged.
  const candidate = liteRtRunner(bytes);
  const report = await verifyOutputs(graph, candidate, source.reference!, {
    tolerance: VERIFY_TOLERANCE[precision],
    samples,
    ...(data ? { data } : {}),
    ...(source.secondReference ? { secondReference: source.secondReference } : {}),
  }).finally(() => candidate.dispose());
  if (!report.passed) {
    const worst = report.outputs.map((o) => `${o.name}: max abs ${o.maxAbsError.toExponential(3)}, rel ${o.maxRelError.toExponential(3)}` +
      (o.noiseFloor !== undefined ? `, float32 noise floor ${o.noiseFloor.toExponential(3)}` : '')).join('; ');
    throw Object.assign(
      new ConverterError('VERIFY_FAILED', `verification failed: the ${precision} TFLite model differs from the source ` +
        `beyond ${VERIFY_TOLERANCE[precision]} of the output range and beyond ${NOISE_FACTOR}x its float32 noise floor (${worst}); nothing was written. ` +
        'Use --no-verify to write it anyway, and please report the model.'),
      { report },
    );
  }
  return report;
}

export type { TensorValue };
