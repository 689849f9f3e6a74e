import type { Graph } from '@borde/tflite';
import { openInterpreter } from '../verify/interpreter.js';
import type { TensorValue } from '../verify/tensor-value.js';
import { outputsAsFloat, samplesFor } from './model-io.js';
import { matchOutputs } from '../verify/match-outputs.js';

export interface QuantizedEvaluation {
  samples: number;
  /** Where the samples came from: labelled eval data, or the calibration set when none was given. */
  on: 'eval' | 'calibration';
  /** Share of samples whose predicted class (argmax, or p > 0.5 for one sigmoid unit) is the same. */
  agreement: number;
  /** Accuracy against labels, when labels were given. */
  accuracy?: { float: number; int8: number };
  /** Per output: the worst absolute error of the quantized model against the float one, and its range. */
  outputs: { name: string; maxAbsError: number; meanAbsError: number; range: number }[];
}

/** Predicted class of the first output: argmax over its last axis, or a 0.5 threshold for one unit. */
export function predictedClass(values: Float32Array): number {
  if (values.length === 1) return values[0]! > 0.5 ? 1 : 0;
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * Runs the float and the quantized model in the official interpreter on the same samples and compares
 * them: class agreement, accuracy against labels, and output error. Models are given as bytes and graphs
 * (the graph tells how to feed int8 inputs and read int8 outputs).
 */
export async function evaluateQuantized(
  float: { bytes: Uint8Array; graph: Graph },
  quantized: { bytes: Uint8Array; graph: Graph },
  samples: TensorValue[][],
  labels: number[] | undefined,
  on: 'eval' | 'calibration',
): Promise<QuantizedEvaluation> {
  const floatModel = await openInterpreter(float.bytes);
  const quantModel = await openInterpreter(quantized.bytes);
  const quantSamples = samplesFor(quantized.graph, samples);
  try {
    let agree = 0;
    let floatCorrect = 0;
    let quantCorrect = 0;
    const stats: { name: string; maxAbs: number; sumAbs: number; count: number; lo: number; hi: number }[] = [];
    for (const [n, inputs] of samples.entries()) {
      const pairs = matchOutputs(
        outputsAsFloat(quantized.graph, await quantModel.run(quantSamples[n]!)),
        outputsAsFloat(float.graph, await floatModel.run(inputs)),
        { step: 'evaluate', candidate: 'quantized model', reference: 'float model' },
      );
      const fc = predictedClass(pairs[0]![1].data as Float32Array);
      const qc = predictedClass(pairs[0]![0].data as Float32Array);
      if (fc === qc) agree++;
      if (labels) {
        if (fc === labels[n]) floatCorrect++;
        if (qc === labels[n]) quantCorrect++;
      }
      pairs.forEach(([q, f], o) => {
        const fv = f.data as Float32Array;
        const qv = q.data as Float32Array;
        const s = (stats[o] ??= { name: f.name ?? `output ${o}`, maxAbs: 0, sumAbs: 0, count: 0, lo: Infinity, hi: -Infinity });
        for (let k = 0; k < fv.length; k++) {
          const e = Math.abs(fv[k]! - qv[k]!);
          s.maxAbs = Math.max(s.maxAbs, e);
          s.sumAbs += e;
          s.lo = Math.min(s.lo, fv[k]!);
          s.hi = Math.max(s.hi, fv[k]!);
        }
        s.count += fv.length;
      });
    }
    return {
      samples: samples.length,
      on,
      agreement: agree / samples.length,
      ...(labels ? { accuracy: { float: floatCorrect / samples.length, int8: quantCorrect / samples.length } } : {}),
      outputs: stats.map((s) => ({ name: s.name, maxAbsError: s.maxAbs, meanAbsError: s.sumAbs / s.count, range: s.hi - s.lo })),
    };
  } finally {
    floatModel.close();
    quantModel.close();
  }
}
