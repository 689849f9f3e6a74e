import { ModelError } from '../errors.js';
import { densify } from '../densify.js';
import type { OpModule } from './types.js';

/** Sparse constant -> dense, once at load on the host (no tfjs kernel exists, and none is needed at run time). */
const densifyOp: OpModule = {
  opcode: 'DENSIFY',
  kernels: [],
  foldOnly: true,
  fold(ctx, inputs) {
    const src = inputs[0];
    const tensor = ctx.inputTensor(0);
    if (!src || !tensor) throw new ModelError('DENSIFY: its input must be a constant sparse tensor');
    const shape = ctx.outputTensor(0).shape;
    const dense = densify(src.data, shape, tensor.sparsity, `DENSIFY input "${tensor.name}"`);
    return [{ dtype: 'float32', shape: [...shape], data: dense }];
  },
  run() {
    throw new ModelError('DENSIFY runs only at load, on a constant input');
  },
};
export default densifyOp;
