import * as tf from '@tensorflow/tfjs-core';
import type { Operator } from '@borde/tflite';
import { ModelError } from '../errors.js';
import type { OpContext } from './types.js';

/** Reads a numeric option, with the schema's default when absent. */
export function num(op: Operator, name: string, fallback = 0): number {
  const v = op.options?.[name];
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : fallback;
}

export function bool(op: Operator, name: string): boolean {
  return op.options?.[name] === true;
}

export function intList(op: Operator, name: string): number[] | undefined {
  const v = op.options?.[name];
  if (v instanceof Int32Array || Array.isArray(v)) return Array.from(v as ArrayLike<number>, Number);
  return undefined;
}

/** Input `position` as a tensor, or a ModelError naming the op when a required input is omitted. */
export function need(inputs: (tf.Tensor | undefined)[], position: number, op: Operator): tf.Tensor {
  const t = inputs[position];
  if (!t) throw new ModelError(`${op.opcode}: required input ${position} is missing`);
  return t;
}

/** Constant integer values of input `position` (axes, shapes, paddings...); run-time tensors are read back. */
export function ints(ctx: OpContext, inputs: (tf.Tensor | undefined)[], position: number): number[] {
  const c = ctx.constant(position);
  if (c) return Array.from(c.data, Number);
  const t = need(inputs, position, ctx.op);
  return Array.from(t.dataSync(), Number);
}

// ActivationFunctionType of the schema.
export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_RELU_N1_TO_1 = 2;
export const ACT_RELU6 = 3;
export const ACT_TANH = 4;

export function fusedActivation(op: Operator): number {
  return num(op, 'fusedActivationFunction', ACT_NONE);
}

/** tfjs kernels a fused activation needs when applied as a separate op. */
export function activationKernels(op: Operator): string[] {
  switch (fusedActivation(op)) {
    case ACT_RELU: return ['Relu'];
    case ACT_RELU6: return ['Relu6'];
    case ACT_RELU_N1_TO_1: return ['ClipByValue'];
    case ACT_TANH: return ['Tanh'];
    default: return [];
  }
}

/** Applies the op's fused activation (TFLite `fused_activation_function`). */
export function activate(x: tf.Tensor, op: Operator): tf.Tensor {
  switch (fusedActivation(op)) {
    case ACT_NONE: return x;
    case ACT_RELU: return tf.relu(x);
    case ACT_RELU6: return tf.relu6(x);
    case ACT_RELU_N1_TO_1: return tf.clipByValue(x, -1, 1);
    case ACT_TANH: return tf.tanh(x);
    default: throw new ModelError(`${op.opcode}: fused activation ${fusedActivation(op)} (SIGN_BIT) is not supported`);
  }
}

/** The activation tfjs fused kernels (FusedConv2D, _FusedMatMul) apply themselves, or undefined. */
export function fusableActivation(op: Operator): 'linear' | 'relu' | 'relu6' | undefined {
  switch (fusedActivation(op)) {
    case ACT_NONE: return 'linear';
    case ACT_RELU: return 'relu';
    case ACT_RELU6: return 'relu6';
    default: return undefined;
  }
}

// Padding enum of the schema.
export function padding(op: Operator): 'same' | 'valid' {
  return num(op, 'padding', 0) === 1 ? 'valid' : 'same';
}

/** Normalizes a possibly negative axis. */
export function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
