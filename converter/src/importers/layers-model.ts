import type { Graph, SignatureTensor } from '@borde/tflite';
import { InvalidSourceError, UnsupportedOpsError, WeightShapeError, type UnsupportedItem } from '../errors.js';
import { activationName, isSupportedActivation } from './layers/activations.js';
import { LayerWeights, SubgraphBuilder, type TensorRef } from './layers/context.js';
import { LAYER_ALIASES, LAYER_CONVERTERS } from './layers/index.js';
import { UnsupportedLayerError, type LayerConfig } from './layers/types.js';
import { flattenNestedModels } from './layers/nested-models.js';
import { decodeTfjsWeights, placeholderWeights, type DecodedWeight, type TfjsArtifacts } from './tfjs-artifacts.js';

export const LAYERS_MODEL_FORMAT = 'TensorFlow.js layers-model';

export interface ImportLayersModelOptions {
  /**
   * Shapes (without batch) for inputs whose model.json shape has unknown dimensions, by input layer name,
   * e.g. `{ image: [224, 224, 3] }`.
   */
  inputShapes?: Record<string, number[]>;
  /** [height, width] for the unknown spatial dimensions of image inputs ([h, w, channels]). */
  imageSize?: [number, number];
}

/** One Keras layer of the model config. */
export interface RawLayer {
  className: string;
  name: string;
  config: LayerConfig;
  /** Per application of the layer: the tensors it consumes, as `layer:node:tensor` keys. */
  inboundNodes: string[][];
  /** Why the layer cannot be converted when its class alone does not say (custom or Lambda layers). */
  unsupportedDetail?: string;
}

export interface Topology {
  layers: RawLayer[];
  inputs: string[];
  outputs: string[];
  /** Output names where they differ from the producing layer's (a nested model's outputs keep its name). */
  outputNames?: string[];
}

export const key = (layer: string, node: number, tensor: number) => `${layer}:${node}:${tensor}`;

/** Class names of Keras models, which may appear as layers of another model. */
export const MODEL_CLASSES: readonly string[] = ['Sequential', 'Model', 'Functional'];

/**
 * Imports a tfjs layers-model (Sequential or functional, as tfjs 4.x and the Keras-to-tfjs converter
 * write it) into a float32 Graph. Weights are dequantized; layers become TFLite builtins with
 * channels-last layout and batch 1 (shapeSignature -1). Throws UnsupportedOpsError naming every layer
 * that cannot be converted, InvalidSourceError for a malformed model.
 */
export function importLayersModel(
  artifacts: Pick<TfjsArtifacts, 'modelJson' | 'weightData' | 'weightSpecs' | 'weightsProblem'>,
  options: ImportLayersModelOptions = {},
): Graph {
  const topologyOptions = { ...options, format: LAYERS_MODEL_FORMAT };
  const problem = artifacts.weightsProblem;
  if (problem === undefined) return importKerasTopology(artifacts.modelJson.modelTopology, () => decodeTfjsWeights(artifacts), topologyOptions);
  // The shards do not match the manifest. A layer whose manifest shape is wrong is the likelier cause and
  // the one to name: import once with zero weights of the manifest's shapes to find it.
  try {
    importKerasTopology(artifacts.modelJson.modelTopology, () => placeholderWeights(artifacts.weightSpecs), topologyOptions);
  } catch (error) {
    if (error instanceof WeightShapeError) throw error;
  }
  throw problem;
}

export interface ImportKerasTopologyOptions extends ImportLayersModelOptions {
  /** The source format, as error messages and the model description name it. */
  format: string;
}

/**
 * Imports a Keras model config (Sequential or functional, Keras 2 or Keras 3 dialect, nested models
 * inlined) with its weights, keyed `layer/weight` (Keras weight names: `kernel`, `bias`, ...). Shared by the
 * tfjs layers-model importer and the Keras .keras/.h5 importer. `weightsOf` is called once the layers are
 * known to be convertible.
 */
