import { Option, type Command } from 'commander';
import type { ConvertOptions, ConvertReport, QuantizeMode } from '../../convert.js';
import { ConverterError } from '../../errors.js';
import type { SampleOptions } from '../../calibration/index.js';
import { checkOutputPath, writeOutputFile } from '../output-file.js';
import { formatConvertReport } from '../format-convert-report.js';
import type { CliOutput } from '../io.js';
import { endProgress, progressReporter } from '../progress.js';
import { parseInputShape, parseInputSize, parseLabelMap, parseNumberList, parseTensorList, positiveNumber, parseMaxError, fraction } from '../parse-numbers.js';

interface ConvertFlags {
  output: string;
  quantize?: QuantizeMode;
  float16?: boolean;
  calibration?: string;
  calibrationMethod?: 'minmax' | 'percentile' | 'mse';
  percentile: number;
  samples: number;
  io?: 'float' | 'int8';
  strict?: boolean;
  perChannelDense?: boolean;
  eval?: string;
  labelColumn?: string;
  preset?: SampleOptions['preset'];
  scale?: number;
  mean?: number | number[];
  std?: number | number[];
  inputSize?: number | [number, number];
  inputShape?: Record<string, number[]>;
  outputs?: string[];
  inputs?: string[];
  columns?: string[];
  dropMissing?: boolean;
  shuffleSeed?: number;
  labelMap?: Record<string, number>;
  dynamicMinElements?: number;
  json?: boolean;
  signature?: string;
  verify: boolean;
  keepNchwIo?: boolean;
  maxError?: { maxMeanError: number; maxP99Error: number };
  minAgreement?: number;
  maxDecisionStep?: number;
  logits?: string[];
  allowDegraded?: boolean;
  mixedPrecision: boolean;
  mixedPrecisionTo: 'fastest' | 'int16' | 'float';
  calibrationStats: boolean;
}

/** `borde convert <model> -o <out.tflite> [--quantize int8 --calibration <data>] [--json] [--no-verify]`. */
export function registerConvert(program: Command, output: CliOutput): void {
  program
    .command('convert')
    .description('convert a TensorFlow.js model (model.json or folder), a Keras .keras/.h5 file, a SavedModel folder, an ONNX model or a float .tflite to TFLite, and prove it')
    .argument('<model>', 'model.json or its folder, a .keras/.h5 file, a SavedModel folder, an .onnx file or a float .tflite file')
    .requiredOption('-o, --output <file>', 'where to write the .tflite')
    .addOption(new Option('--quantize <mode>', 'int8 (full integer, needs --calibration), int16x8 (int16 activations, int8 weights: TFLite\'s 16x8 mode, needs --calibration), dynamic (int8 weights), float16')
      .choices(['int8', 'int16x8', 'dynamic', 'float16']))
    .option('--float16', 'same as --quantize float16')
    .option('--calibration <path>', 'representative inputs: images folder, .csv, .json, .npy or .js module')
    .addOption(new Option('--calibration-method <method>', 'activation ranges').choices(['minmax', 'percentile', 'mse']).default('minmax'))
    .option('--percentile <p>', 'share of values kept by --calibration-method percentile', positiveNumber('--percentile'), 99.99)
    .option('--samples <n>', 'use at most n calibration samples', positiveNumber('--samples'), 500)
    .addOption(new Option('--io <type>', 'model inputs/outputs in int8 mode').choices(['float', 'int8']).default('float'))
    .option('--strict', 'fail if any op must stay float in int8 mode')
    .option('--per-channel-dense', 'per-channel FULLY_CONNECTED weights (per-tensor by default)')
    .option('--eval <path>', 'labelled held-out data: accuracy of float vs quantized')
    .option('--label-column <name>', 'label column of CSV data (excluded from the features)')
    .addOption(new Option('--preset <name>', 'image preprocessing: unit x/255, symmetric x/127.5-1, imagenet, raw')
      .choices(['unit', 'symmetric', 'imagenet', 'raw']))
    .option('--scale <x>', 'image preprocessing: multiply pixel values (0..255) by x', positiveNumber('--scale'))
    .option('--mean <list>', 'image preprocessing: subtract, per channel (comma separated) or one value', (v) => parseNumberList(v, '--mean'))
    .option('--std <list>', 'image preprocessing: divide, per channel or one value', (v) => parseNumberList(v, '--std'))
    .option('--input-size <HxW>', 'images: resize calibration images to HxW (or H,W); also pins the dynamic height/width of an image input', parseInputSize)
    .option('--input-shape <name:dims>', 'pin an input with unknown dimensions, batch first, e.g. images:1,224,224,3 (repeat per input; bare dims for a one-input model)', parseInputShape)
    .option('--outputs <tensors>', 'graph models: export these node outputs (name or name:k, comma separated), cutting the graph after them', parseTensorList('--outputs'))
    .option('--inputs <tensors>', 'graph models: make these node outputs the inputs, cutting the graph before them', parseTensorList('--inputs'))
    .option('--columns <list>', 'CSV: feature columns in order (names or 0-based indices)', (v) => v.split(','))
    .option('--drop-missing', "CSV: drop rows with missing values ('?', '', NA) instead of failing")
    .option('--shuffle-seed <n>', 'shuffle the calibration data with this seed before taking --samples', positiveNumber('--shuffle-seed'))
    .option('--label-map <pairs>', 'evaluation labels: raw=class pairs, e.g. 2=0,4=1', parseLabelMap)
    .option('--dynamic-min-elements <n>', 'dynamic mode: weights with fewer elements stay float (TFLite: 1024)', positiveNumber('--dynamic-min-elements'))
    .option('--signature <key>', 'SavedModel: the signature to convert (default serving_default)')
    .option('--keep-nchw-io', 'ONNX: keep image inputs/outputs NCHW (default: NHWC, TFLite\'s layout)')
    .option('--max-error <fraction>', 'quality budget per output: mean |error| / output range (default 0.02), ' +
      'optionally ,p99 (default 5x the mean: 0.1)', parseMaxError)
    .option('--min-agreement <fraction>', 'quality budget for class-score outputs: share of decisions kept (default 0.95)', fraction('--min-agreement'))
    .option('--logits <outputs>', 'outputs that are logits an app thresholds after a sigmoid (comma separated): their step near p=0.5 is budgeted',
      (v) => v.split(',').map((n) => n.trim()).filter(Boolean))
    .option('--max-decision-step <p>', 'quality budget for score and --logits outputs: largest probability step near 0.5 (default 0.02)', fraction('--max-decision-step'))
    .option('--allow-degraded', 'write a quantized model even when it misses the quality budget')
    .option('--no-mixed-precision', 'do not keep ops in float when int8 misses the quality budget')
    .addOption(new Option('--mixed-precision-to <precision>', 'where the search moves an op out of int8: the faster of int16 and float in LiteRT, or always one')
      .choices(['fastest', 'int16', 'float']).default('fastest'))
    .option('--no-calibration-stats', 'do not store calibration statistics (for drift monitoring) in the model\'s metadata')
    .option('--json', 'print the report as JSON on stdout')
    .option('--no-verify', 'skip verifying the float model against the source')
    .action(async (source: string, flags: ConvertFlags) => {
      await checkOutputPath(flags.output);
      // The pipeline (tfjs, importers, runtime) loads here, not at startup: other commands never pay for it.
      const [{ convert }, calibration, tf] = await Promise.all([
        import('../../convert.js'), import('../../calibration/index.js'), import('@tensorflow/tfjs')]);
      tf.enableProdMode(); // no tfjs debug warnings mixed into the CLI's output
      const onProgress = progressReporter(output);
      try {
        const { bytes, report } = await convert(source, { ...convertOptions(flags, calibration), onProgress });
        await writeOutputFile(flags.output, bytes);
        endProgress(output);
        const full = { ...report, output: flags.output };
        output.out(flags.json ? JSON.stringify(full, null, 2) : formatConvertReport(full));
      } catch (error) {
        // A model over the quality budget: print the report with its per-output table, then fail (exit 1).
        if (error instanceof ConverterError && error.code === 'QUALITY_BUDGET' && 'report' in error) {
          endProgress(output);
          const full = { ...(error.report as ConvertReport), output: `${flags.output} (not written)` };
          output.out(flags.json ? JSON.stringify(full, null, 2) : formatConvertReport(full));
        }
        throw error;
      } finally {
        endProgress(output);
      }
    });
}

