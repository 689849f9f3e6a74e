// A float model on which plain int8 breaks one output (issue #10): one FULLY_CONNECTED computes both a
// wide-range regression value (unit 0, in the thousands) and three small class logits; SLICEs split them
// into a `distance` output and a SOFTMAX `class` output. Per-tensor int8 activations give the shared
// tensor a step of ~20, which rounds every logit to the same value: the class head collapses unless the
// shared layer stays float.
import { ActivationFunctionType, GraphBuilder, type Graph } from '@borde/tflite';
import { createRng, seededInputs } from '@borde/converter/verify';
import type { TensorValue } from '@borde/converter';

export function twoHeadModel(seed = 11): Graph {
  const rng = createRng(seed);
  const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
  const b = new GraphBuilder();
  const x = b.input('features', 'float32', [1, 8]);
  const fc = (input: number, name: string, units: number, inputs: number, kernel: Float32Array, activation: ActivationFunctionType) =>
    b.op('FULLY_CONNECTED', [input, b.constant(`${name}/kernel`, 'float32', [units, inputs], kernel), b.constant(`${name}/bias`, 'float32', [units], random(units, 0.1))],
      { optionsType: 'FullyConnectedOptions', options: { fusedActivationFunction: activation } },
      { name, dtype: 'float32', shape: [1, units] });
  const trunk = fc(x, 'trunk', 16, 8, random(128, 0.8), ActivationFunctionType.RELU);
  const heads = random(64, 1);
  for (let k = 0; k < 16; k++) heads[k] = heads[k]! * 2000; // unit 0: the wide-range regression value
  const both = fc(trunk, 'heads', 4, 16, heads, ActivationFunctionType.NONE);
  const slice = (name: string, begin: number, size: number) => b.op('SLICE',
    [both, b.constant(`${name}/begin`, 'int32', [2], Int32Array.of(0, begin)), b.constant(`${name}/size`, 'int32', [2], Int32Array.of(1, size))],
    { optionsType: 'SliceOptions', options: {} }, { name, dtype: 'float32', shape: [1, size] });
  const distance = slice('distance', 0, 1);
  const logits = slice('logits', 1, 3);
  const probs = b.op('SOFTMAX', [logits], { optionsType: 'SoftmaxOptions', options: { beta: 1 } }, { name: 'class', dtype: 'float32', shape: [1, 3] });
  b.output(distance);
  b.output(probs);
  return b.build();
}

/** Seeded inputs in [0, 1] for the two-head model. */
export function twoHeadSamples(count: number, seed = 500): TensorValue[][] {
  return Array.from({ length: count }, (_, i) => seededInputs([{ name: 'features', dtype: 'float32', shape: [1, 8], range: [0, 1] }], seed + i));
}
