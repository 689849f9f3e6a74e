// Seeded semantic mutations of a Graph: each one changes a single thing a hostile or broken file could
// (a scale, a zero point, a shape, an option, an operand index, a stride, a buffer, a dtype, an opcode),
// leaving the rest of the model intact. The original Graph is never modified.
import { createRng } from '@borde/converter/verify';
import type { DType, Graph, Operator, Subgraph, Tensor } from '@borde/tflite';

export type Random = () => number;

/** The project's one seeded generator (mulberry32), so a case number replays the same mutation. */
export const seededRandom: (seed: number) => Random = createRng;

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)]!;
const int = (lo: number, hi: number, random: Random): number => lo + Math.floor(random() * (hi - lo + 1));

/** A copy deep enough that mutating tensors, operators, shapes, quantization and options leaves `g` alone (data shared). */
function cloneGraph(g: Graph): Graph {
  return {
    ...g,
    subgraphs: g.subgraphs.map((s) => ({
      ...s,
      inputs: [...s.inputs],
      outputs: [...s.outputs],
      tensors: s.tensors.map((t) => ({
        ...t,
        shape: [...t.shape],
        ...(t.shapeSignature ? { shapeSignature: [...t.shapeSignature] } : {}),
        ...(t.quantization ? { quantization: { ...t.quantization, scale: [...t.quantization.scale], zeroPoint: [...t.quantization.zeroPoint] } } : {}),
      })),
      operators: s.operators.map((o) => ({ ...o, inputs: [...o.inputs], outputs: [...o.outputs], ...(o.options ? { options: { ...o.options } } : {}) })),
    })),
  };
}

interface Site {
  sg: Subgraph;
  random: Random;
}

type Mutation = (site: Site) => string | undefined;

const quantized = (sg: Subgraph) => sg.tensors.filter((t) => (t.quantization?.scale.length ?? 0) > 0);
const activations = (sg: Subgraph) => sg.tensors.filter((t) => !t.data);
const constants = (sg: Subgraph) => sg.tensors.filter((t) => t.data && !t.sparsity);

