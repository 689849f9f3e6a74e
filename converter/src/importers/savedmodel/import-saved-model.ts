import type { Graph } from '@borde/tflite';
import { InvalidSourceError } from '../../errors.js';
import { importGraphDef, type GraphSignature } from '../graph-model.js';
import { parseInputRef } from '../graph-ops/attrs.js';
import type { NodeDef, TensorJson, TensorShapeJson } from '../graph-ops/types.js';
import type { DecodedWeight } from '../tfjs-artifacts.js';
import { decodeMessage } from './decode.js';
import { FunctionInliner, type FunctionDefJson, type OpDefJson } from './inline-functions.js';
import { variableCheckpointKeys, type SavedObjectGraphJson } from './object-graph.js';
import { TensorBundle, type SavedModelFiles } from './tensor-bundle.js';
import { constValues } from './tensor-values.js';

export type { SavedModelFiles };

export interface ImportSavedModelOptions {
  /**
   * Static shapes for inputs with unknown dimensions, by signature input key. Without it an unknown first
   * dimension (the batch) becomes 1, and any other unknown dimension is an error that names the input.
   */
  inputShapes?: Record<string, number[]>;
  /** The signature to convert (default `serving_default`). */
  signature?: string;
  /** The MetaGraph to read, by tag (default `serve`). */
  tag?: string;
}

const FORMAT = 'TensorFlow SavedModel';
const DEFAULT_SIGNATURE = 'serving_default';
const INIT_SIGNATURE = '__saved_model_init_op';

interface TensorInfo { name?: string; dtype?: string; tensorShape?: TensorShapeJson }
interface MetaGraphJson {
  metaInfoDef?: { tags?: string[]; strippedOpList?: { op?: OpDefJson[] } };
  graphDef?: { node?: NodeDef[]; library?: { function?: FunctionDefJson[] } };
  signatureDef?: Record<string, { inputs?: Record<string, TensorInfo>; outputs?: Record<string, TensorInfo> }>;
  objectGraphDef?: SavedObjectGraphJson;
}

/**
 * Imports a TensorFlow SavedModel (saved_model.pb and variables/, as bytes by relative path) into a
 * float32 TFLite Graph. It takes one signature's function, inlines the function calls Keras exports,
 * freezes each captured variable into a constant (found through the object graph, never by name), and
 * converts the resulting graph with the graph-model importer's op table. Inputs and outputs keep the
 * signature's keys.
 */
export function importSavedModel(files: SavedModelFiles, options: ImportSavedModelOptions = {}): Graph {
  const pb = files.get('saved_model.pb');
  if (pb === undefined) throw new InvalidSourceError('The folder has no saved_model.pb: it is not a TensorFlow SavedModel.');
  const savedModel = decodeMessage<{ metaGraphs?: MetaGraphJson[] }>('SavedModel', pb, 'saved_model.pb');
  const meta = pickMetaGraph(savedModel.metaGraphs ?? [], options.tag ?? 'serve');
  const { key, signature } = pickSignature(meta, options.signature);
  const graphNodes = meta.graphDef?.node ?? [];
  const byName = new Map(graphNodes.map((n) => [n.name, n]));
  const outputRefs = Object.entries(signature.outputs ?? {}).map(([k, info]) => ({ key: k, ref: tensorName(info, `output '${k}'`) }));
  const inputRefs = Object.entries(signature.inputs ?? {}).map(([k, info]) => ({ key: k, ref: tensorName(info, `input '${k}'`), info }));

  const inliner = new FunctionInliner(meta.graphDef?.library?.function ?? [], meta.metaInfoDef?.strippedOpList?.op ?? []);
  const topLevel = reachable(byName, outputRefs.map((o) => o.ref), `signature '${key}'`);
  const variables = capturedVariables(topLevel, inliner, meta.objectGraphDef ?? {}, files);
  const flat = inliner.flatten(topLevel);
  const { nodes, weights } = freeze(flat, variables);
  const kept = reachable(new Map(nodes.map((n) => [n.name, n])), outputRefs.map((o) => o.ref), `signature '${key}'`);
  for (const node of kept) {
    if (node.op === 'Const' && !weights.has(node.name)) {
      const tensor = node.attr?.value?.tensor as TensorJson | undefined;
      if (tensor === undefined) throw new InvalidSourceError(`Const node '${node.name}' has no value.`);
      weights.set(node.name, constValues(node.name, tensor));
    }
  }
  const placeholders = new Map<string, string>(); // signature input key -> Placeholder node
  for (const { key: k, ref } of inputRefs) {
    const placeholder = byName.get(parseInputRef(ref)?.node ?? '');
    if (placeholder?.op !== 'Placeholder') throw new InvalidSourceError(`Signature '${key}' input '${k}' names ${ref}, which is not a Placeholder of the graph.`);
    placeholders.set(k, placeholder.name);
    // An input the outputs do not depend on stays a model input, as the signature says.
    if (!kept.some((n) => n.name === placeholder.name)) kept.unshift(placeholder);
  }
  const graphSignature: GraphSignature = {
    inputs: Object.fromEntries(inputRefs.map(({ key: k, ref, info }) => [k, { name: ref, ...(info.tensorShape ? { tensorShape: info.tensorShape } : {}) }])),
    outputs: Object.fromEntries(outputRefs.map(({ key: k, ref }) => [k, { name: ref }])),
  };
  const inputShapes = options.inputShapes
    ? Object.fromEntries(Object.entries(options.inputShapes).map(([k, shape]) => [placeholders.get(k) ?? k, shape]))
    : undefined;
  return importGraphDef(kept, weights, graphSignature, inputShapes ? { inputShapes } : {}, FORMAT);
}

