import type * as tf from '@tensorflow/tfjs';
import type { OnnxContext, OnnxValue } from '../context.js';

/** How one ONNX op becomes TFLite operators, and (optionally) how it computes on constants at import. */
export interface OnnxOpDef {
  convert(ctx: OnnxContext): OnnxValue | OnnxValue[];
  /** Computes the op when every input is a constant (shape subgraphs), with tfjs kernels. */
  fold?(ctx: OnnxContext, inputs: (tf.Tensor | undefined)[]): tf.Tensor | tf.Tensor[];
}

export type OnnxOpTable = Record<string, OnnxOpDef>;
