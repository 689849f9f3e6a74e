import type { Group } from 'jsfive';
import { InvalidSourceError } from '../../errors.js';
import { MODEL_CLASSES } from '../layers-model.js';
import type { DecodedWeight } from '../tfjs-artifacts.js';
import type { Hdf5Reader } from './hdf5.js';

/** One layer of a Keras model config (nested models keep their own `config.layers`). */
interface ConfigLayer {
  class_name: string;
  name?: string;
  config: Record<string, unknown>;
}

/**
 * Weights of a `.keras` file's model.weights.h5. Keras 3 stores each layer's variables by position
 * (`layers/<group>/vars/0`, `1`, ...) in the order the layer created them, under a group named after the
 * layer's class (`dense_2` may hold the layer "label"); the group's `vars` carries the layer name as its
 * `name` attribute. Variable names come from the class (VARIABLE_NAMES), so the shared layer converters
 * find `kernel`, `bias`, `gamma`...
 */
export function kerasArchiveWeights(h5: Hdf5Reader, modelConfig: unknown): Map<string, DecodedWeight> {
  const out = new Map<string, DecodedWeight>();
  const visit = (group: Group, model: ConfigLayer): void => {
    const layersGroup = h5.group(group, 'layers');
    if (!layersGroup) return;
    const configs = modelLayers(model);
    const fallbackNames = groupNamesByClass(model, configs);
    for (const groupName of h5.keys(layersGroup)) {
      const layerGroup = h5.group(layersGroup, groupName)!;
      const vars = h5.group(layerGroup, 'vars');
      const layerName = (vars && h5.stringAttr(vars, 'name')) ?? fallbackNames.get(groupName);
      const layer = configs.find((l) => layerNameOf(l) === layerName);
      if (!layer) continue; // optimizer state, metrics, or a layer the config does not list
      if (MODEL_CLASSES.includes(layer.class_name)) {
        visit(layerGroup, layer);
        continue;
      }
      if (!vars) continue;
      const count = h5.keys(vars).length;
      const names = variableNames(layer, count);
      for (let i = 0; i < count; i++) {
        const dataset = h5.dataset(vars, String(i));
        if (!dataset) throw new InvalidSourceError(`${h5.label}: layer "${layerName}" lacks its variable ${i} (layers/${groupName}/vars/${i}).`);
        const name = `${layerName}/${names[i]}`;
        out.set(name, h5.floatDataset(dataset, name));
      }
    }
  };
  visit(h5.root, modelConfig as ConfigLayer);
  return out;
}

/**
 * Weights of a legacy `.h5` model (Keras 2 tf.keras, or Keras 3's `model.save("x.h5")`): `model_weights`
 * lists `layer_names`, each layer group lists `weight_names` (`dense/kernel:0` in Keras 2,
 * `model/dense/kernel` in Keras 3; a nested model's group lists its inner layers' weights). The key is the
 * weight's own layer (the path part before the variable) and the variable name without `:0`.
 */
export function legacyH5Weights(h5: Hdf5Reader): Map<string, DecodedWeight> {
  const out = new Map<string, DecodedWeight>();
  const weightsRoot = h5.group(h5.root, 'model_weights') ?? h5.root;
  for (const groupName of h5.stringListAttr(weightsRoot, 'layer_names')) {
    const layerGroup = h5.group(weightsRoot, groupName);
    if (!layerGroup) throw new InvalidSourceError(`${h5.label}: layer_names lists "${groupName}" but model_weights has no such group.`);
    for (const weightName of h5.stringListAttr(layerGroup, 'weight_names')) {
      const dataset = h5.dataset(layerGroup, weightName);
      if (!dataset) throw new InvalidSourceError(`${h5.label}: weight ${groupName}/${weightName} is listed but missing.`);
      const parts = weightName.split('/');
      const variable = parts[parts.length - 1]!.replace(/:\d+$/, '');
      const owner = parts.length >= 2 ? parts[parts.length - 2]! : groupName;
      const weight = h5.floatDataset(dataset, `${owner}/${variable}`);
      out.set(`${owner}/${variable}`, weight);
      if (!out.has(`${groupName}/${variable}`)) out.set(`${groupName}/${variable}`, weight);
    }
  }
  return out;
}

type NameList = (config: Record<string, unknown>) => string[];
const withBias = (...names: string[]): NameList => (c) => (c['use_bias'] === false ? names : [...names, 'bias']);

/** The variables each layer class creates, in creation order (Keras 3 `build()`). */
const VARIABLE_NAMES: Record<string, NameList> = {
  Dense: withBias('kernel'),
  Conv1D: withBias('kernel'),
  Conv2D: withBias('kernel'),
  Conv3D: withBias('kernel'),
  Conv2DTranspose: withBias('kernel'),
  DepthwiseConv2D: withBias('kernel'),
  SeparableConv2D: withBias('depthwise_kernel', 'pointwise_kernel'),
  BatchNormalization: (c) => [...(c['scale'] !== false ? ['gamma'] : []), ...(c['center'] !== false ? ['beta'] : []), 'moving_mean', 'moving_variance'],
  LayerNormalization: (c) => [...(c['scale'] !== false ? ['gamma'] : []), ...(c['center'] !== false ? ['beta'] : [])],
  PReLU: () => ['alpha'],
  Normalization: () => ['mean', 'variance', 'count'],
};

function variableNames(layer: ConfigLayer, count: number): string[] {
  const bare = layer.class_name.slice(layer.class_name.lastIndexOf('>') + 1);
  const names = VARIABLE_NAMES[bare]?.(layer.config ?? {}) ?? [];
  // A class not listed here cannot be converted anyway; its variables keep their positions as names.
  return Array.from({ length: count }, (_, i) => names[i] ?? `variable_${i}`);
}

function modelLayers(model: ConfigLayer | undefined): ConfigLayer[] {
  const config = model?.config as { layers?: unknown } | unknown[] | undefined;
  const list = Array.isArray(config) ? config : (config as { layers?: unknown })?.layers;
  return Array.isArray(list) ? (list as ConfigLayer[]) : [];
}

function layerNameOf(layer: ConfigLayer): string | undefined {
  return layer.name ?? (layer.config?.['name'] as string | undefined);
}

/**
 * Group name -> layer name as Keras 3 names the groups when the file carries no `name` attribute: the
 * class name in snake case, numbered per class in layer order (a Sequential model lists no InputLayer).
 */
function groupNamesByClass(model: ConfigLayer | undefined, layers: ConfigLayer[]): Map<string, string> {
  const used = new Map<string, number>();
  const names = new Map<string, string>();
  const sequential = model?.class_name === 'Sequential';
  for (const layer of layers) {
    if (sequential && layer.class_name === 'InputLayer') continue;
    const base = snakeCase(layer.class_name.slice(layer.class_name.lastIndexOf('>') + 1));
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    const name = layerNameOf(layer);
    if (name !== undefined) names.set(n === undefined ? base : `${base}_${n + 1}`, name);
  }
  return names;
}

/** Keras' naming.to_snake_case: `BatchNormalization` -> `batch_normalization`, `ReLU` -> `re_lu`. */
function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
