// The float32 verify rule for outputs whose range is so small that float32 arithmetic alone misses 1e-4 of
// it (a sigmoid sitting on a plateau, as faceres-deep's gender head): the error is allowed up to
// NOISE_FACTOR x the output's float32 noise floor (one ulp of its magnitude, or how far a second float32
// engine of the source disagrees). Candidate: LiteRT running a builder-made model; references: the same
// model evaluated in JavaScript, in float64 (as tfjs' cpu backend accumulates) and in float32.
import { GraphBuilder, writeModel, type Graph } from '@borde/tflite';
import { createRng } from '@borde/test/harness';
import { describe, expect, it } from 'vitest';
import { liteRtRunner } from '../src/verify/interpreter.js';
import { float32Ulp, NOISE_FACTOR, verifyOutputs, type ModelRunner } from '../src/verify/verify.js';

const F = 'float32' as const;
const FC = { optionsType: 'FullyConnectedOptions', options: { fusedActivationFunction: 0, weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false } };
const UNITS = 16;
const IN = 64;

/** x [1,64] -> FULLY_CONNECTED (tiny weights, bias 0.58) -> LOGISTIC: outputs near 0.641 with a range near 1e-5. */
function plateau(biasShift = 0): { graph: Graph; w: Float32Array; bias: Float32Array } {
  const rng = createRng(5);
  const w = Float32Array.from({ length: UNITS * IN }, () => 1e-5 * (2 * rng() - 1));
  const bias = Float32Array.from({ length: UNITS }, () => 0.58 + biasShift);
  const b = new GraphBuilder();
  const x = b.input('x', F, [1, IN]);
  const fc = b.op('FULLY_CONNECTED', [x, b.constant('w', F, [UNITS, IN], w), b.constant('b', F, [UNITS], bias)], FC, { name: 'fc', dtype: F, shape: [1, UNITS] });
  b.output(b.op('LOGISTIC', [fc], undefined, { name: 'y', dtype: F, shape: [1, UNITS] }));
  return { graph: b.build(), w, bias };
}

/** The model in JavaScript: float64 accumulation, or float32 (Math.fround after every step, last term first). */
function jsReference(w: Float32Array, bias: Float32Array, precision: 'float64' | 'float32'): ModelRunner {
  const r = precision === 'float32' ? Math.fround : (v: number) => v;
  return async ([input]) => {
    const x = input!.data as Float32Array;
    const y = new Float32Array(UNITS);
    for (let u = 0; u < UNITS; u++) {
      let s = 0;
      for (let k = IN - 1; k >= 0; k--) s = r(s + r(x[k]! * w[u * IN + k]!));
      s = r(s + bias[u]!);
      y[u] = 1 / (1 + Math.exp(-s));
    }
    return [{ name: 'y', dtype: 'float32', shape: [1, UNITS], data: y }];
  };
}

describe('verify: the float32 noise floor of an output with a tiny range', () => {
  it('passes float32-level differences that exceed 1e-4 of the range, and says which floor it used', async () => {
    const { graph, w, bias } = plateau();
    const candidate = liteRtRunner(writeModel(graph));
    try {
      const report = await verifyOutputs(graph, candidate, { name: 'float64', run: jsReference(w, bias, 'float64') }, { tolerance: 1e-4, samples: 4 });
      const [y] = report.outputs;
      console.log(`range ${y!.range.toExponential(2)}, error ${y!.maxAbsError.toExponential(2)}, ulp ${float32Ulp(0.64).toExponential(2)}`);
      // The range rule alone would fail this output: float32 rounding is above 1e-4 of a range this small.
      expect(y!.maxAbsError).toBeGreaterThan(1e-4 * y!.range);
      expect(y!.noiseFloor).toBe(float32Ulp(0.64));
      expect(y!.allowed).toBe(NOISE_FACTOR * float32Ulp(0.64));
      expect(report.passed).toBe(true);
    } finally {
      candidate.dispose();
    }
  });

  it('fails a real difference a few ulps wide: a bias off by 2e-6', async () => {
    const { w, bias } = plateau();
    const wrong = plateau(2e-6).graph;
    const candidate = liteRtRunner(writeModel(wrong));
    try {
      const report = await verifyOutputs(wrong, candidate, { name: 'float64', run: jsReference(w, bias, 'float64') }, { tolerance: 1e-4, samples: 4 });
      expect(report.outputs[0]!.maxAbsError).toBeGreaterThan(report.outputs[0]!.allowed);
      expect(report.passed).toBe(false);
    } finally {
      candidate.dispose();
    }
  });

  it('measures the spread of a second float32 engine only for an output that misses, and allows NOISE_FACTOR times it', async () => {
    const { graph, w, bias } = plateau();
    const candidate = liteRtRunner(writeModel(graph));
    const first = jsReference(w, bias, 'float64');
    const second = jsReference(w, bias, 'float32');
    let secondRuns = 0;
    try {
      const report = await verifyOutputs(graph, candidate, { name: 'float64', run: first }, {
        tolerance: 1e-4,
        samples: 4,
        secondReference: { name: 'float32 js', run: async (inputs) => (secondRuns++, second(inputs)) },
      });
      const [y] = report.outputs;
      expect(secondRuns).toBe(4);
      expect(report.secondReference).toBe('float32 js');
      expect(y!.referenceSpread).toBeGreaterThan(0);
      expect(y!.noiseFloor).toBe(Math.max(y!.referenceSpread!, float32Ulp(0.64)));
      expect(report.passed).toBe(true);
      // An output within 1e-4 of its range never consults the second engine.
      secondRuns = 0;
      const loose = await verifyOutputs(graph, candidate, { name: 'float64', run: first }, {
        tolerance: 1, samples: 2, secondReference: { name: 'float32 js', run: async (inputs) => (secondRuns++, second(inputs)) },
      });
      expect(loose.passed).toBe(true);
      expect(secondRuns).toBe(0);
      expect(loose.secondReference).toBeUndefined();
    } finally {
      candidate.dispose();
    }
  });
});
