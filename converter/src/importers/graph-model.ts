import * as tf from '@tensorflow/tfjs';
import type { Graph, SignatureTensor } from '@borde/tflite';
import { ControlFlowError, InvalidSourceError, UnsupportedOpsError } from '../errors.js';
import { controlFlowLoops } from './graph-control-flow.js';
import { attrDType, attrShape, parseDType, parseInputRef, parseShape } from './graph-ops/attrs.js';
import { GraphBuilder, ImportFault, OpContext } from './graph-ops/context.js';
import { GRAPH_OPS, NO_OUTPUT_OPS, PASS_THROUGH_OPS, isControlFlow } from './graph-ops/index.js';
import { foldedConstant } from './graph-ops/folded-constant.js';
import { fusePatterns } from './graph-ops/patterns.js';
import type { ConstTensor, GraphDefJson, NodeDef, TensorJson, Value, ValueDType } from './graph-ops/types.js';
import { decodeTfjsWeights, type DecodedWeight, type TfjsArtifacts } from './tfjs-artifacts.js';

export interface ImportGraphModelOptions {
  /**
   * Static shapes for inputs with unknown dimensions, by Placeholder name. Without it an unknown first
   * dimension (the batch) becomes 1, and any other unknown dimension is an error that names the input.
   */
  inputShapes?: Record<string, number[]>;
  /**
   * Node outputs to export (`name` or `name:k`), in order. Default: the model's signature outputs, else
   * every node nothing else consumes (what tfjs' GraphModel.outputs lists). Cuts the graph after them.
   */
  outputs?: string[];
  /**
   * Node outputs (`name` or `name:k`) that become the model's inputs: the graph is cut before them, and
   * only what the outputs need from there is converted. Shapes come from `inputShapes[ref]` or are worked
   * out by importing the graph up to them.
   */
  inputs?: string[];
  /** [height, width] for the unknown spatial dimensions of image inputs ([batch, h, w, channels]). */
  imageSize?: [number, number];
  /** Weights already decoded (e.g. by a caller that also runs the model); default: decoded here. */
  weights?: Map<string, DecodedWeight>;
}

const FORMAT = 'TensorFlow.js graph-model';

/** A tfjs signature entry: `{ name: 'x:0', dtype, tensorShape }` under its signature key. */
interface SignatureEntry { name: string; tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean } }

/**
 * Imports a TensorFlow.js graph-model (model.json with format 'graph-model': TensorFlow NodeDefs and
 * weight shards) into a float32 TFLite Graph with one subgraph. Shape arithmetic on static shapes folds
 * into constants; every op the importer cannot express is reported at once in an UnsupportedOpsError.
 */
export function importGraphModel(artifacts: TfjsArtifacts, options: ImportGraphModelOptions = {}): Graph {
  const json = artifacts.modelJson;
  const topology = json.modelTopology as GraphDefJson | undefined;
  if (json.format !== undefined && json.format !== 'graph-model') {
    throw new InvalidSourceError(`The model.json has format '${json.format}', not 'graph-model'; use the importer for that format.`);
  }
  if (!topology || !Array.isArray(topology.node)) {
    throw new InvalidSourceError('The model.json has no modelTopology.node list: it is not a TensorFlow.js graph-model.');
  }
  const weights = options.weights ?? decodeTfjsWeights(artifacts);
  return importGraphDef(topology.node, weights, json.signature as GraphSignature | undefined, options);
}

/** Signature entries by key, in the protobuf-JSON form of a TensorFlow SignatureDef (tensor names `node:k`). */
export interface GraphSignature { inputs?: Record<string, SignatureEntry>; outputs?: Record<string, SignatureEntry> }

/**
 * Imports TensorFlow NodeDefs (protobuf-JSON form) whose Const values are in `weights` by node name (or
 * inline in the node), through the op table: the shared core of the graph-model and SavedModel importers.
 * `source` names the format in errors and in the model's description.
 */