function pickMetaGraph(metaGraphs: MetaGraphJson[], tag: string): MetaGraphJson {
  const meta = metaGraphs.find((m) => m.metaInfoDef?.tags?.includes(tag)) ?? (metaGraphs.length === 1 ? metaGraphs[0] : undefined);
  if (meta === undefined) {
    const tags = metaGraphs.map((m) => `[${(m.metaInfoDef?.tags ?? []).join(', ')}]`).join(', ');
    throw new InvalidSourceError(`saved_model.pb has no MetaGraph tagged '${tag}' (it has ${tags || 'none'}).`);
  }
  return meta;
}

function pickSignature(meta: MetaGraphJson, wanted: string | undefined): { key: string; signature: NonNullable<MetaGraphJson['signatureDef']>[string] } {
  const signatures = meta.signatureDef ?? {};
  const keys = Object.keys(signatures).filter((k) => k !== INIT_SIGNATURE);
  const key = wanted ?? (DEFAULT_SIGNATURE in signatures ? DEFAULT_SIGNATURE : keys.length === 1 ? keys[0]! : DEFAULT_SIGNATURE);
  const signature = signatures[key];
  if (signature === undefined || key === INIT_SIGNATURE) {
    throw new InvalidSourceError(`The SavedModel has no signature '${key}'; it has ${keys.map((k) => `'${k}'`).join(', ') || 'none'}: pick one with --signature.`);
  }
  if (Object.keys(signature.outputs ?? {}).length === 0) throw new InvalidSourceError(`Signature '${key}' has no outputs.`);
  return { key, signature };
}

function tensorName(info: TensorInfo, what: string): string {
  if (!info.name) throw new InvalidSourceError(`The signature's ${what} is not a dense tensor (sparse and composite tensors are not converted).`);
  return info.name;
}

/** Nodes the given tensors depend on through data inputs, in the graph's order. */
function reachable(nodes: Map<string, NodeDef>, refs: string[], what: string): NodeDef[] {
  const needed = new Set<string>();
  const stack = refs.map((r) => parseInputRef(r)?.node ?? r);
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    const node = nodes.get(name);
    if (node === undefined) throw new InvalidSourceError(`The graph of ${what} refers to node '${name}', which saved_model.pb does not have.`);
    needed.add(name);
    for (const ref of node.input ?? []) {
      const parsed = parseInputRef(ref);
      if (parsed) stack.push(parsed.node);
    }
  }
  return [...nodes.values()].filter((n) => needed.has(n.name));
}

/**
 * The checkpoint tensor of every variable the signature's function captures, by the graph node that
 * passes its handle in: a concrete function's captured inputs come last, and its `bound_inputs` name the
 * object-graph node of each, which the checkpoint's object graph maps to a key.
 */
