import type { Graph } from '@borde/tflite';
import { openInterpreter } from '../verify/interpreter.js';
import type { FloatOutputs } from './float-outputs.js';
import type { TensorValue } from '../verify/tensor-value.js';
import { outputTensorsByName, outputsAsFloat, samplesFor } from './model-io.js';
import { matchOutputs } from '../verify/match-outputs.js';
import { decisionSteps } from './decision-step.js';
import { OutputQualityMeter, type OutputQuality } from './output-quality.js';

/**
 * Where the judged samples came from: labelled eval data (`--eval`), the share of the calibration data the
 * quantizer did not calibrate on (seeded split), or the calibration samples themselves (too few to split).
 */
export type EvaluationSource = 'eval' | 'held-out' | 'calibration';

export interface QuantizedEvaluation {
  samples: number;
  on: EvaluationSource;
  /**
   * Share of decisions kept by the first class-score output (softmax/sigmoid head, or the labelled output);
   * absent when the model has none: an argmax over a regressor's or detector's output means nothing.
   */
  agreement?: number;
  /** Accuracy against labels, when labels were given. */
  accuracy?: { float: number; int8: number };
  /** Per output, by name: SQNR and errors relative to the output's range; agreement for class scores. */
  outputs: OutputQuality[];
}

/** Ops whose output is a class score (probabilities); reshapes after them keep that meaning. */
const SCORE_OPS = new Set(['SOFTMAX', 'LOGISTIC']);
const PASS_THROUGH = new Set(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'DEQUANTIZE', 'QUANTIZE']);

/**
 * Output names of `graph` whose values are class scores: produced by SOFTMAX or LOGISTIC (through
 * reshapes), or, when labels were given, the only output of the model.
 */
export function classScoreOutputs(graph: Graph, labelled: boolean): Set<string> {
  const sub = graph.subgraphs[0]!;
  const producer = new Map<number, number>();
  sub.operators.forEach((op, i) => op.outputs.forEach((o) => producer.set(o, i)));
  const isScore = (tensor: number): boolean => {
    for (let t = tensor, hops = 0; hops < 16; hops++) {
      const op = sub.operators[producer.get(t) ?? -1];
      if (!op) return false;
      if (SCORE_OPS.has(op.opcode)) return true;
      if (!PASS_THROUGH.has(op.opcode)) return false;
      t = op.inputs[0]!;
    }
    return false;
  };
  const outputs = [...outputTensorsByName(graph)];
  return new Set(outputs.filter(([, t]) => isScore(t) || (labelled && outputs.length === 1)).map(([name]) => name));
}

/**
 * Runs the float and the quantized model in the official interpreter on the same samples and compares
 * them output by output (by name): SQNR, errors relative to each output's range, decisions kept for class
 * scores, and accuracy against labels. Models are given as bytes and graphs (the graph tells how to feed
 * int8 inputs and read int8 outputs); the float model's outputs are run once and kept by `float`.
 */
export async function evaluateQuantized(
  float: FloatOutputs,
  quantized: { bytes: Uint8Array; graph: Graph },
  samples: TensorValue[][],
  labels: number[] | undefined,
  on: EvaluationSource,
  logits: ReadonlySet<string> = new Set(),
): Promise<QuantizedEvaluation> {
  const floatOutputs = await float.of(samples);
  const quantModel = await openInterpreter(quantized.bytes);
  const quantSamples = samplesFor(quantized.graph, samples);
  const scores = classScoreOutputs(float.graph, Boolean(labels));
  const probabilities = classScoreOutputs(float.graph, false);
  try {
    let floatCorrect = 0;
    let quantCorrect = 0;
    const meters = new Map<string, OutputQualityMeter>();
    for (const [n, inputs] of samples.entries()) {
      const pairs = matchOutputs(
        outputsAsFloat(quantized.graph, await quantModel.run(quantSamples[n]!)),
        outputsAsFloat(float.graph, floatOutputs[n]!),
        { step: 'evaluate', candidate: 'quantized model', reference: 'float model' },
      );
      pairs.forEach(([q, f], o) => {
        const name = f.name ?? `output ${o}`;
        let meter = meters.get(name);
        if (!meter) meters.set(name, (meter = new OutputQualityMeter(name, scores.has(name), probabilities.has(name))));
        meter.add(q.data as Float32Array, f.data as Float32Array, f.shape.at(-1) ?? 1);
      });
      if (labels) {
        // Accuracy is read from the first class-score output (or the first output).
        const pair = pairs.find(([, f], o) => scores.has(f.name ?? `output ${o}`)) ?? pairs[0]!;
        if (predictedClass(pair[1].data as Float32Array) === labels[n]) floatCorrect++;
        if (predictedClass(pair[0].data as Float32Array) === labels[n]) quantCorrect++;
      }
    }
    const steps = decisionSteps(quantized.graph, { logits, scores });
    const outputs = [...meters.values()].map((m) => {
      const step = steps.get(m.name);
      return { ...m.result(), ...(step !== undefined ? { decisionStep: step } : {}) };
    });
    const agreement = outputs.find((o) => o.agreement !== undefined)?.agreement;
    return {
      samples: samples.length,
      on,
      ...(agreement !== undefined ? { agreement } : {}),
      ...(labels ? { accuracy: { float: floatCorrect / samples.length, int8: quantCorrect / samples.length } } : {}),
      outputs,
    };
  } finally {
    quantModel.close();
  }
}

/** Predicted class of a sample's output: argmax over its values, or a 0.5 threshold for one unit. */
export function predictedClass(values: Float32Array): number {
  if (values.length === 1) return values[0]! > 0.5 ? 1 : 0;
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
