// The calibration statistics the converter stores in the model it writes (metadata entry
// `borde_calibration_stats`, see @borde/runtime's monitor), so that an app can watch for drift on the device.
import { writeModel, type Graph, type Tensor } from '@borde/tflite';
import { buildCalibrationStats, roundHalfAwayFromZero, CALIBRATION_STATS_METADATA, encodeCalibrationStats, type CalibrationStats } from '@borde/runtime';
import { ConverterError } from '../errors.js';
import { liteRtRunner } from '../verify/interpreter.js';
import type { TensorValue } from '../verify/tensor-value.js';

/** At most this many calibration samples are run for the statistics (500 is TFLite's usual calibration size). */
const MAX_STATS_SAMPLES = 500;

/**
 * Runs the written model (`graph`, quantized or not) in LiteRT on the calibration samples and returns `graph`
 * with the statistics of its inputs and outputs as a metadata entry (replacing an older one). The outputs are
 * the ones the device will see (an int8 softmax has 1/256 steps a float reference would not have); values are
 * real numbers, which is what the monitor compares after dequantizing int8 tensors.
 */
export async function withCalibrationStats(
  graph: Graph,
  samples: readonly TensorValue[][],
): Promise<{ graph: Graph; stats: CalibrationStats; bytes: number }> {
  const sg = graph.subgraphs[0]!;
  const info = (i: number) => ({ name: sg.tensors[i]!.name, shape: sg.tensors[i]!.shape });
  // Interpreters name outputs by signature key or tensor name: each graph output is found by either.
  const signature = graph.signatures[0];
  const namesOf = (tensor: number) => [sg.tensors[tensor]!.name, ...(signature?.outputs.filter((o) => o.tensorIndex === tensor).map((o) => o.name) ?? [])];
  const runner = liteRtRunner(writeModel(graph));
  const runs = [];
  try {
    for (const inputs of samples.slice(0, MAX_STATS_SAMPLES)) {
      const outputs = await runner.run(inputs.map((t, k) => toModelInput(t, sg.tensors[sg.inputs[k]!]!)));
      runs.push({
        inputs: inputs.map((t) => t.data as Float32Array),
        outputs: sg.outputs.map((tensor) => {
          const names = namesOf(tensor);
          const found = outputs.find((o) => o.name !== undefined && names.includes(o.name));
          if (!found) {
            throw new ConverterError('VERIFY_FAILED', `calibration statistics: LiteRT returned no output named ${names.join(' or ')} ` +
              `(it returned ${outputs.map((o) => o.name).join(', ')}); please report the model`);
          }
          return realOf(found, sg.tensors[tensor]!);
        }),
      });
    }
  } finally {
    runner.dispose();
  }
  const stats = buildCalibrationStats({ inputs: sg.inputs.map(info), outputs: sg.outputs.map(info) }, runs);
  const data = encodeCalibrationStats(stats);
  const metadata = [...graph.metadata.filter((m) => m.name !== CALIBRATION_STATS_METADATA), { name: CALIBRATION_STATS_METADATA, data }];
  return { graph: { ...graph, metadata }, stats, bytes: data.byteLength };
}

/** A float calibration sample as the model takes it: quantized with the input's parameters when it is int8. */
function toModelInput(value: TensorValue, tensor: Tensor): TensorValue {
  const q = tensor.quantization;
  if ((tensor.dtype !== 'int8' && tensor.dtype !== 'uint8') || !q?.scale.length) return value;
  const [lo, hi] = tensor.dtype === 'int8' ? [-128, 127] : [0, 255];
  const data = Array.from(value.data as Float32Array, (v) => Math.min(hi, Math.max(lo, roundHalfAwayFromZero(v / q.scale[0]!) + Number(q.zeroPoint[0]!))));
  return { ...value, dtype: tensor.dtype, data: tensor.dtype === 'int8' ? Int8Array.from(data) : Uint8Array.from(data) };
}

function realOf(value: TensorValue, tensor: Tensor): ArrayLike<number> {
  const q = tensor.quantization;
  if (value.dtype === 'float32' || !q?.scale.length) return value.data as Float32Array;
  const scale = q.scale[0]!;
  const zero = Number(q.zeroPoint[0]!);
  return Float32Array.from(value.data as ArrayLike<number>, (v) => (v - zero) * scale);
}