export function importKerasTopology(
  modelTopology: unknown,
  weightsOf: () => Map<string, DecodedWeight>,
  options: ImportKerasTopologyOptions,
): Graph {
  const format = options.format;
  const topology = flattenNestedModels(readTopology(modelTopology, format), (raw) => readTopology(raw, format));
  const inputNames = topology.inputs.map((k) => k.split(':')[0]!);
  for (const name of Object.keys(options.inputShapes ?? {})) {
    if (name === '' ? inputNames.length !== 1 : !inputNames.includes(name)) {
      throw new InvalidSourceError(`--input-shape ${name === '' ? 'without a name needs a one-input model' : `names '${name}', which is not an input of the model`} ` +
        `(inputs: ${inputNames.join(', ')}).`);
    }
  }
  const unsupported = checkLayers(topology.layers);
  const weights = weightsOf();
  const b = new SubgraphBuilder();
  const tensors = new Map<string, TensorRef>();
  const poisoned = new Set<string>();
  const graphInputs: SignatureTensor[] = [];
  const failed = new Set(unsupported.map((u) => u.name));

  // Inputs first, in the model's input order.
  const byName = new Map(topology.layers.map((l) => [l.name, l]));
  for (const inputKey of topology.inputs) {
    const layerName = inputKey.split(':')[0]!;
    const layer = byName.get(layerName);
    if (!layer) throw new InvalidSourceError(`The ${format} lists input "${layerName}" but has no layer of that name.`);
    const shape = inputShape(layer, options);
    const dtype = (layer.config['dtype'] as string | undefined) ?? 'float32';
    if (dtype !== 'float32') {
      unsupported.push({ name: layer.name, type: layer.className, detail: `input dtype ${dtype} (only float32 inputs)` });
      failed.add(layer.name);
      poisoned.add(inputKey);
      continue;
    }
    const t = b.activation(layer.name, [1, ...shape]);
    tensors.set(inputKey, t);
    graphInputs.push({ name: layer.name, tensorIndex: t.index });
  }

  // Every (layer, node) application, converted once all of its inputs exist.
  let pending = topology.layers.flatMap((layer) =>
    layer.className === 'InputLayer' ? [] : layer.inboundNodes.map((inputs, node) => ({ layer, node, inputs })),
  );
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (const item of pending) {
      const { layer, node, inputs } = item;
      const outKey = key(layer.name, node, 0);
      if (inputs.some((k) => poisoned.has(k)) || failed.has(layer.name)) {
        poisoned.add(outKey);
        continue;
      }
      if (inputs.length === 0) {
        throw new InvalidSourceError(`Layer "${layer.name}" is applied to no tensor in the ${format}'s config (its inbound node lists no input); the config is damaged.`);
      }
      if (!inputs.every((k) => tensors.has(k))) {
        next.push(item);
        continue;
      }
      const converter = LAYER_CONVERTERS[canonicalClass(layer.className)]!;
      const name = node === 0 ? layer.name : `${layer.name}_${node}`;
      const firstNew = b.tensors.length;
      try {
        const [out] = converter.convert({
          b,
          name,
          className: layer.className,
          config: layer.config,
          inputs: inputs.map((k) => tensors.get(k)!),
          weights: new LayerWeights(layer.name, weights),
        });
        // The layer's final output carries the layer's own name, so reports speak the user's names.
        if (out!.index >= firstNew) b.rename(out!.index, name);
        tensors.set(outKey, out!);
      } catch (e) {
        if (!(e instanceof UnsupportedLayerError)) throw e;
        unsupported.push({ name: layer.name, type: layer.className, detail: e.detail });
        failed.add(layer.name);
        poisoned.add(outKey);
      }
    }
    if (next.length === pending.length) {
      const missing = next[0]!.inputs.find((k) => !tensors.has(k) && !poisoned.has(k));
      throw new InvalidSourceError(
        `Layer "${next[0]!.layer.name}" consumes ${missing ?? 'a tensor'} that no layer of the ${format} produces (or the graph has a cycle).`,
      );
    }
    pending = next;
  }
  if (unsupported.length > 0) throw new UnsupportedOpsError(format, unsupported);

  const graphOutputs: SignatureTensor[] = topology.outputs.map((k, i) => {
    const t = tensors.get(k);
    if (!t) throw new InvalidSourceError(`The ${format} lists output ${k}, which no layer produces.`);
    return { name: topology.outputNames?.[i] ?? k.split(':')[0]!, tensorIndex: t.index };
  });
  return {
    version: 3,
    description: `Converted by Borde from a ${format}`,
    subgraphs: [{
      name: 'main',
      tensors: b.tensors,
      operators: b.operators,
      inputs: graphInputs.map((t) => t.tensorIndex),
      outputs: graphOutputs.map((t) => t.tensorIndex),
    }],
    signatures: [{ key: 'serving_default', subgraphIndex: 0, inputs: graphInputs, outputs: graphOutputs }],
    metadata: [],
  };
}

