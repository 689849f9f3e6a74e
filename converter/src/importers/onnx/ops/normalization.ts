import { normalizeAxis, identity } from '../context.js';
import { emitElementwise, emitUnary } from './elementwise.js';
import { emitReduce } from './pooling.js';
import type { OnnxOpTable } from './table.js';

const NO_ACT = { fusedActivationFunction: 0 };

/**
 * LayerNormalization (opset 17) over the axes from `axis` on, as TFLite builtins:
 * (x - mean) * rsqrt(mean((x - mean)^2) + epsilon) * scale + B, the reductions on the tensor as stored.
 */
export const NORMALIZATION_OPS: OnnxOpTable = {
  LayerNormalization: {
    convert(ctx) {
      const x = ctx.tensorInput(0);
      const rank = x.shape.length;
      const axes = identity(rank).slice(normalizeAxis(ctx.int('axis', -1), rank));
      const scale = ctx.input(1);
      const bias = ctx.optionalInput(2);
      const mean = emitReduce(ctx, 'MEAN', x, axes, true, 'mean');
      const centered = emitElementwise(ctx, 'SUB', [x, mean], 'SubOptions', NO_ACT, 'centered');
      const squared = emitElementwise(ctx, 'MUL', [centered, centered], 'MulOptions', NO_ACT, 'squared');
      const variance = emitReduce(ctx, 'MEAN', squared, axes, true, 'variance');
      const eps = ctx.constant('epsilon', 'float32', [], Float32Array.of(ctx.float('epsilon', 1e-5)));
      const shifted = emitElementwise(ctx, 'ADD', [variance, eps], 'AddOptions', NO_ACT, 'variance_eps');
      const inv = emitUnary(ctx, 'RSQRT', shifted, undefined, undefined, 'rsqrt');
      const normalized = emitElementwise(ctx, 'MUL', [centered, inv], 'MulOptions', NO_ACT, 'normalized');
      // Outputs: Y, and the optional Mean and InvStdDev (kept dimensions), which are tensors computed on the way.
      if (bias === undefined) return [emitElementwise(ctx, 'MUL', [normalized, scale], 'MulOptions', NO_ACT), mean, inv];
      const scaled = emitElementwise(ctx, 'MUL', [normalized, scale], 'MulOptions', NO_ACT, 'scaled');
      return [emitElementwise(ctx, 'ADD', [scaled, bias], 'AddOptions', NO_ACT), mean, inv];
    },
  },
};