function capturedVariables(
  topLevel: NodeDef[],
  inliner: FunctionInliner,
  objectGraph: SavedObjectGraphJson,
  files: SavedModelFiles,
): Map<string, { read(): DecodedWeight }> {
  const out = new Map<string, { read(): DecodedWeight }>();
  let bundle: TensorBundle | undefined;
  let keys: Map<number, string> | undefined;
  for (const node of topLevel) {
    const fn = inliner.calledFunction(node);
    const bound = fn && objectGraph.concreteFunctions?.[fn.signature.name]?.boundInputs;
    if (!fn || !bound?.length) continue;
    bundle ??= new TensorBundle(files);
    keys ??= variableCheckpointKeys(objectGraph, bundle);
    const inputs = (node.input ?? []).filter((r) => !r.startsWith('^'));
    const first = inputs.length - bound.length;
    for (const [i, objectId] of bound.entries()) {
      const handle = parseInputRef(inputs[first + i] ?? '')?.node;
      const checkpointKey = keys.get(objectId);
      const object = objectGraph.nodes?.[objectId];
      if (handle === undefined || first < 0) throw new InvalidSourceError(`Node '${node.name}' passes fewer inputs than function '${fn.signature.name}' captures.`);
      // A captured constant is passed in by a Const node of the graph, which is imported as any Const.
      if (object?.constant !== undefined) continue;
      if (object?.variable === undefined) {
        throw new InvalidSourceError(`Function '${fn.signature.name}' captures object ${objectId}, which is neither a variable nor a constant (assets and other resources are not converted).`);
      }
      if (checkpointKey === undefined) {
        throw new InvalidSourceError(`Variable '${object.variable.name ?? objectId}' (object ${objectId}) has no value in the checkpoint in variables/.`);
      }
      const b = bundle;
      const variable = object.variable;
      out.set(handle, {
        read: () => {
          const value = b.read(checkpointKey);
          // The object graph records each variable's shape: a checkpoint tensor of another shape means the
          // two do not belong together.
          const declared = variable.shape?.unknownRank ? undefined : variable.shape?.dim?.map((d) => Number(d.size ?? 0));
          if (declared !== undefined && declared.join() !== value.shape.join()) {
            throw new InvalidSourceError(
              `Variable '${variable.name ?? objectId}' is [${declared.join(', ')}] in saved_model.pb but its checkpoint tensor '${checkpointKey}' is [${value.shape.join(', ')}]: the variables/ folder belongs to another model.`,
            );
          }
          return value;
        },
      });
    }
  }
  return out;
}

/** Each ReadVariableOp of a captured variable becomes a Const holding the checkpoint's value. */
function freeze(nodes: NodeDef[], variables: Map<string, { read(): DecodedWeight }>): { nodes: NodeDef[]; weights: Map<string, DecodedWeight> } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const weights = new Map<string, DecodedWeight>();
  const frozen = nodes.map((node) => {
    if (node.op !== 'ReadVariableOp') return node;
    // A handle may be forwarded by Identity nodes (or the IdentityN an inlined call became).
    let ref = node.input?.[0];
    for (let hops = 0; hops < nodes.length; hops++) {
      const parsed = parseInputRef(ref ?? '');
      const producer = parsed && !variables.has(parsed.node) ? byName.get(parsed.node) : undefined;
      if (producer?.op === 'Identity') ref = producer.input?.[0];
      else if (producer?.op === 'IdentityN') ref = producer.input?.[parsed!.output];
      else break;
    }
    const handle = parseInputRef(ref ?? '')?.node;
    const variable = handle === undefined ? undefined : variables.get(handle);
    if (variable === undefined) {
      throw new InvalidSourceError(`ReadVariableOp '${node.name}' reads a variable that the signature's function does not capture; it cannot be frozen.`);
    }
    weights.set(node.name, { ...variable.read(), name: node.name });
    return { name: node.name, op: 'Const', input: [], attr: node.attr?.dtype ? { dtype: node.attr.dtype } : {} } satisfies NodeDef;
  });
  return { nodes: frozen, weights };
}
