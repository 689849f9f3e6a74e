import { InvalidSourceError } from '../../errors.js';
import { MODEL_CLASSES, key, type RawLayer, type Topology } from '../layers-model.js';

/**
 * Inlines models used as layers (a Sequential base inside a functional model, Keras applications wrapped
 * in a classifier): the inner model's layers join the outer list, its inputs become the tensors the outer
 * model feeds it, and the outer model's references to its outputs point at the inner layers that make them.
 * Inner layer names keep their own names (Keras makes them unique), so weights are found by the same keys.
 * `read` parses a nested `{ class_name, config }` the way the top level was parsed.
 */
export function flattenNestedModels(top: Topology, read: (raw: unknown) => Topology): Topology {
  if (!top.layers.some((l) => MODEL_CLASSES.includes(l.className))) return top;
  const alias = new Map<string, string>();
  const byName = new Map(top.layers.map((l) => [l.name, l]));
  const layers: RawLayer[] = [];
  for (const layer of top.layers) {
    if (!MODEL_CLASSES.includes(layer.className)) {
      layers.push(layer);
      continue;
    }
    if (layer.inboundNodes.length === 0) continue; // a model listed but never called contributes nothing
    if (layer.inboundNodes.length > 1) {
      layers.push({ ...layer, unsupportedDetail: `nested model called ${layer.inboundNodes.length} times (once is supported)` });
      continue;
    }
    const inner = flattenNestedModels(read({ class_name: layer.className, config: layer.config }), read);
    const consumed = layer.inboundNodes[0]!;
    if (consumed.length !== inner.inputs.length) {
      throw new InvalidSourceError(
        `Nested model "${layer.name}" has ${inner.inputs.length} input(s) but is called with ${consumed.length} tensor(s).`,
      );
    }
    const innerByName = new Map(inner.layers.map((l) => [l.name, l]));
    inner.inputs.forEach((k, i) => {
      alias.set(k, consumed[i]!);
      // Sequential([base, ...]) in Keras 2 leaves the outer input's shape to the inner model.
      const outerInput = byName.get(consumed[i]!.split(':')[0]!);
      const innerInput = innerByName.get(k.split(':')[0]!);
      if (outerInput?.className === 'InputLayer' && !hasShape(outerInput) && innerInput && hasShape(innerInput)) {
        outerInput.config = { ...outerInput.config, batch_input_shape: innerInput.config['batch_input_shape'] ?? innerInput.config['batch_shape'] };
      }
    });
    // References to a model's output count the model's own first node (input to output) in Keras 2 and in
    // tfjs, and for Functional models in Keras 3, so the one call is node 1 there and node 0 elsewhere.
    inner.outputs.forEach((k, i) => {
      alias.set(key(layer.name, 0, i), k);
      alias.set(key(layer.name, 1, i), k);
    });
    for (const l of inner.layers) {
      if (l.className === 'InputLayer') continue;
      if (byName.has(l.name) && byName.get(l.name) !== layer) {
        throw new InvalidSourceError(
          `Layer name "${l.name}" appears both in nested model "${layer.name}" and outside it; rename one of them in Keras and save again.`,
        );
      }
      layers.push(l);
    }
  }
  const resolve = (k: string): string => {
    for (let hops = 0; alias.has(k) && hops < 10_000; hops++) k = alias.get(k)!;
    return k;
  };
  return {
    layers: layers.map((l) => ({ ...l, inboundNodes: l.inboundNodes.map((node) => node.map(resolve)) })),
    inputs: top.inputs,
    outputs: top.outputs.map(resolve),
    // Outputs keep the outer model's names: a nested model's output is named after the nested model.
    outputNames: top.outputs.map((k, i) => top.outputNames?.[i] ?? k.split(':')[0]!),
  };
}

function hasShape(layer: RawLayer): boolean {
  return Array.isArray(layer.config['batch_input_shape']) || Array.isArray(layer.config['batch_shape']);
}
