import type { TensorRef } from './context.js';
import {
  UnsupportedLayerError, channelsFirstCheck, pair, windowOutput, type LayerContext, type LayerConverter,
} from './types.js';

const SAME = 0; // Padding.SAME
const VALID = 1; // Padding.VALID

function pool2d(opcode: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'): LayerConverter {
  return {
    check(config) {
      const cf = channelsFirstCheck(config);
      if (cf) return cf;
      const p = config['padding'] ?? 'valid';
      return p === 'same' || p === 'valid' ? undefined : `padding '${String(p)}' (only 'same' and 'valid')`;
    },
    convert({ b, name, config, inputs }) {
      const x = inputs[0]!;
      if (x.shape.length !== 4) throw new UnsupportedLayerError(`input of rank ${x.shape.length} (NHWC rank 4 expected)`);
      const size = pair(config['pool_size'], [2, 2]);
      const strides = pair(config['strides'], size);
      const padding = (config['padding'] ?? 'valid') as 'same' | 'valid';
      const outH = windowOutput(x.shape[1]!, size[0], strides[0], 1, padding);
      const outW = windowOutput(x.shape[2]!, size[1], strides[1], 1, padding);
      if (outH <= 0 || outW <= 0) throw new UnsupportedLayerError(`pool_size is larger than the input [${x.shape.slice(1, 3)}]`);
      return [b.unary(opcode, [x], `${name}/pool`, [x.shape[0]!, outH, outW, x.shape[3]!], 'Pool2DOptions', {
        padding: padding === 'same' ? SAME : VALID,
        strideW: strides[1],
        strideH: strides[0],
        filterWidth: size[1],
        filterHeight: size[0],
        fusedActivationFunction: 0,
      })];
    },
  };
}

export const maxPooling2d = pool2d('MAX_POOL_2D');
export const averagePooling2d = pool2d('AVERAGE_POOL_2D');

/** Global pooling reduces H and W: MEAN / REDUCE_MAX over axes [1, 2]. */
function globalPool2d(opcode: 'MEAN' | 'REDUCE_MAX'): LayerConverter {
  return {
    check: channelsFirstCheck,
    convert(ctx: LayerContext): TensorRef[] {
      const { b, name, config, inputs } = ctx;
      const x = inputs[0]!;
      if (x.shape.length !== 4) throw new UnsupportedLayerError(`input of rank ${x.shape.length} (NHWC rank 4 expected)`);
      const keepDims = config['keepdims'] === true;
      const axes = b.constInt32(`${name}/axes`, [2], [1, 2]);
      const shape = keepDims ? [x.shape[0]!, 1, 1, x.shape[3]!] : [x.shape[0]!, x.shape[3]!];
      return [b.unary(opcode, [x, axes], `${name}/${opcode.toLowerCase()}`, shape, 'ReducerOptions', { keepDims })];
    },
  };
}

export const globalAveragePooling2d = globalPool2d('MEAN');
export const globalMaxPooling2d = globalPool2d('REDUCE_MAX');
