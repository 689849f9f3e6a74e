import type { Graph } from '@borde/tflite';
import type { TensorValue } from '../verify/tensor-value.js';
import { openExposed } from './expose-tensors.js';
import { samplesFor } from './model-io.js';

export interface LayerError {
  /** The float tensor's name: the source layer that produced it. */
  name: string;
  /** Index of the float tensor in the float graph. */
  tensor: number;
  /** Signal-to-quantization-noise ratio of the int8 activation against the float one, in dB (higher is better). */
  sqnrDb: number;
}

/**
 * Per-layer error of an int8 model against its float model: both run in the official interpreter with every
 * activation exposed, and each int8 activation, dequantized, is compared with the float activation it
 * replaces. Sorted worst first, so a user sees where accuracy went.
 */
export async function layerErrors(
  floatGraph: Graph,
  int8Graph: Graph,
  tensorMap: Map<number, number>,
  samples: TensorValue[][],
): Promise<LayerError[]> {
  const int8Samples = samplesFor(int8Graph, samples);
  const floatSub = floatGraph.subgraphs[0]!;
  const int8Sub = int8Graph.subgraphs[0]!;
  const pairs = [...tensorMap].filter(([f]) => !floatSub.inputs.includes(f));
  const floatModel = await openExposed(floatGraph, pairs.map(([f]) => f));
  const int8Model = await openExposed(int8Graph, pairs.map(([, q]) => q));
  try {
    const signal = new Float64Array(pairs.length);
    const noise = new Float64Array(pairs.length);
    const params = pairs.map(([, q]) => int8Sub.tensors[q]!.quantization!);
    for (const [n, inputs] of samples.entries()) {
      // The int8 activations are copied (a quarter of the float bytes); the float ones are read in place.
      const ints = await int8Model.run(int8Samples[n]!);
      await floatModel.visit(inputs, (p, f) => {
        accumulate(f as Float32Array, ints[p]![1] as Int8Array, params[p]!.scale[0]!, params[p]!.zeroPoint[0]!, signal, noise, p);
      });
    }
    return pairs
      .map(([f], p) => ({
        name: floatSub.tensors[f]!.name,
        tensor: f,
        sqnrDb: noise[p] === 0 ? Infinity : 10 * Math.log10(signal[p]! / noise[p]!),
      }))
      .sort((a, b) => a.sqnrDb - b.sqnrDb);
  } finally {
    floatModel.close();
    int8Model.close();
  }
}

/**
 * Adds one sample's signal (sum of f^2) and noise (sum of (f - dequantized q)^2) to slot `p`. Locals in a
 * tight loop: it runs over every activation of every judged sample. Same operations, in the same order, as
 * a per-element accumulation into the arrays, so the sums are the same to the last bit.
 */
function accumulate(f: Float32Array, q: ArrayLike<number>, scale: number, zeroPoint: number, signal: Float64Array, noise: Float64Array, p: number): void {
  let s = signal[p]!;
  let e = noise[p]!;
  for (let k = 0; k < f.length; k++) {
    const v = f[k]!;
    const d = v - (q[k]! - zeroPoint) * scale;
    s += v * v;
    e += d ** 2;
  }
  signal[p] = s;
  noise[p] = e;
}
