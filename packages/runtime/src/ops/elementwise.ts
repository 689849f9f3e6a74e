import type * as tf from '@tensorflow/tfjs-core';
import { activate, activationKernels, need } from './common.js';
import type { OpModule } from './types.js';

/** An op of one input mapped through one tfjs function (RELU, EXP, ...). */
export function unaryOp(opcode: string, kernels: readonly string[], fn: (x: tf.Tensor) => tf.Tensor): OpModule {
  return { opcode, kernels, run: (_ctx, inputs, op) => [fn(need(inputs, 0, op))] };
}

/** A broadcasting binary op with TFLite's optional fused activation (ADD, MUL, ...). */
export function binaryOp(opcode: string, kernel: string, fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpModule {
  return {
    opcode,
    kernels: (ctx) => [kernel, ...activationKernels(ctx.op)],
    run: (_ctx, inputs, op) => [activate(fn(need(inputs, 0, op), need(inputs, 1, op)), op)],
  };
}
