import type { ControlFlowRegion, UnsupportedItem } from '../errors.js';
import { attrString, parseInputRef } from './graph-ops/attrs.js';
import { isControlFlow } from './graph-ops/index.js';
import type { NodeDef, Value } from './graph-ops/types.js';

/** What a refusal says about the control flow of a graph-model, when it has any. */
export interface ControlFlowFindings {
  regions: ControlFlowRegion[];
  /** Node outputs (`name` or `name:k`) to pass to --outputs: the model's outputs that need no control flow, and the tensors feeding it. */
  suggestedOutputs: string[];
  /** Node outputs to pass to --inputs: the tensors the control flow produces for the rest of the graph. */
  suggestedInputs: string[];
  isControlFlow: (item: UnsupportedItem) => boolean;
}

const FUNCTIONAL_LOOPS = new Set(['While', 'StatelessWhile']);
/** TF1 ops whose outputs stay inside a loop or conditional: only Exit, TensorArray reads and TF2 While/If hand tensors out. */
const INSIDE_LOOP = new Set(['Enter', 'Merge', 'Switch', 'NextIteration', 'LoopCond']);

/**
 * Names each loop (TF1: the Enter nodes' frame, TF2: the While node) and conditional, and works out the
 * cut that avoids them: the tensors the importer computed from the inputs (never constants) that feed a
 * control-flow node, plus the requested outputs that were converted without any.
 */
export function controlFlowLoops(
  nodes: Map<string, NodeDef>,
  unsupported: UnsupportedItem[],
  values: Map<string, Value[]>,
  roots: { node: string; output: number }[],
): ControlFlowFindings | undefined {
  const flow = unsupported.filter((item) => isControlFlow(item.type));
  if (flow.length === 0) return undefined;

  const regions = new Map<string, ControlFlowRegion>();
  const add = (name: string, kind: ControlFlowRegion['kind']) => {
    const region = regions.get(name) ?? { name, kind, nodes: 0 };
    region.nodes++;
    regions.set(name, region);
  };
  const frames = flow.flatMap((item) => {
    const node = nodes.get(item.name)!;
    return node.op === 'Enter' ? [attrString(node, 'frame_name', item.name).replace(/\/while_context$/, '')] : [];
  });
  for (const item of flow) {
    const node = nodes.get(item.name)!;
    if (node.op === 'Enter') add(attrString(node, 'frame_name', item.name).replace(/\/while_context$/, ''), 'loop');
    else if (FUNCTIONAL_LOOPS.has(node.op)) add(node.name, 'loop');
    else if (node.op === 'If' || node.op === 'StatelessIf' || node.op.endsWith('Case')) add(node.name, 'cond');
    else {
      // Exit/Merge/Switch/TensorArray* nodes: the innermost loop frame whose scope holds them, else a tf.cond.
      const frame = frames.filter((f) => node.name.startsWith(`${f}/`)).sort((a, b) => b.length - a.length)[0];
      if (frame !== undefined) add(frame, 'loop');
      else if (node.op === 'Switch' || node.op === 'Merge') add(node.name.slice(0, Math.max(0, node.name.lastIndexOf('/'))) || node.name, 'cond');
      else add(enclosing(node.name, frames), 'loop');
    }
  }

  const flowNames = new Set(flow.map((item) => item.name));
  const suggested: string[] = [];
  const suggest = (list: string[], ref: string) => {
    if (!list.includes(ref)) list.push(ref);
  };
  // A tensor computed from the inputs, not an input itself (nor an Identity of one): cutting at a model input converts nothing.
  const inputTensors = new Set([...nodes.values()].flatMap((n) => {
    const v = n.op === 'Placeholder' ? values.get(n.name)?.[0] : undefined;
    return v?.kind === 'tensor' ? [v.index] : [];
  }));
  const computed = (node: string, output: number) => {
    const v = values.get(node)?.[output];
    return v?.kind === 'tensor' && !inputTensors.has(v.index) && !flowNames.has(node);
  };
  for (const root of roots) {
    if (computed(root.node, root.output)) suggest(suggested, refName(root.node, root.output));
  }
  for (const item of flow) {
    for (const input of nodes.get(item.name)!.input ?? []) {
      const parsed = parseInputRef(input);
      if (parsed && computed(parsed.node, parsed.output)) suggest(suggested, refName(parsed.node, parsed.output));
    }
  }
  // A loop that only prepares the inputs (e.g. tf.map resizing images) is avoided by starting after it.
  const after: string[] = [];
  const scopes = [...regions.keys()].map((name) => `${name}/`);
  for (const node of nodes.values()) {
    // Nodes of a loop's body live in its name scope; what comes after the loop does not.
    if (flowNames.has(node.name) || isControlFlow(node.op) || scopes.some((scope) => node.name.startsWith(scope))) continue;
    for (const input of node.input ?? []) {
      const parsed = parseInputRef(input);
      if (parsed && flowNames.has(parsed.node) && !INSIDE_LOOP.has(nodes.get(parsed.node)!.op)) suggest(after, refName(parsed.node, parsed.output));
    }
  }
  return { regions: [...regions.values()], suggestedOutputs: suggested, suggestedInputs: after, isControlFlow: (item) => isControlFlow(item.type) };
}

const refName = (node: string, output: number): string => (output === 0 ? node : `${node}:${output}`);

/** A loop scope for a TensorArray node outside any frame: its name scope. */
function enclosing(name: string, frames: string[]): string {
  return frames[0] ?? (name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : name);
}
