import * as tf from '@tensorflow/tfjs';
import { ImportFault, type OnnxContext, type TensorValue } from '../context.js';
import type { ConstTensor } from '../../graph-ops/types.js';
import { broadcastShapes } from '../../broadcast.js';
import type { OnnxOpTable } from './table.js';
import { emitElementwise } from './elementwise.js';

function transpose2d(c: ConstTensor, name: string, scale = 1): ConstTensor {
  const [r, k] = c.shape as [number, number];
  const src = c.data as Float32Array;
  const dst = new Float32Array(src.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) dst[j * r + i] = src[i * k + j]! * scale;
  return { name, dtype: 'float32', shape: [k, r], data: dst };
}

/** FULLY_CONNECTED: x [..., K] times weights [N, K] (TFLite's layout) plus bias [N]; ONNX order on the input. */
function fullyConnected(ctx: OnnxContext, x: TensorValue, weights: ConstTensor, bias: ConstTensor | undefined, suffix?: string): TensorValue {
  const a = ctx.logical(x);
  const n = weights.shape[0]!;
  const shape = [...a.shape.slice(0, -1), n];
  const out = suffix === undefined ? ctx.output(shape) : ctx.intermediate(suffix, shape);
  const b = bias ?? { name: `${ctx.node.outputs[0]}/bias`, dtype: 'float32' as const, shape: [n], data: new Float32Array(n) };
  ctx.op('FULLY_CONNECTED', [a, { kind: 'const', c: weights }, { kind: 'const', c: b }], [out], 'FullyConnectedOptions', {
    fusedActivationFunction: 0, weightsFormat: 0, keepNumDims: a.shape.length > 2, asymmetricQuantizeInputs: false, quantizedBiasType: 0,
  });
  return out;
}

function transposedView(x: TensorValue): TensorValue {
  const stored = x.perm ?? [0, 1];
  const perm = stored.map((a) => 1 - a);
  return { ...x, shape: [x.shape[1]!, x.shape[0]!], ...(perm[0] === 0 ? { perm: undefined } : { perm }) };
}

export const MATMUL_OPS: OnnxOpTable = {
  MatMul: {
    convert(ctx) {
      const a = ctx.input(0);
      const b = ctx.input(1);
      if (a.kind === 'tensor' && b.kind === 'const' && b.c.shape.length === 2 && a.shape.length >= 2) {
        return fullyConnected(ctx, a, transpose2d(b.c, `${b.c.name}/transposed`), undefined);
      }
      if (a.kind !== 'tensor' || b.kind !== 'tensor') throw new ImportFault('MatMul of a constant by a run-time tensor');
      if (a.shape.length < 2 || b.shape.length < 2) throw new ImportFault('MatMul of 1-D operands');
      const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
      if (!batch) throw new ImportFault('MatMul batch dimensions do not broadcast');
      const out = ctx.output([...batch, a.shape[a.shape.length - 2]!, b.shape[b.shape.length - 1]!]);
      ctx.op('BATCH_MATMUL', [ctx.logical(a), ctx.logical(b)], [out], 'BatchMatMulOptions', { adjX: false, adjY: false, asymmetricQuantizeInputs: false });
      return out;
    },
    fold: (_ctx, [a, b]) => tf.matMul(a!, b!),
  },
  /** Gemm: alpha * A' * B' + beta * C, with A a run-time [M, K] and B, C constants. */
  Gemm: {
    convert(ctx) {
      const input = ctx.tensorInput(0);
      const b = ctx.constInput(1, 'B');
      if (input.shape.length !== 2 || b.shape.length !== 2) throw new ImportFault('Gemm operands must be 2-D');
      // transA: the same stored tensor read as its transpose (a TRANSPOSE only if FULLY_CONNECTED needs it).
      const a = ctx.int('transA', 0) === 0 ? input : transposedView(input);
      const alpha = ctx.float('alpha', 1);
      const beta = ctx.float('beta', 1);
      // FULLY_CONNECTED wants [N, K]: that is B itself when transB, else B transposed.
      const weights = ctx.int('transB', 0) === 1
        ? { ...b, name: `${b.name}/scaled`, data: Float32Array.from(b.data as Float32Array, (v) => v * alpha) }
        : transpose2d(b, `${b.name}/transposed`, alpha);
      const n = weights.shape[0]!;
      const c = ctx.optionalInput(2);
      let bias: ConstTensor | undefined;
      if (c !== undefined) {
        if (c.kind !== 'const') throw new ImportFault('C (input 3) must be an initializer');
        const size = c.c.data.length;
        if (size !== 1 && size !== n) {
          // A full [M, N] addend: FULLY_CONNECTED without bias, then ADD beta * C.
          const product = fullyConnected(ctx, a, weights, undefined, 'product');
          const addend = ctx.constant('beta_c', 'float32', c.c.shape, Float32Array.from(c.c.data, (v) => v * beta));
          return emitElementwise(ctx, 'ADD', [product, addend], 'AddOptions', { fusedActivationFunction: 0 });
        }
        bias = { name: `${c.c.name}/bias`, dtype: 'float32', shape: [n], data: Float32Array.from({ length: n }, (_v, i) => c.c.data[size === 1 ? 0 : i]! * beta) };
      }
      return fullyConnected(ctx, a, weights, bias);
    },
  },
};