/** `keras.layers>Dense` (a registered name) and aliases such as `Convolution2D` map to the table's class. */
function canonicalClass(className: string): string {
  const bare = className.includes('>') ? className.slice(className.lastIndexOf('>') + 1) : className;
  return LAYER_ALIASES[bare] ?? bare;
}

/** Every layer that cannot be converted, judged from its config alone. */
function checkLayers(layers: RawLayer[]): UnsupportedItem[] {
  const items: UnsupportedItem[] = [];
  for (const layer of layers) {
    if (layer.className === 'InputLayer') continue;
    if (layer.unsupportedDetail) {
      items.push({ name: layer.name, type: layer.className, detail: layer.unsupportedDetail });
      continue;
    }
    const converter = LAYER_CONVERTERS[canonicalClass(layer.className)];
    if (!converter) {
      items.push({ name: layer.name, type: layer.className });
      continue;
    }
    let detail: string | undefined;
    try {
      detail = converter.check?.(layer.config);
    } catch (e) {
      if (!(e instanceof UnsupportedLayerError)) throw e;
      detail = e.detail;
    }
    const activation = activationName(layer.config['activation']);
    if (!detail && !isSupportedActivation(activation)) detail = `activation '${activation}'`;
    if (detail) items.push({ name: layer.name, type: layer.className, detail });
  }
  return items;
}

function inputShape(layer: RawLayer, options: ImportLayersModelOptions): number[] {
  const override = options.inputShapes?.[layer.name] ?? options.inputShapes?.[''];
  if (override) return override.slice();
  const raw = (layer.config['batch_input_shape'] ?? layer.config['batch_shape']) as (number | null)[] | undefined;
  if (!Array.isArray(raw)) {
    throw new InvalidSourceError(`Input "${layer.name}" has no batch_input_shape (or batch_shape) in its config; pass inputShapes: { "${layer.name}": [...] }.`);
  }
  let shape = raw.slice(1);
  const size = options.imageSize;
  if (size && shape.length === 3 && typeof shape[2] === 'number') shape = [shape[0] ?? size[0], shape[1] ?? size[1], shape[2]];
  if (shape.some((d) => typeof d !== 'number' || d <= 0)) {
    throw new InvalidSourceError(
      `Input "${layer.name}" has shape [${raw.map((d) => d ?? 'null')}] with unknown dimensions; pass --input-shape ${layer.name}:1,... ` +
        `(inputShapes: { "${layer.name}": [...] } in the library)${shape.length === 3 ? ', or --input-size HxW for an image input' : ''}.`,
    );
  }
  return shape as number[];
}

// ---- model.json topology ----

export function readTopology(raw: unknown, format: string): Topology {
  let top = raw as Record<string, unknown> | null;
  if (top && typeof top === 'object' && 'model_config' in top) top = top['model_config'] as Record<string, unknown>;
  if (!top || typeof top !== 'object' || typeof top['class_name'] !== 'string') {
    throw new InvalidSourceError(`The ${format}'s model config has no class_name: it is not a Keras/tfjs layers model (a graph-model has "node" lists).`);
  }
  const className = top['class_name'];
  const config = top['config'];
  if (className === 'Sequential') return readSequential(config, format);
  if (className === 'Model' || className === 'Functional') return readFunctional(config as Record<string, unknown> | undefined, format);
  throw new UnsupportedOpsError(format, [{ name: 'modelTopology', type: className, detail: 'top-level model class' }]);
}

function rawLayer(value: unknown, format: string): RawLayer {
  const l = value as { class_name?: unknown; config?: LayerConfig; name?: unknown; inbound_nodes?: unknown };
  if (!l || typeof l.class_name !== 'string' || !l.config) throw new InvalidSourceError(`The ${format} has a layer without class_name/config.`);
  const name = (typeof l.name === 'string' ? l.name : (l.config['name'] as string | undefined)) ?? '';
  const { module } = value as { module?: unknown };
  const operands = opOperands(l.inbound_nodes);
  if ((typeof module === 'string' && module.startsWith('keras.src.ops')) || operands?.some((o) => o !== null)) {
    // A Keras 3 op node (`x + 3.0`); the legacy .h5 config drops `module`, the scalar operand tells.
    return { className: `ops.${l.class_name}`, name, config: { ...l.config, operands: operands ?? [] }, inboundNodes: readInboundNodes(l.inbound_nodes) };
  }
  const detail = customLayerDetail(l.class_name, (value as { registered_name?: unknown }).registered_name);
  return { className: l.class_name, name, config: l.config, inboundNodes: readInboundNodes(l.inbound_nodes), ...(detail ? { unsupportedDetail: detail } : {}) };
}

