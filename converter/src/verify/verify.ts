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
  /**
   * A second float32 engine of the source. Run only when an output misses `tolerance`: how far it disagrees
   * with `reference` on the same inputs is that output's float32 noise (see NOISE_FACTOR).
   */
  secondReference?: { name: string; run: ModelRunner };
}

/**
 * An output that misses the tolerance still passes when its error is within NOISE_FACTOR times its float32
 * noise floor: the larger of (a) how far two float32 engines of the source disagree with each other on the
 * same inputs (summation order, fused multiply-adds, double vs float accumulation) and (b) one float32 ulp of
 * the output's largest magnitude. An error at that level is float32 arithmetic, not the conversion; a wrong
 * op shows up far above it. The factor leaves room for the candidate being a third such engine.
 */
export const NOISE_FACTOR = 4;

export interface OutputError {
  name: string;
  maxAbsError: number;
  maxRelError: number;
  /** The reference output's range (max - min over all samples) the relative error is taken against. */
  range: number;
  /** Largest error this output may have: max(tolerance x range, NOISE_FACTOR x noiseFloor). */
  allowed: number;
  /** Outputs that missed tolerance x range: their float32 noise floor (see NOISE_FACTOR). */
  noiseFloor?: number;
  /** Outputs that missed tolerance x range: how far the second engine of the source disagrees with the reference. */
  referenceSpread?: number;
  passed: boolean;
}

export interface VerifyReport {
  interpreter: string;
  reference: string;
  /** The second engine of the source, when an output missed and it was consulted (with why it failed, if it did). */
  secondReference?: string;
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
  const perOutput = new Map<string, { name: string; maxAbs: number; lo: number; hi: number; magnitude: number }>();
  const wanted: TensorValue[][] = [];
  for (const inputs of samples) {
    const [got, want] = await Promise.all([candidate.run(inputs), reference.run(inputs)]);
    wanted.push(want);
    const pairs = matchOutputs(got, want, { step: 'verify', candidate: candidate.name, reference: reference.name });
    pairs.forEach(([actual, expected], i) => {
      const name = expected.name ?? `output ${i}`;
      const c = compareOrFail(actual, expected, name, candidate.name, reference.name);
      const entry = perOutput.get(name) ?? { name, maxAbs: 0, lo: Infinity, hi: -Infinity, magnitude: 0 };
      entry.maxAbs = Math.max(entry.maxAbs, c.maxAbsError);
      for (const v of expected.data as Float32Array) {
        if (Number.isFinite(v)) {
          if (v < entry.lo) entry.lo = v;
          if (v > entry.hi) entry.hi = v;
          if (Math.abs(v) > entry.magnitude) entry.magnitude = Math.abs(v);
        }
      }
      perOutput.set(name, entry);
    });
  }
  const outputs: OutputError[] = [...perOutput.values()].map(({ name, maxAbs, lo, hi }) => {
    const span = hi - lo;
    const range = span > 0 ? span : Math.max(Math.abs(lo), Math.abs(hi), 1);
    const allowed = options.tolerance * range;
    return { name, maxAbsError: maxAbs, maxRelError: maxAbs / range, range, allowed, passed: maxAbs <= allowed };
  });
  let secondReference: string | undefined;
  const missed = outputs.filter((o) => !o.passed);
  if (missed.length > 0) {
    const spreads = options.secondReference ? await referenceSpreads(options.secondReference, samples, wanted) : undefined;
    if (options.secondReference) secondReference = options.secondReference.name + (spreads instanceof Error ? ` (failed: ${spreads.message})` : '');
    for (const o of missed) {
      const spread = spreads instanceof Map ? spreads.get(o.name) : undefined;
      o.noiseFloor = Math.max(spread ?? 0, float32Ulp(perOutput.get(o.name)!.magnitude));
      if (spread !== undefined) o.referenceSpread = spread;
      o.allowed = Math.max(o.allowed, NOISE_FACTOR * o.noiseFloor);
      o.passed = o.maxAbsError <= o.allowed;
    }
  }
  const maxAbsError = Math.max(0, ...outputs.map((o) => o.maxAbsError));
  const maxRelError = Math.max(0, ...outputs.map((o) => o.maxRelError));
  return {
    interpreter: candidate.name,
    reference: reference.name,
    ...(secondReference ? { secondReference } : {}),
    inputs: options.data ? 'data' : 'seeded',
    samples: samples.length,
    seed,
    tolerance: options.tolerance,
    outputs,
    maxAbsError,
    maxRelError,
    passed: outputs.every((o) => o.passed),
  };
}

/** Per output name, the largest |second - reference| over the samples; the error when the second engine cannot run the model. */
async function referenceSpreads(
  second: { name: string; run: ModelRunner },
  samples: TensorValue[][],
  wanted: TensorValue[][],
): Promise<Map<string, number> | Error> {
  const spreads = new Map<string, number>();
  try {
    for (const [s, inputs] of samples.entries()) {
      const other = await second.run(inputs);
      for (const want of wanted[s]!) {
        const match = other.find((o) => o.name === want.name);
        if (!match || want.name === undefined) continue;
        spreads.set(want.name, Math.max(spreads.get(want.name) ?? 0, compareTensors(match, want, want.name).maxAbsError));
      }
    }
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return spreads;
}

/** The spacing of float32 numbers at magnitude `x` (one unit in the last place). */
export function float32Ulp(x: number): number {
  const m = Math.abs(x);
  if (!(m >= 2 ** -126)) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(m)) - 23);
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
