import { writeModel, type Graph, type Subgraph, type Tensor } from '@borde/tflite';
import { openInterpreter } from '../verify/interpreter.js';
import type { TensorValue } from '../verify/tensor-value.js';
import { hasInt16Kernel } from './op-rules.js';
import { quantizeInt8, type Int8Options } from './quantize-int8.js';
import type { Range } from './ranges.js';

/** Median milliseconds per run in LiteRT (XNNPACK) of one op in each precision the search can give it. */
export interface ChoiceLatency {
  int8: number;
  /** Absent where TFLite has no int16 kernel for the op, or LiteRT refused its int16 form. */
  int16?: number;
  /** Why LiteRT refused the op's int16 form, where it did. */
  int16Refused?: string;
  float: number;
}

/** Timed runs per measurement, after warm-up; the median is kept (2 shared cores make single runs noisy). */
const RUNS = 15;
const WARMUP = 3;

/** Median wall time of `run` over RUNS calls, after WARMUP calls. */
export async function medianMs(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Median LiteRT latency of a whole model on one sample. */
export async function modelLatencyMs(bytes: Uint8Array, inputs: TensorValue[]): Promise<number> {
  const model = await openInterpreter(bytes);
  try {
    return await medianMs(() => model.run(inputs));
  } finally {
    model.close();
  }
}

/**
 * What each precision of operator `index` costs in LiteRT, measured the way it sits in an int8 model: the op
 * alone, with int8 inputs and outputs. int8 runs it directly (XNNPACK's int8 kernels); float adds the
 * DEQUANTIZE and QUANTIZE around it (XNNPACK's float kernels); int16 adds the int8<->int16 QUANTIZEs and runs
 * TFLite's reference int16 kernels (XNNPACK has no 16x8 path).
 */
export async function measureOpChoices(
  graph: Graph,
  ranges: Map<number, Range>,
  index: number,
  options: Pick<Int8Options, 'perChannelDense'>,
): Promise<ChoiceLatency> {
  const { single, singleRanges } = singleOpGraph(graph, ranges, index);
  const time = async (choice: Pick<Int8Options, 'keepFloat' | 'int16Ops'>) => {
    const { graph: quantized } = quantizeInt8(single, singleRanges, { ...options, ...choice, io: 'int8' });
    const sub = quantized.subgraphs[0]!;
    return modelLatencyMs(writeModel(quantized), sub.inputs.map((i) => filledInput(sub.tensors[i]!)));
  };
  const opcode = graph.subgraphs[0]!.operators[index]!.opcode;
  const int8 = await time({});
  const float = await time({ keepFloat: new Map([[0, 'measured']]) });
  // An int16 form LiteRT refuses (a kernel constraint this op's shapes or options break) is not a choice.
  let int16: Pick<ChoiceLatency, 'int16' | 'int16Refused'> = {};
  if (hasInt16Kernel(opcode)) {
    int16 = await time({ int16Ops: new Set([0]) }).then((ms) => ({ int16: ms }), (e: unknown) => ({ int16Refused: (e as Error).message }));
  }
  return { int8, float, ...int16 };
}

/** Operator `index` of the first subgraph as a model of its own: its activations are the inputs and outputs. */
function singleOpGraph(graph: Graph, ranges: Map<number, Range>, index: number): { single: Graph; singleRanges: Map<number, Range> } {
  const sub = graph.subgraphs[0]!;
  const op = sub.operators[index]!;
  const tensors: Tensor[] = [];
  const remap = new Map<number, number>();
  const singleRanges = new Map<number, Range>();
  const take = (i: number): number => {
    if (i < 0) return i;
    let j = remap.get(i);
    if (j === undefined) {
      j = tensors.push({ ...sub.tensors[i]! }) - 1;
      remap.set(i, j);
      const range = ranges.get(i);
      if (range) singleRanges.set(j, range);
    }
    return j;
  };
  const inputs = op.inputs.map(take);
  const outputs = op.outputs.map(take);
  const subgraph: Subgraph = {
    name: 'op',
    tensors,
    operators: [{ ...op, inputs, outputs }],
    inputs: [...new Set(inputs.filter((i) => i >= 0 && !tensors[i]!.data))],
    outputs,
  };
  return { single: { ...graph, subgraphs: [subgraph], signatures: [] }, singleRanges };
}

/** A seeded input for timing (values do not change the work an interpreter does). */
function filledInput(tensor: Tensor): TensorValue {
  const shape = tensor.shape.map((d) => (d < 0 ? 1 : d));
  const n = shape.reduce((a, b) => a * b, 1);
  const pattern = (k: number) => ((k * 37) % 101) - 50;
  switch (tensor.dtype) {
    case 'int8': return { dtype: 'int8', shape, data: Int8Array.from({ length: n }, (_, k) => pattern(k)) };
    case 'int32': return { dtype: 'int32', shape, data: new Int32Array(n) };
    default: return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, (_, k) => pattern(k) / 50) };
  }
}
