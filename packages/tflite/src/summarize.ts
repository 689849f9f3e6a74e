import type { DType } from './dtypes.js';
import { elementCount, type Graph, type Operator, type Quantization } from './graph.js';
import { opVersion } from './op-versions.js';

export interface TensorSummary {
  name: string;
  /** Tensor index in the main subgraph. */
  index: number;
  dtype: DType;
  shape: number[];
  quantization?: Quantization;
}

export interface OperatorSummary {
  subgraph: number;
  index: number;
  /** Builtin name such as `CONV_2D`, or `custom:<name>` for custom operators. */
  opcode: string;
  version: number;
  inputs: number[];
  outputs: number[];
}

export interface ModelSummary {
  /** Inputs and outputs of the main subgraph (subgraph 0). */
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  /** Operators of every subgraph, in execution order. */
  operators: OperatorSummary[];
  /** Operator count by opcode (as in `operators[].opcode`). */
  opHistogram: Record<string, number>;
  /** Elements of all constant tensors; a buffer shared by several tensors counts once. */
  parameterCount: number;
  /** Bytes of constant data by dtype; shared buffers count once. */
  bytesByDtype: Partial<Record<DType, number>>;
  /** Tensors carrying quantization parameters, and how many of those have one scale per channel. */
  quantizedTensors: { count: number; perChannel: number };
  /** Tensors in all subgraphs. */
  tensors: number;
  subgraphs: number;
  /** Size of the model file, when the caller knows it. */
  sizeBytes?: number;
}

/** What a model holds, for people (`borde inspect`) and programs (`--json`). */
export function summarize(graph: Graph, options: { sizeBytes?: number } = {}): ModelSummary {
  const main = graph.subgraphs[0];
  const describe = (index: number): TensorSummary => {
    const t = main!.tensors[index]!;
    const summary: TensorSummary = { name: t.name, index, dtype: t.dtype, shape: [...t.shape] };
    if (t.quantization) summary.quantization = t.quantization;
    return summary;
  };

  const operators: OperatorSummary[] = [];
  const opHistogram: Record<string, number> = {};
  const seenData = new Set<Uint8Array>();
  const bytesByDtype: Partial<Record<DType, number>> = {};
  let parameterCount = 0;
  let tensors = 0;
  const quantizedTensors = { count: 0, perChannel: 0 };

  graph.subgraphs.forEach((sg, s) => {
    tensors += sg.tensors.length;
    sg.operators.forEach((op, index) => {
      const opcode = opcodeLabel(op);
      opHistogram[opcode] = (opHistogram[opcode] ?? 0) + 1;
      const version = op.version && op.version > 0 ? op.version : opVersion(op, sg);
      operators.push({ subgraph: s, index, opcode, version, inputs: [...op.inputs], outputs: [...op.outputs] });
    });
    for (const t of sg.tensors) {
      if (t.quantization && t.quantization.scale.length > 0) {
        quantizedTensors.count++;
        if (t.quantization.scale.length > 1) quantizedTensors.perChannel++;
      }
      if (t.data && t.data.length > 0 && !seenData.has(t.data)) {
        seenData.add(t.data);
        parameterCount += elementCount(t.shape);
        bytesByDtype[t.dtype] = (bytesByDtype[t.dtype] ?? 0) + t.data.length;
      }
    }
  });

  const summary: ModelSummary = {
    inputs: main ? main.inputs.map(describe) : [],
    outputs: main ? main.outputs.map(describe) : [],
    operators,
    opHistogram,
    parameterCount,
    bytesByDtype,
    quantizedTensors,
    tensors,
    subgraphs: graph.subgraphs.length,
  };
  if (options.sizeBytes !== undefined) summary.sizeBytes = options.sizeBytes;
  return summary;
}

function opcodeLabel(op: Operator): string {
  return op.opcode === 'CUSTOM' ? `custom:${op.customCode ?? ''}` : op.opcode;
}
