import type { Graph, Subgraph } from '@borde/tflite';
import { ConverterError } from '../errors.js';
import { openExposed } from './expose-tensors.js';
import type { TensorValue } from '../verify/tensor-value.js';
import { Histogram } from './histogram.js';
import type { Range } from './ranges.js';

export type CalibrationMethod = 'minmax' | 'percentile' | 'mse';

export interface CalibrationOptions {
  method?: CalibrationMethod;
  /** For `percentile`: the share of values kept inside the range, e.g. 99.99. */
  percentile?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CalibrationResult {
  /** Tensor index (in the float graph's first subgraph) -> range to quantize with. */
  ranges: Map<number, Range>;
  /** The plain observed min/max, whatever the method chose. */
  observed: Map<number, Range>;
  samples: number;
  method: CalibrationMethod;
}

/**
 * Runs the float graph on every representative sample in the official interpreter, with every float
 * activation exposed as an output, and records each activation's range. `minmax` is the classic TFLite
 * behaviour; `percentile` and `mse` clip outliers using a second pass over per-tensor histograms.
 */
export async function calibrate(graph: Graph, samples: TensorValue[][], options: CalibrationOptions = {}): Promise<CalibrationResult> {
  const method = options.method ?? 'minmax';
  const subgraph = graph.subgraphs[0]!;
  checkSamples(subgraph, samples);
  const watched = subgraph.tensors.flatMap((t, i) => (t.dtype === 'float32' && !t.data && !subgraph.inputs.includes(i) ? [i] : []));
  const model = await openExposed(graph, watched);
  try {
    // One range per watched tensor, widened in place sample by sample (model inputs first, as they come).
    const observed = new Map<number, Range>([...subgraph.inputs, ...watched].map((index) => [index, { min: Infinity, max: -Infinity }]));
    const inputRanges = subgraph.inputs.map((index) => observed.get(index)!);
    const watchedRanges = watched.map((index) => observed.get(index)!);
    const passes = method === 'minmax' ? 1 : 2;
    const histograms = new Map<number, Histogram>();
    const histogram = (index: number): Histogram => {
      let h = histograms.get(index);
      if (!h) histograms.set(index, (h = new Histogram(observed.get(index)!)));
      return h;
    };
    for (let pass = 0; pass < passes; pass++) {
      for (const [n, inputs] of samples.entries()) {
        // Activations are read in place in the interpreter's memory: no copy of each sample's activations.
        if (pass === 0) {
          inputs.forEach((input, i) => widen(inputRanges[i]!, input.data as Float32Array));
          await model.visit(inputs, (position, data) => widen(watchedRanges[position]!, data as Float32Array));
        } else {
          inputs.forEach((input, i) => histogram(subgraph.inputs[i]!).add(input.data as Float32Array));
          await model.visit(inputs, (position, data) => histogram(watched[position]!).add(data as Float32Array));
        }
        options.onProgress?.(pass * samples.length + n + 1, passes * samples.length);
      }
    }
    const ranges = new Map<number, Range>();
    for (const [index, range] of observed) {
      const h = histograms.get(index);
      ranges.set(index, !h ? range : method === 'percentile' ? h.percentileRange(options.percentile ?? 99.99) : h.mseRange());
    }
    return { ranges, observed, samples: samples.length, method };
  } finally {
    model.close();
  }
}

/**
 * Widens `range` to hold every value of `data` (NaN is ignored, as a comparison with it is false). Locals in
 * a tight loop: this runs over every activation of every sample (millions of values for a MobileNet).
 */
function widen(range: Range, data: ArrayLike<number>): void {
  let min = range.min;
  let max = range.max;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  range.min = min;
  range.max = max;
}

/** Sample shapes and values are checked before anything runs: errors name the sample and both shapes. */
function checkSamples(subgraph: Subgraph, samples: TensorValue[][]): void {
  if (samples.length === 0) throw new ConverterError('CALIBRATION', 'the calibration set is empty; pass 100-500 representative samples');
  for (const [n, inputs] of samples.entries()) {
    if (inputs.length !== subgraph.inputs.length) {
      throw new ConverterError('CALIBRATION', `calibration sample ${n} has ${inputs.length} input(s); the model takes ${subgraph.inputs.length}`);
    }
    for (const [i, input] of inputs.entries()) {
      const tensor = subgraph.tensors[subgraph.inputs[i]!]!;
      const want = tensor.shape.map((d, k) => (d < 0 || tensor.shapeSignature?.[k] === -1 ? input.shape[k] : d));
      if (input.shape.length !== want.length || input.shape.some((d, k) => d !== want[k])) {
        throw new ConverterError('CALIBRATION', `calibration sample ${n}, input '${tensor.name}': shape [${input.shape.join(', ')}] ` +
          `does not match the model input shape [${tensor.shape.join(', ')}]`);
      }
      const data = input.data as ArrayLike<number>;
      for (let k = 0; k < data.length; k++) {
        if (!Number.isFinite(data[k]!)) {
          throw new ConverterError('CALIBRATION', `calibration sample ${n}, input '${tensor.name}': element ${k} is ${data[k]}; ` +
            'samples must be finite numbers');
        }
      }
    }
  }
}
