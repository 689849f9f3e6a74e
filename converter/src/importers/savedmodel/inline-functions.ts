import { InvalidSourceError } from '../../errors.js';
import type { AttrValue, NodeDef } from '../graph-ops/types.js';

/** One argument of an OpDef or a function signature. */
export interface ArgDef { name: string; numberAttr?: string; typeListAttr?: string }
export interface OpDefJson { name: string; inputArg?: ArgDef[]; outputArg?: ArgDef[] }
export interface FunctionDefJson { signature: OpDefJson; nodeDef?: NodeDef[]; ret?: Record<string, string> }

/** Ops that call a function of the library named by their `f` attribute. */
const CALL_OPS = new Set(['StatefulPartitionedCall', 'PartitionedCall']);
const MAX_DEPTH = 64;

/**
 * Replaces every call into the function library (StatefulPartitionedCall, PartitionedCall, or a node whose
 * op is a function name), nested or not, by the function's body: body nodes keep their names (Keras
 * writes layer paths there) unless taken, then become `<call>/<node>`; argument references become the
 * call's inputs, and the call node becomes an IdentityN of the
 * function's return values, so `call:k` still names output k. Function bodies write references as
 * `node:output_arg:index`; they are rewritten to the graph form `node:k` with the ops' OpDefs.
 * Control dependencies are dropped: nothing at inference waits on them.
 */
export class FunctionInliner {
  private readonly functions = new Map<string, FunctionDefJson>();
  private readonly opDefs = new Map<string, OpDefJson>();

  constructor(functions: FunctionDefJson[], opDefs: OpDefJson[]) {
    for (const f of functions) this.functions.set(f.signature.name, f);
    for (const op of opDefs) this.opDefs.set(op.name, op);
  }

  /** Node names taken so far: a body node keeps its own name (what reports show) unless it is taken. */
  private used = new Set<string>();

  /** The graph's nodes with every function call inlined (graph-level references are already `node:k`). */
  flatten(nodes: NodeDef[]): NodeDef[] {
    this.used = new Set(nodes.map((n) => n.name));
    const out: NodeDef[] = [];
    for (const node of nodes) this.emit({ ...node, input: (node.input ?? []).filter((r) => !r.startsWith('^')) }, out, []);
    return out;
  }

  private uniqueName(name: string, prefix: string): string {
    let candidate = this.used.has(name) ? `${prefix}${name}` : name;
    for (let k = 1; this.used.has(candidate); k++) candidate = `${prefix}${name}_${k}`;
    this.used.add(candidate);
    return candidate;
  }

  /** The function a node calls, if any. */
  calledFunction(node: NodeDef): FunctionDefJson | undefined {
    const name = CALL_OPS.has(node.op) ? node.attr?.f?.func?.name : node.op;
    return name === undefined ? undefined : this.functions.get(name);
  }

  private emit(node: NodeDef, out: NodeDef[], stack: string[]): void {
    const fn = this.calledFunction(node);
    if (fn === undefined) {
      if (CALL_OPS.has(node.op)) {
        throw new InvalidSourceError(`Node '${node.name}' calls function '${node.attr?.f?.func?.name}', which is not in the SavedModel's function library.`);
      }
      out.push(node);
      return;
    }
    const fname = fn.signature.name;
    if (stack.includes(fname) || stack.length >= MAX_DEPTH) {
      throw new InvalidSourceError(`Function '${fname}' calls itself (through ${stack.join(' -> ')}): recursive functions cannot be inlined.`);
    }
    const args = fn.signature.inputArg ?? [];
    if (args.some((a) => a.numberAttr || a.typeListAttr)) {
      throw new InvalidSourceError(`Function '${fname}' takes a list argument; only functions of single tensors are inlined.`);
    }
    const inputs = node.input ?? [];
    if (inputs.length !== args.length) {
      throw new InvalidSourceError(`Node '${node.name}' passes ${inputs.length} inputs to function '${fname}', which takes ${args.length}.`);
    }
    const argRefs = new Map(args.map((a, i) => [a.name, inputs[i]!]));
    const prefix = `${node.name}/`;
    const body = fn.nodeDef ?? [];
    const bodyNodes = new Map(body.map((n) => [n.name, n]));
    const names = new Map(body.map((n) => [n.name, this.uniqueName(n.name, prefix)]));
    const rewrite = (ref: string): string => {
      const arg = argRefs.get(ref);
      if (arg !== undefined) return arg;
      const [producer, outputArg, index] = ref.split(':');
      const p = bodyNodes.get(producer!);
      if (p === undefined || outputArg === undefined) {
        throw new InvalidSourceError(`Function '${fname}' refers to '${ref}', which is neither an argument nor a node of it.`);
      }
      return `${names.get(producer!)}:${this.outputIndex(p, outputArg, Number(index ?? 0), fname)}`;
    };
    for (const b of body) {
      const input = (b.input ?? []).filter((r) => !r.startsWith('^')).map(rewrite);
      this.emit({ ...b, name: names.get(b.name)!, input }, out, [...stack, fname]);
    }
    const returns = (fn.signature.outputArg ?? []).map((o) => {
      const ref = fn.ret?.[o.name];
      if (ref === undefined) throw new InvalidSourceError(`Function '${fname}' does not say what its output '${o.name}' returns.`);
      return rewrite(ref);
    });
    out.push({ name: node.name, op: 'IdentityN', input: returns });
  }

  /** Position of `outputArg:index` among a node's outputs, counting list arguments by their length attrs. */
  private outputIndex(node: NodeDef, outputArg: string, index: number, fname: string): number {
    const called = this.calledFunction(node);
    if (CALL_OPS.has(node.op)) return index; // one list output, `output`
    const def = called?.signature ?? this.opDefs.get(node.op);
    if (def === undefined) {
      throw new InvalidSourceError(`Function '${fname}' uses op ${node.op} (node '${node.name}'), which the SavedModel's op list does not describe.`);
    }
    let offset = 0;
    for (const arg of def.outputArg ?? []) {
      if (arg.name === outputArg) return offset + index;
      offset += argLength(arg, node.attr ?? {});
    }
    throw new InvalidSourceError(`Function '${fname}' reads output '${outputArg}' of node '${node.name}' (${node.op}), which has no such output.`);
  }
}

function argLength(arg: ArgDef, attr: Record<string, AttrValue>): number {
  if (arg.numberAttr) return Number(attr[arg.numberAttr]?.i ?? 1);
  if (arg.typeListAttr) return attr[arg.typeListAttr]?.list?.type?.length ?? 0;
  return 1;
}
