import { dtypeByteLength, tensorTypeFromDType } from '../dtypes.js';
import { InvalidGraphError } from '../errors.js';
import { elementCount, type Graph } from '../graph.js';
import { builtinCode } from '../opcodes.js';

/**
 * The checks writeModel cannot do without: what would otherwise produce a file an interpreter rejects or
 * misreads. (A fuller validator, validate-graph.ts, replaces this when it is available.)
 */
export function checkGraph(graph: Graph): void {
  const fail = (path: string, detail: string): never => {
    throw new InvalidGraphError(path, detail);
  };
  if (graph.subgraphs.length === 0) fail('subgraphs', 'a model needs at least one subgraph');
  graph.subgraphs.forEach((sg, s) => {
    const at = `subgraphs[${s}]`;
    const count = sg.tensors.length;
    const checkIndex = (index: number, path: string, optional: boolean) => {
      if (optional && index === -1) return;
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        fail(path, `tensor ${index} out of range (0..${count - 1})`);
      }
    };
    sg.tensors.forEach((t, i) => {
      const tp = `${at}.tensors[${i}]`;
      if (tensorTypeFromDType(t.dtype) === undefined) fail(`${tp}.dtype`, `unknown dtype '${t.dtype}'`);
      if (t.shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0x7fffffff)) {
        fail(`${tp}.shape`, `dimensions must be integers in 0..2^31-1, got [${t.shape.join(', ')}]`);
      }
      if (t.data && t.data.length > 0 && t.sparsity == null) {
        const expected = dtypeByteLength(t.dtype, elementCount(t.shape));
        if (expected !== undefined && expected !== t.data.length) {
          fail(`${tp}.data`, `${t.data.length} bytes, but shape [${t.shape.join(', ')}] of ${t.dtype} needs ${expected}`);
        }
      }
    });
    sg.inputs.forEach((index, k) => checkIndex(index, `${at}.inputs[${k}]`, false));
    sg.outputs.forEach((index, k) => checkIndex(index, `${at}.outputs[${k}]`, false));
    sg.operators.forEach((op, o) => {
      const op_ = `${at}.operators[${o}]`;
      if (op.opcode === 'CUSTOM') {
        if (!op.customCode) fail(`${op_}.customCode`, 'a CUSTOM operator needs a customCode (its name)');
      } else if (builtinCode(op.opcode) === undefined) {
        fail(`${op_}.opcode`, `unknown builtin operator '${op.opcode}'`);
      }
      op.inputs.forEach((index, k) => checkIndex(index, `${op_}.inputs[${k}]`, true));
      op.outputs.forEach((index, k) => checkIndex(index, `${op_}.outputs[${k}]`, false));
      (op.intermediates ?? []).forEach((index, k) => checkIndex(index, `${op_}.intermediates[${k}]`, false));
    });
  });
  graph.signatures.forEach((sig, k) => {
    const at = `signatures[${k}]`;
    const sg = graph.subgraphs[sig.subgraphIndex];
    if (!sg) fail(`${at}.subgraphIndex`, `subgraph ${sig.subgraphIndex} out of range (0..${graph.subgraphs.length - 1})`);
    for (const [side, list] of [['inputs', sig.inputs], ['outputs', sig.outputs]] as const) {
      list.forEach((entry, e) => {
        if (!Number.isInteger(entry.tensorIndex) || entry.tensorIndex < 0 || entry.tensorIndex >= sg!.tensors.length) {
          fail(`${at}.${side}[${e}].tensorIndex`, `tensor ${entry.tensorIndex} out of range (0..${sg!.tensors.length - 1})`);
        }
      });
    }
  });
}
