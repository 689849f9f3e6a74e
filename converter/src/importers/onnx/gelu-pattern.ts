import type { ConstTensor } from '../graph-ops/types.js';
import type { OnnxNode } from './read-model.js';

/**
 * Finds exact GELU written with Erf, as exporters emit it before opset 20 (x * 0.5 * (1 + erf(x / sqrt 2)),
 * in any of the three multiplication orders), and replaces each with one Gelu node, which becomes TFLite GELU.
 * TFLite has no ERF; any other Erf stays and is reported unsupported.
 */
export function fuseErfGelu(nodes: OnnxNode[], initializers: Map<string, ConstTensor>): OnnxNode[] {
  if (!nodes.some((n) => n.opType === 'Erf')) return nodes;
  const producer = new Map<string, OnnxNode>();
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const scalar = (name: string): number | undefined => {
    const init = initializers.get(name);
    if (init) return init.data.length === 1 ? Number(init.data[0]) : undefined;
    const p = producer.get(name);
    const a = p?.opType === 'Constant' ? p.attrs.get('value') : undefined;
    return a?.kind === 'tensor' && a.value.data.length === 1 ? Number(a.value.data[0]) : undefined;
  };
  const near = (v: number | undefined, want: number): boolean => v !== undefined && Math.abs(v - want) < 1e-4;
  /** The other operand of a binary node whose one operand is the scalar `want`. */
  const otherOf = (n: OnnxNode | undefined, op: string, want: number): string | undefined => {
    if (n?.opType !== op || n.inputs.length !== 2) return undefined;
    if (near(scalar(n.inputs[1]!), want)) return n.inputs[0];
    if (near(scalar(n.inputs[0]!), want)) return n.inputs[1];
    return undefined;
  };
  const only = (name: string): OnnxNode | undefined => {
    const list = consumers.get(name) ?? [];
    return list.length === 1 ? list[0] : undefined;
  };
  const removed = new Set<OnnxNode>();
  const replacement = new Map<OnnxNode, OnnxNode>();
  for (const erf of nodes) {
    if (erf.opType !== 'Erf' || erf.domain !== '') continue;
    const scaleNode = producer.get(erf.inputs[0]!);
    const x = otherOf(scaleNode, 'Div', Math.SQRT2) ?? otherOf(scaleNode, 'Mul', Math.SQRT1_2);
    if (x === undefined || only(erf.inputs[0]!) !== erf) continue;
    const add = only(erf.outputs[0]!);
    if (otherOf(add, 'Add', 1) !== erf.outputs[0]) continue;
    const mul1 = only(add!.outputs[0]!);
    if (mul1?.opType !== 'Mul') continue;
    const partner = mul1.inputs[0] === add!.outputs[0] ? mul1.inputs[1]! : mul1.inputs[0]!;
    let last: OnnxNode | undefined;
    let half: OnnxNode | undefined;
    if (partner === x) {
      const mul2 = only(mul1.outputs[0]!);
      if (otherOf(mul2, 'Mul', 0.5) === mul1.outputs[0]) last = mul2;
    } else if (otherOf(mul1, 'Mul', 0.5) === add!.outputs[0]) {
      // 0.5 * (1 + erf) first, then times x.
      const mul2 = only(mul1.outputs[0]!);
      if (mul2?.opType === 'Mul' && mul2.inputs.includes(x) && mul2.inputs.includes(mul1.outputs[0]!)) last = mul2;
    } else if (otherOf(producer.get(partner), 'Mul', 0.5) === x && only(partner) === mul1) {
      half = producer.get(partner);
      last = mul1;
    }
    if (!last) continue;
    for (const n of [scaleNode!, erf, add!, mul1, last, half]) if (n) removed.add(n);
    replacement.set(last, { name: `${erf.name}/gelu`, opType: 'Gelu', domain: '', inputs: [x], outputs: [last.outputs[0]!], attrs: new Map() });
  }
  return nodes.flatMap((n) => (replacement.has(n) ? [replacement.get(n)!] : removed.has(n) ? [] : [n]));
}
