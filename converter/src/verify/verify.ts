import type { Graph } from '@borde/tflite';
import { ConverterError } from '../errors.js';
import { compareTensors, type TensorComparison } from './compare.js';
import { matchOutputs } from './match-outputs.js';
import { seededInputs, type InputSpec } from './seeded-inputs.js';
import type { TensorValue } from './tensor-value.js';

/** Runs one model on inputs and gives its outputs, each named (signature key or tensor name). */
export type ModelRunner = (inputs: TensorValue[]) => Promise<TensorValue[]>;

export interface VerifyOptions {
  /** Largest allowed max abs error relative to each output's range (float32 1e-4, float16 1e-2). */
  tolerance: number;
  /** Seeded random samples when no data is given. */
  samples?: number;
  seed?: number;
  /** Range of the seeded float inputs. */
  inputRange?: [number, number];
  /** User data instead of seeded inputs: one list of input tensors per sample. */
  data?: TensorValue[][];
}

export interface OutputError {
  name: string;
  maxAbsError: number;
  maxRelError: number;
  /** The reference output's range (max - min over all samples) the relative error is taken against. */
  range: number;
}

export interface VerifyReport {
  interpreter: string;
  reference: string;
  /** 'data': the user's calibration or evaluation samples; 'seeded': seeded random inputs. */
  inputs: 'data' | 'seeded';
  samples: number;
  seed: number;
  tolerance: number;
  outputs: OutputError[];
  maxAbsError: number;
  maxRelError: number;
  passed: boolean;
}

/** Input specs of a float graph's first subgraph, with a batch of 1 for dynamic dimensions. */
export function inputSpecsOf(graph: Graph, range: [number, number] = [-1, 1]): InputSpec[] {
  const subgraph = graph.subgraphs[0]!;
  return subgraph.inputs.map((index) => {
    const tensor = subgraph.tensors[index]!;
    return { name: tensor.name, dtype: tensor.dtype as InputSpec['dtype'], shape: tensor.shape.map((d) => (d < 0 ? 1 : d)), range };
  });
}

/**
 * Runs the candidate (the written .tflite in an official interpreter) and the reference (the source model in
 * its own engine) on the same inputs and measures, per output, the worst error over all samples relative to
 * the reference's range. The caller decides what to do with a failure; the figures are always returned.
 */
export async function verifyOutputs(
  graph: Graph,
  candidate: { name: string; run: ModelRunner },
  reference: { name: string; run: ModelRunner },
  options: VerifyOptions,
): Promise<VerifyReport> {
  const seed = options.seed ?? 1;
  const samples = options.data ?? Array.from({ length: options.samples ?? 4 }, (_, i) =>
    seededInputs(inputSpecsOf(graph, options.inputRange), seed + i));
  const perOutput = new Map<string, { name: string; maxAbs: number; lo: number; hi: number }>();
  for (const inputs of samples) {
    const [got, want] = await Promise.all([candidate.run(inputs), reference.run(inputs)]);
    const pairs = matchOutputs(got, want, { step: 'verify', candidate: candidate.name, reference: reference.name });
    pairs.forEach(([actual, expected], i) => {
      const name = expected.name ?? `output ${i}`;
      const c = compareOrFail(actual, expected, name, candidate.name, reference.name);
      const entry = perOutput.get(name) ?? { name, maxAbs: 0, lo: Infinity, hi: -Infinity };
      entry.maxAbs = Math.max(entry.maxAbs, c.maxAbsError);
      for (const v of expected.data as Float32Array) {
        if (Number.isFinite(v)) {
          if (v < entry.lo) entry.lo = v;
          if (v > entry.hi) entry.hi = v;
        }
      }
      perOutput.set(name, entry);
    });
  }
  const outputs = [...perOutput.values()].map(({ name, maxAbs, lo, hi }) => {
    const span = hi - lo;
    const range = span > 0 ? span : Math.max(Math.abs(lo), Math.abs(hi), 1);
    return { name, maxAbsError: maxAbs, maxRelError: maxAbs / range, range };
  });
  const maxAbsError = Math.max(0, ...outputs.map((o) => o.maxAbsError));
  const maxRelError = Math.max(0, ...outputs.map((o) => o.maxRelError));
  return {
    interpreter: candidate.name,
    reference: reference.name,
    inputs: options.data ? 'data' : 'seeded',
    samples: samples.length,
    seed,
    tolerance: options.tolerance,
    outputs,
    maxAbsError,
    maxRelError,
    passed: outputs.every((o) => o.maxRelError <= options.tolerance),
  };
}

/** A shape or dtype difference between outputs of the same name is a failed conversion, said as such. */
function compareOrFail(actual: TensorValue, expected: TensorValue, name: string, candidate: string, reference: string): TensorComparison {
  try {
    return compareTensors(actual, expected, name);
  } catch (error) {
    throw new ConverterError('VERIFY_FAILED', `verification failed: ${(error as Error).message} (${candidate} against ${reference}); ` +
      'nothing was written. Use --no-verify to write it anyway, and please report the model.', { cause: error });
  }
}
