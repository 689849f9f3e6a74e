import { binary } from './activations.js';
import type { TensorRef } from './context.js';
import { UnsupportedLayerError, broadcastShapes, normalizeAxis, type LayerConverter } from './types.js';

function chain(opcode: 'ADD' | 'MUL' | 'MAXIMUM' | 'MINIMUM'): LayerConverter {
  return {
    convert({ b, name, inputs }) {
      if (inputs.length < 2) throw new UnsupportedLayerError(`merge of ${inputs.length} input(s) (2 or more expected)`);
      let acc = inputs[0]!;
      for (let i = 1; i < inputs.length; i++) {
        const suffix = `${name}/${opcode.toLowerCase()}${i > 1 ? `_${i - 1}` : ''}`;
        acc = opcode === 'ADD' || opcode === 'MUL'
          ? binary(b, opcode, acc, inputs[i]!, suffix)
          : b.unary(opcode, [acc, inputs[i]!], suffix, broadcastShapes(acc.shape, inputs[i]!.shape));
      }
      return [acc];
    },
  };
}

export const add = chain('ADD');
export const multiply = chain('MUL');
export const maximum = chain('MAXIMUM');
export const minimum = chain('MINIMUM');

export const subtract: LayerConverter = {
  convert({ b, name, inputs }) {
    if (inputs.length !== 2) throw new UnsupportedLayerError(`Subtract of ${inputs.length} inputs (exactly 2)`);
    return [binary(b, 'SUB', inputs[0]!, inputs[1]!, `${name}/sub`)];
  },
};

/** Average: sum, then multiply by 1/n. */
export const average: LayerConverter = {
  convert(ctx) {
    const [sum] = add.convert(ctx) as [TensorRef];
    const inv = ctx.b.constFloat(`${ctx.name}/inv_count`, [], [1 / ctx.inputs.length]);
    return [binary(ctx.b, 'MUL', sum, inv, `${ctx.name}/mean`)];
  },
};

export const concatenate: LayerConverter = {
  convert({ b, name, config, inputs }) {
    const rank = inputs[0]!.shape.length;
    const axis = normalizeAxis((config['axis'] as number | undefined) ?? -1, rank);
    if (axis <= 0 || axis >= rank) throw new UnsupportedLayerError(`concatenation axis ${String(config['axis'])} for rank ${rank}`);
    const shape = inputs[0]!.shape.slice();
    shape[axis] = inputs.reduce((n, t) => n + t.shape[axis]!, 0);
    return [b.unary('CONCATENATION', inputs, `${name}/concat`, shape, 'ConcatenationOptions', { axis, fusedActivationFunction: 0 })];
  },
};