export function importGraphDef(
  nodeList: NodeDef[],
  weights: Map<string, DecodedWeight>,
  signature: GraphSignature | undefined,
  options: Omit<ImportGraphModelOptions, 'weights'> = {},
  source = FORMAT,
): Graph {
  const nodes = new Map<string, NodeDef>();
  for (const node of nodeList) {
    if (typeof node?.name !== 'string' || typeof node.op !== 'string') {
      throw new InvalidSourceError('A node of modelTopology.node lacks its name or op.');
    }
    if (nodes.has(node.name)) throw new InvalidSourceError(`Two nodes are named '${node.name}' in modelTopology.node.`);
    nodes.set(node.name, node);
  }
  // GELU / hard-swish spelled in primitive ops become one node each (graph-ops/patterns.ts).
  fusePatterns(nodes, (name) => weights.get(name)?.values);
  const importer = new Importer(nodes, weights, options, signature?.inputs ?? {}, source);
  return importer.run(outputRefs(nodes, options, signature?.outputs), signature);
}

/**
 * The node outputs a conversion exports (`ref`, e.g. `Identity:0`) and the names they carry in the TFLite
 * signature (`key`): what the tfjs reference must compute to be compared output by output.
 */
export function graphModelOutputs(artifacts: Pick<TfjsArtifacts, 'modelJson'>, options: Pick<ImportGraphModelOptions, 'outputs'> = {}): { ref: string; key: string }[] {
  const topology = artifacts.modelJson.modelTopology as GraphDefJson | undefined;
  const nodes = new Map((topology?.node ?? []).map((n) => [n.name, n]));
  const signature = artifacts.modelJson.signature as { outputs?: Record<string, SignatureEntry> } | undefined;
  return outputRefs(nodes, options, signature?.outputs);
}

/** The node outputs the TFLite model exports, with the names users know them by. */
function outputRefs(nodes: Map<string, NodeDef>, options: Pick<ImportGraphModelOptions, 'outputs'>, sigOutputs?: Record<string, SignatureEntry>): { ref: string; key: string }[] {
  if (options.outputs?.length) return options.outputs.map((ref) => ({ ref, key: ref }));
  if (sigOutputs && Object.keys(sigOutputs).length > 0) {
    return Object.entries(sigOutputs).map(([key, entry]) => ({ ref: entry.name, key }));
  }
  const consumed = new Set<string>();
  for (const node of nodes.values()) {
    for (const ref of node.input ?? []) {
      const parsed = parseInputRef(ref.startsWith('^') ? ref.slice(1) : ref);
      if (parsed) consumed.add(parsed.node);
    }
  }
  const skip = new Set(['Const', 'NoOp', 'Placeholder']);
  return [...nodes.values()].filter((n) => !consumed.has(n.name) && !skip.has(n.op)).map((n) => ({ ref: n.name, key: n.name }));
}

class Importer {
  private readonly builder = new GraphBuilder();
  private readonly values = new Map<string, Value[]>();
  private readonly inputs: { name: string; index: number }[] = [];
  private cycle = false;
  /** Nodes already reported as unsupported: their consumers are skipped, never blamed. */
  private readonly rejected = new Set<string>();

  constructor(
    private readonly nodes: Map<string, NodeDef>,
    private readonly weights: Map<string, DecodedWeight>,
    private readonly options: Omit<ImportGraphModelOptions, 'weights'>,
    private readonly sigInputs: Record<string, SignatureEntry>,
    private readonly format: string,
  ) {}