const SCALE_EDGES = (s: number) => [0, -1, -s, 1e-45, 1e-30, 1e30, 3e38, s * 2, s * 0.5, s * 1e-4, s * 1e4, Number.MIN_VALUE, 1];
const ZERO_POINT_EDGES = [255, 256, -129, 128, 127, -128, 0, 1, -1, 1000, 32767, -32768, 65535];
const OPTION_EDGES: unknown[] = [0, -1, 1, 2, 3, 4, 5, 6, 7, 100, 1 << 20, 0x7fffffff, -0x80000000, true, false];
const DTYPES: DType[] = ['float32', 'float16', 'int32', 'uint8', 'int64', 'bool', 'int16', 'int8', 'float64', 'string'];
const FAMILIES: string[][] = [
  // Only ops defined for every finite input: a swap to LOG/RSQRT/SQRT/DIV/POW/EXP makes a valid model whose
  // math is NaN or Infinity for some inputs, which no verifier can know without the data.
  ['ADD', 'SUB', 'MUL', 'MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE', 'LESS', 'EQUAL'],
  ['RELU', 'RELU6', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'ELU', 'SOFTMAX', 'ABS', 'GELU', 'RELU_N1_TO_1'],
  ['CONV_2D', 'DEPTHWISE_CONV_2D', 'TRANSPOSE_CONV', 'FULLY_CONNECTED'],
  ['MAX_POOL_2D', 'AVERAGE_POOL_2D', 'L2_POOL_2D'],
  ['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'TRANSPOSE', 'TILE', 'GATHER'],
  ['MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN', 'REDUCE_PROD', 'ARG_MAX'],
  ['PAD', 'PADV2', 'MIRROR_PAD'],
  ['RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR'],
];

const MUTATIONS: Record<string, Mutation> = {
  scale({ sg, random }) {
    const t = pick(quantized(sg), random);
    if (!t) return undefined;
    const c = int(0, t.quantization!.scale.length - 1, random);
    const value = pick(SCALE_EDGES(t.quantization!.scale[c]!), random);
    t.quantization!.scale[c] = value;
    return `${t.name}.scale[${c}] = ${value}`;
  },
  zeroPoint({ sg, random }) {
    const t = pick(quantized(sg), random);
    if (!t) return undefined;
    const c = int(0, t.quantization!.zeroPoint.length - 1, random);
    const value = random() < 0.7 ? pick(ZERO_POINT_EDGES, random) : int(-300, 300, random);
    t.quantization!.zeroPoint[c] = value;
    return `${t.name}.zeroPoint[${c}] = ${value}`;
  },
  quantizedDimension({ sg, random }) {
    const t = pick(quantized(sg), random);
    if (!t) return undefined;
    t.quantization!.quantizedDimension = int(0, Math.max(0, t.shape.length - 1), random);
    return `${t.name}.quantizedDimension = ${t.quantization!.quantizedDimension}`;
  },
  shape({ sg, random }) {
    const t = pick(random() < 0.85 ? activations(sg) : sg.tensors, random);
    if (!t) return undefined;
    const roll = random();
    if (roll < 0.15 && t.shape.length > 0) {
      t.shape.pop();
      t.shapeSignature?.pop();
      return `${t.name} drops its last dimension`;
    }
    if (roll < 0.3) {
      t.shape.push(pick([1, 2, 3], random));
      t.shapeSignature?.push(t.shape.at(-1)!);
      return `${t.name} gains a dimension`;
    }
    if (t.shape.length === 0) return undefined;
    const k = int(0, t.shape.length - 1, random);
    const d = t.shape[k]!;
    const value = pick([0, 1, 2, d + 1, d - 1, d * 2, Math.max(1, d >> 1), 3, 100000, 1 << 20], random);
    t.shape[k] = Math.max(0, value);
    if (t.shapeSignature) t.shapeSignature[k] = t.shapeSignature[k] === -1 ? -1 : t.shape[k]!;
    return `${t.name}.shape[${k}] ${d} -> ${t.shape[k]}`;
  },
  option({ sg, random }) {
    const op = pick(sg.operators.filter((o) => o.options && Object.keys(o.options).length > 0), random);
    if (!op) return undefined;
    const key = pick(Object.keys(op.options!).filter((k) => typeof op.options![k] !== 'object'), random);
    if (!key) return undefined;
    const value = pick(OPTION_EDGES, random);
    op.options![key] = typeof op.options![key] === 'boolean' ? !op.options![key] : typeof value === 'boolean' ? Number(value) : value;
    return `${op.opcode}.${key} = ${String(op.options![key])}`;
  },
  stride({ sg, random }) {
    const op = pick(sg.operators.filter((o) => o.options && ('strideW' in o.options || 'filterWidth' in o.options || 'dilationWFactor' in o.options)), random);
    if (!op) return undefined;
    const key = pick(['strideW', 'strideH', 'dilationWFactor', 'dilationHFactor', 'filterWidth', 'filterHeight'].filter((k) => k in op.options!), random)!;
    op.options![key] = pick([0, -1, 1, 2, 3, 7, 1000, 1 << 30], random);
    return `${op.opcode}.${key} = ${String(op.options![key])}`;
  },
  operand({ sg, random }) {
    const op = pick(sg.operators, random);
    if (!op) return undefined;
    const roll = random();
    if (roll < 0.15) {
      op.inputs.pop();
      return `${op.opcode} loses its last input`;
    }
    if (roll < 0.25) {
      op.inputs.push(int(0, sg.tensors.length - 1, random));
      return `${op.opcode} gains an input`;
    }
    if (op.inputs.length === 0) return undefined;
    const i = int(0, op.inputs.length - 1, random);
    op.inputs[i] = random() < 0.1 ? -1 : int(0, sg.tensors.length - 1, random);
    return `${op.opcode}.inputs[${i}] = ${op.inputs[i]}`;
  },
  buffer({ sg, random }) {
    const list = constants(sg);
    const t = pick(list, random);
    if (!t) return undefined;
    const roll = random();
    if (roll < 0.4) {
      const same = list.filter((u) => u !== t && u.data!.length === t.data!.length);
      const other = pick(same.length > 0 ? same : list, random)!;
      t.data = other.data;
      return `${t.name} takes the data of ${other.name}`;
    }
    if (roll < 0.6) {
      t.data = t.data!.slice(0, Math.max(0, t.data!.length - pick([1, 4, t.data!.length], random)));
      return `${t.name} data truncated`;
    }
    // Integer constants (shapes, axes, paddings, sizes) are where one value changes what a kernel does.
    if (t.dtype === 'int32' && t.data!.length >= 4) {
      const data = t.data!.slice();
      const view = new DataView(data.buffer);
      const k = int(0, data.length / 4 - 1, random);
      view.setInt32(4 * k, pick([0, -1, -2, 1, 2, 7, 1000, 1 << 20, 0x7fffffff, -0x80000000], random), true);
      t.data = data;
      return `${t.name}[${k}] = ${view.getInt32(4 * k, true)}`;
    }
    t.data = new Uint8Array(t.data!.length + pick([1, 4, 64], random));
    return `${t.name} data grows`;
  },
  dtype({ sg, random }) {
    const t = pick(sg.tensors, random);
    if (!t) return undefined;
    const before = t.dtype;
    t.dtype = pick(DTYPES, random);
    return `${t.name}.dtype ${before} -> ${t.dtype}`;
  },
  opcode({ sg, random }) {
    const op = pick(sg.operators, random);
    if (!op) return undefined;
    const family = FAMILIES.find((f) => f.includes(op.opcode)) ?? pick(FAMILIES, random);
    const before = op.opcode;
    op.opcode = pick(family, random);
    return `${before} -> ${op.opcode}`;
  },
  customOptions({ sg, random }) {
    const op = pick(sg.operators.filter((o) => o.customOptions), random);
    if (!op) return undefined;
    const data = op.customOptions!.slice();
    const k = int(0, Math.max(0, data.length / 4 - 1), random);
    if (data.length >= 4) new DataView(data.buffer).setInt32(4 * k, pick([0, -1, 1, 2, 3, 1000, 1 << 30], random), true);
    op.customOptions = data;
    return `${op.customCode} custom option ${k}`;
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One seeded mutation of `graph` (subgraph 0); `what` says what changed. Undefined when nothing applied. */
export function mutate(graph: Graph, random: Random): { graph: Graph; what: string } | undefined {
  // A mutation that does not apply to this model (no quantized tensor, no custom op) gives way to another.
  for (let attempt = 0; attempt < 8; attempt++) {
    const copy = cloneGraph(graph);
    const name = pick(MUTATION_NAMES, random);
    const what = MUTATIONS[name]!({ sg: copy.subgraphs[0]!, random });
    if (what !== undefined) return { graph: copy, what: `${name}: ${what}` };
  }
  return undefined;
}

export type { Operator, Tensor };
