import { binary } from './activations.js';
import type { TensorRef } from './context.js';
import { UnsupportedLayerError, type LayerConverter } from './types.js';

/**
 * Keras 3 records arithmetic on symbolic tensors (`x + 3.0`, `x * (1 / 6)`: MobileNetV3's hard_sigmoid) as
 * op nodes of `keras.src.ops.numpy` in the functional config. The importer names their class `ops.<Op>`
 * and lists their positional operands in `config.operands`: null where a tensor goes, the number otherwise.
 */
function arithmetic(opcode: 'ADD' | 'SUB' | 'MUL' | 'DIV'): LayerConverter {
  return {
    convert({ b, name, config, inputs }) {
      const given = config['operands'] as (number | null)[] | undefined;
      const operands = given && given.length > 0 ? given : inputs.map(() => null);
      if (operands.length !== 2) throw new UnsupportedLayerError(`${operands.length} operands (2 expected)`);
      let next = 0;
      const refs: TensorRef[] = operands.map((value, i) => {
        if (value === null) {
          const t = inputs[next++];
          if (!t) throw new UnsupportedLayerError('fewer tensor inputs than the op has tensor operands');
          return t;
        }
        return b.constFloat(`${name}/operand_${i}`, [], [value]);
      });
      if (refs.every((r) => !inputs.includes(r))) throw new UnsupportedLayerError('an op on constants only');
      return [binary(b, opcode, refs[0]!, refs[1]!, `${name}/${opcode.toLowerCase()}`)];
    },
  };
}

export const add = arithmetic('ADD');
export const subtract = arithmetic('SUB');
export const multiply = arithmetic('MUL');
export const divide = arithmetic('DIV');