  run(outputs: { ref: string; key: string }[], signature: unknown): Graph {
    if (outputs.length === 0) throw new InvalidSourceError('The graph-model has no outputs: pass options.outputs with the node names to export.');
    const roots = outputs.map(({ ref }) => {
      const parsed = parseInputRef(ref);
      if (!parsed || !this.nodes.has(parsed.node)) {
        throw new InvalidSourceError(`Output '${ref}' names no node of the graph-model (--outputs takes node names, optionally ':k').`);
      }
      return parsed;
    });
    this.checkShapeNames();
    // A cut (--inputs) turns tensors inside the graph into model inputs; everything above them is dropped.
    for (const ref of this.options.inputs ?? []) this.cutInput(ref);
    // Every Placeholder is a model input, in graph order, as tfjs' GraphModel.inputs lists them; once the
    // user cuts the graph, only those the outputs still need.
    const needed = this.options.inputs?.length || this.options.outputs?.length ? this.reachable(roots.map((r) => r.node)) : undefined;
    for (const node of this.nodes.values()) {
      if (node.op === 'Placeholder' && !this.values.has(node.name) && (needed === undefined || needed.has(node.name))) {
        this.values.set(node.name, [this.placeholder(node)]);
      }
    }
    this.evaluate(roots.map((r) => r.node));
    const unsupported = this.builder.unsupported;
    if (unsupported.length > 0) {
      const loops = controlFlowLoops(this.nodes, unsupported, this.values, roots);
      if (loops) throw new ControlFlowError(this.format, unsupported, loops.regions, loops.suggestedOutputs, loops.suggestedInputs, loops.isControlFlow);
      // The outputs that came through are what a cut with --outputs keeps (e.g. an SSD's raw heads before its NMS).
      const convertible = roots.flatMap((r, i) => {
        const v = this.values.get(r.node)?.[r.output];
        return v?.kind === 'tensor' && !this.inputs.some((input) => input.index === v.index) ? [outputs[i]!.ref] : [];
      });
      throw new UnsupportedOpsError(this.format, unsupported, convertible.length > 0 ? { convertibleOutputs: convertible } : undefined);
    }
    if (this.cycle) throw new InvalidSourceError('The graph-model has a cycle outside control flow: it is not a valid TensorFlow graph.');

    const outputIndices = roots.map((r, i) => {
      const v = this.values.get(r.node)?.[r.output];
      if (v === undefined || v.kind === 'poison') throw new InvalidSourceError(`Output '${outputs[i]!.ref}' produces no tensor.`);
      if (v.kind === 'const' && this.options.outputs?.length) {
        throw new InvalidSourceError(`Output '${outputs[i]!.ref}' is a constant (it depends on no model input); pick a tensor computed from the inputs for --outputs.`);
      }
      if (v.kind === 'tensor' && this.inputs.some((input) => input.index === v.index)) {
        throw new InvalidSourceError(`Output '${outputs[i]!.ref}' is a model input itself; pick a tensor computed from it for --outputs.`);
      }
      return this.builder.tensorIndex(v);
    });
    const sigIn: SignatureTensor[] = this.inputs.map((input) => ({ name: this.signatureKeyOf(input.name), tensorIndex: input.index }));
    const sigOut: SignatureTensor[] = outputs.map((o, i) => ({ name: o.key, tensorIndex: outputIndices[i]! }));
    void signature;
    return {
      version: 3,
      description: `Converted by Borde from a ${this.format}`,
      subgraphs: [{
        name: 'main',
        tensors: this.builder.tensors,
        operators: this.builder.operators,
        inputs: this.inputs.map((i) => i.index),
        outputs: outputIndices,
      }],
      signatures: [{ key: 'serving_default', subgraphIndex: 0, inputs: sigIn, outputs: sigOut }],
      metadata: [],
    };
  }

  /** Every --input-shape name must be a model input: a typo must not pass silently. */
  private checkShapeNames(): void {
    const placeholders = [...this.nodes.values()].filter((n) => n.op === 'Placeholder').map((n) => n.name);
    const known = new Set([...placeholders.flatMap((name) => [name, this.signatureKeyOf(name)]), ...(this.options.inputs ?? [])]);
    for (const name of Object.keys(this.options.inputShapes ?? {})) {
      if (name === '' && placeholders.length === 1) continue;
      if (!known.has(name)) {
        throw new InvalidSourceError(name === ''
          ? `--input-shape without a name needs a one-input model; this one has ${placeholders.length}: ${[...known].join(', ')}. Write --input-shape <name>:<dims>.`
          : `--input-shape names '${name}', which is not an input of the graph-model (inputs: ${[...known].join(', ')}).`);
      }
    }
  }