function convertOptions(flags: ConvertFlags, { loadSamples, loadLabelledData }: typeof import('../../calibration/index.js')): ConvertOptions {
  const sampleOptions: SampleOptions = {
    limit: flags.samples,
    ...(flags.labelColumn !== undefined ? { labelColumn: flags.labelColumn } : {}),
    ...(flags.preset ? { preset: flags.preset } : {}),
    ...(flags.scale !== undefined ? { scale: flags.scale } : {}),
    ...(flags.mean !== undefined ? { mean: flags.mean } : {}),
    ...(flags.std !== undefined ? { std: flags.std } : {}),
    ...(flags.inputSize !== undefined ? { inputSize: flags.inputSize } : {}),
    ...(flags.columns ? { columns: flags.columns } : {}),
    ...(flags.dropMissing ? { dropMissing: true } : {}),
    ...(flags.shuffleSeed !== undefined ? { shuffleSeed: flags.shuffleSeed } : {}),
    ...(flags.labelMap ? { labelMap: flags.labelMap } : {}),
  };
  const calibration = flags.calibration;
  const evalPath = flags.eval;
  const size = flags.inputSize;
  return {
    quantize: flags.quantize ?? (flags.float16 ? 'float16' : 'none'),
    ...(flags.inputShape ? { inputShapes: flags.inputShape } : {}),
    ...(size !== undefined ? { imageSize: typeof size === 'number' ? [size, size] as [number, number] : size } : {}),
    ...(flags.outputs ? { outputs: flags.outputs } : {}),
    ...(flags.inputs ? { inputs: flags.inputs } : {}),
    verify: flags.verify,
    calibrationStats: flags.calibrationStats,
    ...(flags.signature !== undefined ? { signature: flags.signature } : {}),
    ...(flags.keepNchwIo ? { keepNchwIo: true } : {}),
    ...(calibration ? { calibration: (inputs) => loadSamples(calibration, inputs, sampleOptions) } : {}),
    ...(evalPath ? { evalData: (inputs) => loadLabelledData(evalPath, inputs, { ...sampleOptions, limit: Infinity }) } : {}),
    calibrationMethod: flags.calibrationMethod ?? 'minmax',
    percentile: flags.percentile,
    io: flags.io ?? 'float',
    strict: Boolean(flags.strict),
    perChannelDense: Boolean(flags.perChannelDense),
    ...(flags.dynamicMinElements !== undefined ? { dynamicMinElements: flags.dynamicMinElements } : {}),
    budget: {
      ...flags.maxError,
      ...(flags.minAgreement !== undefined ? { minAgreement: flags.minAgreement } : {}),
      ...(flags.maxDecisionStep !== undefined ? { maxDecisionStep: flags.maxDecisionStep } : {}),
    },
    ...(flags.logits ? { logitOutputs: flags.logits } : {}),
    allowDegraded: Boolean(flags.allowDegraded),
    mixedPrecision: flags.mixedPrecision,
    mixedPrecisionTarget: flags.mixedPrecisionTo,
  };
}
