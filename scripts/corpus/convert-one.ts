// One corpus model, in its own process (memory, crashes and time stay its own): float32 conversion judged
// against the source (tfjs for tfjs models, LiteRT for .tflite) on seeded inputs, then int8 calibrated on
// crops of the photo the project ships. Prints one JSON line (CorpusResult).
import * as tf from '@tensorflow/tfjs';
import { ControlFlowError, UnsupportedOpsError, convert, type ConvertOptions, type ModelInput, type TensorValue } from '@borde/converter';
import type { OutputError } from '@borde/converter/verify';
import { photoCrops } from './photo-crops.js';

export interface CorpusResult {
  format?: string;
  floatOk: boolean;
  /** The worst output: max abs error against the source, that output's range, and its float32 noise floor when it missed 1e-4 of the range. */
  floatError?: { output: string; maxAbs: number; range: number; rel: number; noiseFloor?: number };
  int8Written: boolean;
  /** The int8 file written (within the quality budget): its size against the float32 file's, the worst output's p99/max error relative to its range, ops kept float. */
  int8?: { bytes: number; floatBytes: number; worstOutput: string; p99Error: number; maxError: number; floatOps: number; keptFloat: number };
  seconds: number;
  /** What it took beyond the defaults (a cut, an input size), as CLI flags. */
  flags: string[];
  /** Converted through an --outputs/--inputs cut that a refusal suggested (control flow, an op TFLite lacks). */
  cut?: boolean;
  refusal?: string;
  int8Refusal?: string;
}

tf.enableProdMode();
const CALIBRATION_SAMPLES = Number(process.env.BORDE_CORPUS_SAMPLES ?? 8);
const DEFAULT_IMAGE_SIZE: [number, number] = [256, 256];
const calibration = (inputs: ModelInput[]): Promise<TensorValue[][]> => photoCrops(inputs, CALIBRATION_SAMPLES);

const firstLines = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').filter((l) => !l.startsWith('Supported ones are listed')).join(' ').replace(/\s+/g, ' ').slice(0, 4000);
};

function worstOutput(outputs: OutputError[]): CorpusResult['floatError'] {
  const worst = [...outputs].sort((a, b) => b.maxRelError - a.maxRelError)[0]!;
  return {
    output: worst.name, maxAbs: worst.maxAbsError, range: worst.range, rel: worst.maxRelError,
    ...(worst.noiseFloor !== undefined ? { noiseFloor: worst.noiseFloor } : {}),
  };
}

async function run(path: string, given: { flags?: string[]; inputShapes?: Record<string, number[]> }): Promise<CorpusResult> {
  const start = performance.now();
  const result: CorpusResult = { floatOk: false, int8Written: false, seconds: 0, flags: [...(given.flags ?? [])] };
  // Verified as the CLI does: 4 seeded samples.
  const options: ConvertOptions = given.inputShapes ? { inputShapes: given.inputShapes } : {};
  // The first refusal whose advice the bench followed: if the advice fails too, that refusal names the real blocker.
  let advised: string | undefined;
  let floatBytes = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const { report, bytes } = await convert(path, options);
      floatBytes = bytes.byteLength;
      result.format = report.format;
      result.floatError = worstOutput(report.verify!.outputs);
      result.floatOk = report.verify!.passed;
      break;
    } catch (error) {
      const message = (error as Error).message ?? '';
      if (error instanceof UnsupportedOpsError) advised ??= `${error.code}: ${firstLines(error)}`;
      // A user would follow the refusal's own advice once: the suggested cut, or an input size.
      if (error instanceof ControlFlowError && error.suggestedOutputs.length > 0 && !options.outputs) {
        options.outputs = error.suggestedOutputs;
        result.flags.push(`--outputs ${error.suggestedOutputs.join(',')}`);
        result.cut = true;
        continue;
      }
      // Control flow first (a tf.map loop preparing the input): start after it, as the refusal says.
      if (error instanceof ControlFlowError && error.suggestedInputs.length > 0 && !options.inputs) {
        options.inputs = error.suggestedInputs;
        result.flags.push(`--inputs ${error.suggestedInputs.join(',')}`);
        result.cut = true;
        continue;
      }
      // Post-processing TFLite cannot express (an unpadded NMS): keep the outputs the refusal names as convertible.
      if (error instanceof UnsupportedOpsError && error.convertibleOutputs.length > 0 && !options.outputs) {
        options.outputs = error.convertibleOutputs;
        result.flags.push(`--outputs ${error.convertibleOutputs.join(',')}`);
        result.cut = true;
        continue;
      }
      if (/unknown dimensions/.test(message) && /--input-size/.test(message) && !options.imageSize) {
        options.imageSize = DEFAULT_IMAGE_SIZE;
        result.flags.push(`--input-size ${DEFAULT_IMAGE_SIZE.join('x')}`);
        continue;
      }
      const report = (error as { report?: { outputs: OutputError[] } }).report;
      if (report) result.floatError = worstOutput(report.outputs);
      const final = `${(error as { code?: string }).code ?? 'ERROR'}: ${firstLines(error)}`;
      result.refusal = advised !== undefined && result.cut ? `${advised} | its suggested cut then failed: ${final}` : final;
      break;
    }
  }
  if (result.floatOk && process.env.BORDE_CORPUS_INT8 !== '0') {
    try {
      const { bytes, report } = await convert(path, { ...options, quantize: 'int8', calibration, verify: false });
      result.int8Written = true;
      const q = report.quantization!;
      const worst = [...(q.evaluation?.outputs ?? [])].sort((a, b) => b.p99Error - a.p99Error)[0];
      result.int8 = {
        bytes: bytes.byteLength, floatBytes, worstOutput: worst?.name ?? '', p99Error: worst?.p99Error ?? 0, maxError: worst?.maxError ?? 0,
        floatOps: q.floatOps.length, keptFloat: q.mixedPrecision?.kept.length ?? 0,
      };
    } catch (error) {
      result.int8Refusal = `${(error as { code?: string }).code ?? 'ERROR'}: ${firstLines(error)}`;
    }
  }
  result.seconds = Number(((performance.now() - start) / 1000).toFixed(1));
  return result;
}

console.log(JSON.stringify(await run(process.argv[2]!, JSON.parse(process.argv[3] ?? '{}') as Parameters<typeof run>[1])));
