import type * as tf from '@tensorflow/tfjs-core';
import type { Operator, Tensor } from '@borde/tflite';
import type { HostTensor } from '../host-tensor.js';

/** What an op module may ask about the operator it runs, at load and at run time. */
export interface OpContext {
  readonly op: Operator;
  /** Graph description of input `position` (undefined for an omitted optional input, index -1). */
  inputTensor(position: number): Tensor | undefined;
  outputTensor(position: number): Tensor;
  /** Value of input `position` when it is a constant (or folded at load), else undefined. */
  constant(position: number): HostTensor | undefined;
}

/**
 * One TFLite operator on TensorFlow.js. `kernels` names every tfjs kernel `run` dispatches (as registered,
 * see tf.getKernel); placement puts the op on the first preferred backend that registers all of them.
 */
export interface OpModule {
  /** Builtin name (`CONV_2D`), or the custom code of a custom op (`Convolution2DTransposeBias`). */
  readonly opcode: string;
  readonly kernels: readonly string[] | ((ctx: OpContext) => readonly string[]);
  /**
   * Once at load: constant inputs rewritten into the layout `run` wants (e.g. OHWI -> HWIO weights), by input
   * position. The executor uploads them instead of the original constant.
   */
  prepare?(ctx: OpContext): Record<number, HostTensor> | undefined;
  /** At load, when every input is constant: computes the outputs on the host once (DEQUANTIZE, DENSIFY). */
  fold?(ctx: OpContext, inputs: (HostTensor | undefined)[]): HostTensor[];
  /** True when the op can only be folded at load (no run-time implementation). */
  readonly foldOnly?: boolean;
  /** Runs inside tf.tidy on the op's backend; inputs are undefined where the optional input is omitted. */
  run(ctx: OpContext, inputs: (tf.Tensor | undefined)[], op: Operator): tf.Tensor[];
}