  /** Nodes the roots depend on through data inputs, stopping at cut inputs. */
  private reachable(roots: string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      if (this.values.has(name)) continue;
      for (const ref of this.nodes.get(name)?.input ?? []) {
        const parsed = parseInputRef(ref);
        if (parsed) stack.push(parsed.node);
      }
    }
    return seen;
  }

  /** Makes node output `ref` a model input of the shape it has in the graph (or the one the user gave). */
  private cutInput(ref: string): void {
    const parsed = parseInputRef(ref);
    const node = parsed ? this.nodes.get(parsed.node) : undefined;
    if (!parsed || !node) throw new InvalidSourceError(`Input '${ref}' names no node of the graph-model (--inputs takes node names, optionally ':k').`);
    let shape = this.options.inputShapes?.[ref] ?? this.options.inputShapes?.[parsed.node];
    let dtype: ValueDType = attrDType(node, 'T') ?? attrDType(node, 'dtype') ?? attrDType(node, 'element_dtype') ?? 'float32';
    shape ??= this.stackedListShape(node);
    if (shape === undefined) {
      // Import the graph up to the cut once: its static shape is the new input's shape.
      try {
        const probe = new Importer(this.nodes, this.weights, { ...this.options, inputs: [], outputs: [ref] }, this.sigInputs, this.format);
        const graph = probe.run([{ ref, key: ref }], undefined);
        const sub = graph.subgraphs[0]!;
        const tensor = sub.tensors[sub.outputs[0]!]!;
        shape = tensor.shape;
        dtype = tensor.dtype as ValueDType;
      } catch (cause) {
        throw new InvalidSourceError(
          `Cannot work out the shape of --inputs '${ref}' by importing the graph up to it (${(cause as Error).message.split('\n')[0]}); ` +
            `give it with --input-shape ${ref}:1,...`,
          { cause },
        );
      }
    }
    if (shape.some((d) => d < 0)) throw new InvalidSourceError(`--inputs '${ref}' has unknown dimensions [${shape.join(', ')}]; give its shape with --input-shape ${ref}:1,...`);
    const value = this.builder.activation(ref, dtype, shape);
    this.inputs.push({ name: ref, index: value.index });
    const produced: Value[] = [];
    produced[parsed.output] = value;
    this.values.set(parsed.node, produced);
  }

  /**
   * A TensorListStack (what tf.map's loop hands out) declares its result's shape: `num_elements` items of
   * its constant `element_shape`. A cut after such a loop needs no --input-shape when both are known.
   */
  private stackedListShape(node: NodeDef): number[] | undefined {
    if (node.op !== 'TensorListStack') return undefined;
    const count = Number(node.attr?.num_elements?.i ?? -1);
    const ref = parseInputRef(node.input?.[1] ?? '');
    const shapeNode = ref ? this.nodes.get(ref.node) : undefined;
    if (!(count > 0) || shapeNode?.op !== 'Const') return undefined;
    const element = [...this.constant(shapeNode).data].map(Number);
    return element.every((d) => Number.isInteger(d) && d > 0) ? [count, ...element] : undefined;
  }

  private signatureKeyOf(placeholder: string): string {
    for (const [key, entry] of Object.entries(this.sigInputs)) {
      if (parseInputRef(entry.name)?.node === placeholder) return key;
    }
    return placeholder;
  }

  private placeholder(node: NodeDef): Value {
    const dtype = attrDType(node, 'dtype') ?? 'float32';
    const shapes = this.options.inputShapes;
    const single = [...this.nodes.values()].filter((n) => n.op === 'Placeholder').length === 1;
    const override = shapes?.[node.name] ?? shapes?.[this.signatureKeyOf(node.name)] ?? (single ? shapes?.[''] : undefined);
    let shape = override ?? attrShape(node, 'shape') ?? this.signatureShape(node.name);
    const fix = `pass --input-shape ${node.name}:1,... (options.inputShapes['${node.name}'] in the library)`;
    if (shape === undefined) {
      throw new InvalidSourceError(`Input '${node.name}' has an unknown rank: ${fix}.`);
    }
    shape = shape.map((d, i) => (d === -1 && i === 0 && override === undefined ? 1 : d));
    const size = this.options.imageSize;
    if (size && override === undefined && shape.length === 4 && shape[3]! > 0 && (shape[1]! < 0 || shape[2]! < 0)) {
      shape = [shape[0]!, shape[1]! < 0 ? size[0] : shape[1]!, shape[2]! < 0 ? size[1] : shape[2]!, shape[3]!];
    }
    if (shape.some((d) => d < 0)) {
      throw new InvalidSourceError(
        `Input '${node.name}' has unknown dimensions [${shape.join(', ')}] (TFLite tensors here are static): ${fix}` +
          (shape.length === 4 ? ', or --input-size HxW for an image input' : '') + '.',
      );
    }
    const value = this.builder.activation(node.name, dtype, shape);
    this.inputs.push({ name: node.name, index: value.index });
    return value;
  }

  private signatureShape(name: string): number[] | undefined {
    for (const entry of Object.values(this.sigInputs)) {
      if (parseInputRef(entry.name)?.node === name) return parseShape(entry.tensorShape);
    }
    return undefined;
  }

  /** Depth-first over data inputs, iteratively (graphs can be thousands of nodes deep). */
  private evaluate(roots: string[]): void {
    const state = new Map<string, 'open' | 'done'>();
    for (const name of this.values.keys()) state.set(name, 'done');
    const stack = [...roots].reverse(); // evaluated in order, so operators follow the graph's order
    while (stack.length > 0) {
      const name = stack[stack.length - 1]!;
      const st = state.get(name);
      if (st === 'done') {
        stack.pop();
        continue;
      }
      const node = this.nodes.get(name);
      if (node === undefined) throw new InvalidSourceError(`A node consumes '${name}', which is not in the graph-model.`);
      if (st === undefined) {
        state.set(name, 'open');
        for (const ref of [...(node.input ?? [])].reverse()) {
          const parsed = parseInputRef(ref);
          if (parsed && !state.has(parsed.node)) stack.push(parsed.node);
          else if (parsed && !this.nodes.has(parsed.node)) throw new InvalidSourceError(`Node '${name}' consumes '${ref}', which is not in the graph-model.`);
        }
        continue;
      }
      stack.pop();
      this.values.set(name, this.convertNode(node));
      state.set(name, 'done');
    }
  }

  private convertNode(node: NodeDef): Value[] {
    const inputs: Value[] = [];
    for (const ref of node.input ?? []) {
      const parsed = parseInputRef(ref);
      if (!parsed) continue;
      if (!this.nodes.has(parsed.node)) throw new InvalidSourceError(`Node '${node.name}' consumes '${ref}', which is not in the graph-model.`);
      const produced = this.values.get(parsed.node);
      if (produced === undefined) {
        // Only a cycle leaves an input unevaluated; outside control flow that is an invalid graph.
        this.cycle = true;
        inputs.push({ kind: 'poison' });
        continue;
      }
      const v = produced[parsed.output];
      if (v === undefined && (this.rejected.has(parsed.node) || (produced.length > 0 && produced.every((p) => p.kind === 'poison')))) {
        // Its producer is unsupported or behind an unsupported op, already reported: never blame this node.
        inputs.push({ kind: 'poison' });
        continue;
      }
      if (v === undefined) {
        const producer = this.nodes.get(parsed.node)!;
        return this.reject(node, `reads output ${parsed.output} of '${parsed.node}' (${producer.op}), which only exists in training`);
      }
      inputs.push(v);
    }
    const { op } = node;
    if (isControlFlow(op)) return this.reject(node, 'control flow: TFLite WHILE/IF subgraphs are not generated; export the model without tf.while_loop / tf.cond (or with them unrolled)');
    if (op === 'Const') return [{ kind: 'const', c: this.constant(node) }];
    if (NO_OUTPUT_OPS.has(op)) return [];
    const def = GRAPH_OPS[op];
    // An op with no mapping is listed even behind another unsupported one: one refusal names them all.
    if (def === undefined && !PASS_THROUGH_OPS.has(op) && op !== 'Placeholder') return this.reject(node, undefined);
    if (inputs.some((v) => v.kind === 'poison')) return [{ kind: 'poison' }];
    if (PASS_THROUGH_OPS.has(op)) return op === 'IdentityN' ? inputs : inputs.slice(0, 1);
    if (def === undefined) return this.reject(node, 'a Placeholder the cut left without a shape');
    const ctx = new OpContext(node, inputs, this.builder);
    try {
      if (def.fold && inputs.length > 0 && inputs.every((v) => v.kind === 'const')) return this.fold(ctx, def.fold);
      const result = def.convert(ctx);
      return Array.isArray(result) ? result : [result];
    } catch (error) {
      if (error instanceof ImportFault) return this.reject(node, error.message);
      throw error;
    }
  }

  private reject(node: NodeDef, detail: string | undefined): Value[] {
    this.rejected.add(node.name);
    this.builder.unsupported.push(detail === undefined ? { name: node.name, type: node.op } : { name: node.name, type: node.op, detail });
    return [{ kind: 'poison' }];
  }

  /** Computes a node with tfjs kernels at import; its outputs become constants. */
  private fold(ctx: OpContext, fold: NonNullable<(typeof GRAPH_OPS)[string]['fold']>): Value[] {
    const results = tf.tidy(() => {
      const tensors = ctx.inputs.map((v) => {
        const c = (v as Value & { kind: 'const' }).c;
        return tf.tensor(c.data, c.shape, c.dtype);
      });
      const out = fold(ctx, tensors);
      return Array.isArray(out) ? out : [out];
    });
    try {
      return results.map((t, k) => ({ kind: 'const', c: foldedConstant(t, k === 0 ? ctx.name : `${ctx.name}:${k}`) }) satisfies Value);
    } finally {
      for (const t of results) t.dispose();
    }
  }

  private constant(node: NodeDef): ConstTensor {
    const w = this.weights.get(node.name);
    const dtype = attrDType(node, 'dtype');
    if (w !== undefined) {
      if (w.dtype !== 'float32' && w.dtype !== 'int32' && w.dtype !== 'bool') {
        throw new UnsupportedOpsError(this.format, [{ name: node.name, type: 'Const', detail: `${w.dtype} constants have no TFLite use here` }]);
      }
      return { name: node.name, dtype: w.dtype, shape: w.shape.slice(), data: w.values };
    }
    const inline = node.attr?.value?.tensor;
    if (inline !== undefined && dtype !== undefined) {
      const c = inlineTensor(node.name, inline, dtype);
      if (c) return c;
    }
    throw new InvalidSourceError(`Const node '${node.name}' has no weight in the weights manifest: a weight shard is missing or the model.json does not match its shards.`);
  }
}

/** A Const whose value is written in the NodeDef itself (hand-written graphs; tfjs moves values to shards). */
function inlineTensor(name: string, t: TensorJson, dtype: ValueDType): ConstTensor | undefined {
  const shape = parseShape(t.tensorShape) ?? [];
  const n = shape.reduce((a, b) => a * b, 1);
  const raw: number[] | undefined =
    t.floatVal?.map(Number) ?? t.intVal?.map(Number) ?? t.int64Val?.map(Number) ?? t.boolVal?.map((b) => (b ? 1 : 0));
  if (raw === undefined) return undefined;
  // Protobuf repeats the last value to fill the shape (a scalar fill is one value).
  const filled = Array.from({ length: n }, (_v, i) => raw[Math.min(i, raw.length - 1)] ?? 0);
  const data = dtype === 'float32' ? Float32Array.from(filled) : dtype === 'int32' ? Int32Array.from(filled) : Uint8Array.from(filled);
  void parseDType;
  return { name, dtype, shape, data };
}