/** The top-level positional arguments of a Keras 3 node ({args, kwargs}): null for a tensor, else the number. */
function opOperands(inboundNodes: unknown): (number | null)[] | undefined {
  const node = Array.isArray(inboundNodes) ? (inboundNodes[0] as { args?: unknown } | undefined) : undefined;
  if (!node || Array.isArray(node) || !Array.isArray(node.args)) return undefined;
  if (!node.args.some((a) => typeof a === 'number')) return undefined;
  return node.args.map((a) => (typeof a === 'number' ? a : null));
}

/** Layers that hold Python code: Lambda, TensorFlow op layers, and classes registered outside Keras. */
function customLayerDetail(className: string, registeredName: unknown): string | undefined {
  if (['Lambda', 'TFOpLambda', 'SlicingOpLambda'].includes(className)) {
    return 'a Lambda layer holds Python code, which cannot be converted; rebuild that step from built-in Keras layers and save again';
  }
  if (typeof registeredName === 'string' && registeredName !== className && !registeredName.startsWith('keras')) {
    return `custom layer class (registered as "${registeredName}"); express it with built-in Keras layers and save again`;
  }
  return undefined;
}

function readSequential(config: unknown, format: string): Topology {
  const list = (Array.isArray(config) ? config : (config as { layers?: unknown[] })?.layers) ?? [];
  if (!Array.isArray(list) || list.length === 0) throw new InvalidSourceError(`The Sequential model in the ${format} has no layers.`);
  const layers = list.map((l) => rawLayer(l, format));
  let inputName: string;
  let first = 0;
  if (layers[0]!.className === 'InputLayer') {
    inputName = layers[0]!.name;
    first = 1;
  } else {
    // tfjs and Keras 2 put the input shape on the first layer, Keras 3 on the model (build_input_shape);
    // synthesize the InputLayer.
    const c = layers[0]!.config;
    const built = Array.isArray(config) ? undefined : (config as { build_input_shape?: unknown })?.build_input_shape;
    inputName = `${layers[0]!.name}_input`;
    layers.unshift({
      className: 'InputLayer',
      name: inputName,
      config: { batch_input_shape: c['batch_input_shape'] ?? c['batch_shape'] ?? built, dtype: typeof c['dtype'] === 'string' ? c['dtype'] : 'float32', name: inputName },
      inboundNodes: [],
    });
    first = 1;
  }
  let previous = key(inputName, 0, 0);
  for (let i = first; i < layers.length; i++) {
    layers[i]!.inboundNodes = [[previous]];
    previous = key(layers[i]!.name, 0, 0);
  }
  return { layers, inputs: [key(inputName, 0, 0)], outputs: [previous] };
}

function readFunctional(config: Record<string, unknown> | undefined, format: string): Topology {
  const list = config?.['layers'];
  if (!Array.isArray(list)) throw new InvalidSourceError(`The functional model in the ${format} has no "layers" list in its config.`);
  const layers = list.map((l) => rawLayer(l, format));
  const refs = (value: unknown): string[] => {
    const list = value as unknown[];
    if (!Array.isArray(list)) return [];
    // A single [name, node, tensor] triple is allowed where a list of them is expected.
    const triples = typeof list[0] === 'string' ? [list] : list;
    return triples.map((t) => {
      const [n, node, tensor] = t as [string, number, number];
      return key(n, node ?? 0, tensor ?? 0);
    });
  };
  return { layers, inputs: refs(config!['input_layers']), outputs: refs(config!['output_layers']) };
}

/** Keras 2 ([[name, node, tensor, kwargs], ...] per node) and Keras 3 ({args, kwargs} with keras_history). */
function readInboundNodes(value: unknown): string[][] {
  if (!Array.isArray(value)) return [];
  return value.map((node) => {
    if (Array.isArray(node)) {
      return (node as unknown[]).map((entry) => {
        const [n, nodeIndex, tensorIndex] = entry as [string, number, number];
        return key(n, nodeIndex, tensorIndex);
      });
    }
    const keys: string[] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') {
        const o = v as { class_name?: unknown; config?: { keras_history?: [string, number, number] } };
        if (o.class_name === '__keras_tensor__' && o.config?.keras_history) {
          const [n, nodeIndex, tensorIndex] = o.config.keras_history;
          keys.push(key(n, nodeIndex, tensorIndex));
        }
      }
    };
    visit((node as { args?: unknown }).args);
    return keys;
  });
}
