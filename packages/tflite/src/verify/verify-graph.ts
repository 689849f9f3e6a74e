import { InvalidModelError } from '../errors.js';
import type { Graph } from '../graph.js';
import { validateGraph } from '../validate-graph.js';
import { DEFAULT_LIMITS, OpCheck, type VerifyLimits } from './check.js';
import { checkRescale, checkTensorQuantization } from './quantization.js';
import { RULES } from './rules/index.js';

const WEIGHTED = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'TRANSPOSE_CONV', 'FULLY_CONNECTED']);

export interface VerifyGraphOptions {
  /**
   * Custom operators no rule here knows: 'refuse' (default) fails with their name; 'allow' checks only their
   * tensors (quantization, sizes) and leaves the op to whatever implements it (the runtime does this for
   * custom ops, so an op module the app supplies can run and an engine that lacks the op names it).
   */
  unknownCustomOps?: 'refuse' | 'allow';
  /** Limits on what an op may compute; see DEFAULT_LIMITS. */
  limits?: Partial<VerifyLimits>;
}

/** Builtins and custom codes (`custom:<code>`) that `verifyGraph` has rules for. */
export function verifiedOps(): string[] {
  return Object.keys(RULES).sort();
}

/**
 * Semantic verification of a Graph, before any engine sees it: for every operator of every subgraph, the
 * rules of its op (operand counts, dtypes, shapes computed from the inputs and options against the declared
 * ones, broadcast, option ranges, quantization, constant sizes, the int32 bias scale of integer
 * convolutions and fully connected layers, int16x8), plus limits that keep a kernel from looping or
 * allocating without bound (zero strides, impossible sizes, huge outputs). Structural validity (indices,
 * buffer sizes, execution order) is checked first. Throws InvalidOperatorError naming the operator, the
 * rule and the values at the first defect; InvalidModelError for a structural one.
 */
export function verifyGraph(graph: Graph, options: VerifyGraphOptions = {}): void {
  validateGraph(graph, (reason, path, detail) => {
    throw new InvalidModelError(reason, path, detail);
  });
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  graph.subgraphs.forEach((subgraph, s) => {
    for (const side of ['inputs', 'outputs'] as const) {
      subgraph[side].forEach((index, i) => {
        const t = subgraph.tensors[index]!;
        const n = t.shape.reduce((a, d) => a * d, 1);
        if (n > limits.maxElements) {
          throw new InvalidModelError('limit', `subgraphs[${s}].${side}[${i}]`, `'${t.name}' [${t.shape.join(', ')}] has ${n} elements, more than the limit of ${limits.maxElements}`);
        }
        // An empty model input or output has nothing to feed or read, and LiteRT cannot make its buffer.
        if (n === 0 && t.hasRank !== false) {
          throw new InvalidModelError('shape', `subgraphs[${s}].${side}[${i}]`, `'${t.name}' has shape [${t.shape.join(', ')}]: a model input or output needs at least one element`);
        }
      });
    }
    const seen = new Uint8Array(subgraph.tensors.length);
    subgraph.operators.forEach((op, o) => {
      const check = new OpCheck(subgraph, s, o, op, limits);
      for (const index of [...op.inputs, ...op.outputs]) {
        if (index < 0 || seen[index]) continue;
        seen[index] = 1;
        checkTensorQuantization(check, subgraph.tensors[index]!);
      }
      const rule = Object.hasOwn(RULES, check.opcode) ? RULES[check.opcode] : undefined;
      if (rule) {
        rule(check);
        // Weighted ops check their own (per-channel) multipliers.
        if (!WEIGHTED.has(op.opcode) && op.outputs[0]! >= 0) {
          checkRescale(check, op.inputs.map((i) => (i >= 0 ? subgraph.tensors[i] : undefined)), subgraph.tensors[op.outputs[0]!]!);
        }
        return;
      }
      if (op.opcode === 'CUSTOM' && options.unknownCustomOps === 'allow') {
        op.outputs.forEach((index) => index >= 0 && check.size(subgraph.tensors[index]!.shape, 'output'));
        return;
      }
      check.fail('op.known', `${check.opcode} is not an op Borde knows; no engine is given a model whose operators cannot be checked`, { opcode: check.opcode });
    });
  });
}
