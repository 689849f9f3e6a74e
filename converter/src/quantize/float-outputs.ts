import type { Graph } from '@borde/tflite';
import { openInterpreter } from '../verify/interpreter.js';
import type { TensorValue } from '../verify/tensor-value.js';

/**
 * The float model and its outputs on each judged sample, run once in the official interpreter and kept
 * (per sample object): the all-int8 evaluation and every round of the mixed-precision search compare with
 * the same float run instead of running the float model again. Outputs are small (class scores, boxes);
 * activations are not kept here.
 */
export class FloatOutputs {
  private readonly cache = new WeakMap<TensorValue[], TensorValue[]>();

  constructor(readonly bytes: Uint8Array, readonly graph: Graph) {}

  /** The float model's outputs for each sample, in the samples' order. */
  async of(samples: TensorValue[][]): Promise<TensorValue[][]> {
    const missing = samples.filter((inputs) => !this.cache.has(inputs));
    if (missing.length > 0) {
      const model = await openInterpreter(this.bytes);
      try {
        for (const inputs of missing) this.cache.set(inputs, await model.run(inputs));
      } finally {
        model.close();
      }
    }
    return samples.map((inputs) => this.cache.get(inputs)!);
  }
}
