import type { LayerWeights, SubgraphBuilder, TensorRef } from './context.js';
import { broadcastShapes as broadcast } from '../broadcast.js';

/** A Keras layer config as model.json stores it (snake_case keys). */
export type LayerConfig = Record<string, unknown>;

/** What a layer converter gets for one application (node) of a layer. */
export interface LayerContext {
  b: SubgraphBuilder;
  /** The layer's name as the user gave it; the prefix of every tensor it creates. */
  name: string;
  className: string;
  config: LayerConfig;
  inputs: TensorRef[];
  weights: LayerWeights;
}

/**
 * Converts one Keras layer class. `check` looks at the config alone (before any tensor exists) and
 * returns why the layer cannot be converted; `convert` may throw UnsupportedLayerError for reasons that
 * depend on input shapes.
 */
export interface LayerConverter {
  check?(config: LayerConfig): string | undefined;
  convert(ctx: LayerContext): TensorRef[];
}

/** Thrown by a converter for a layer it cannot express; collected into one UnsupportedOpsError. */
export class UnsupportedLayerError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

export function channelsFirstCheck(config: LayerConfig): string | undefined {
  return config['data_format'] === 'channels_first' ? 'channels_first (only channels_last is supported)' : undefined;
}

/** A number or a pair from the config (`kernel_size: 3` or `[3, 3]`). */
export function pair(value: unknown, fallback?: [number, number]): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') return [value[0], value[0]];
  if ((value === undefined || value === null) && fallback) return fallback;
  throw new UnsupportedLayerError(`expected a number or a pair of numbers, got ${JSON.stringify(value)}`);
}

export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** Output length of a convolution/pooling window, TensorFlow semantics (SAME pads at the end first). */
export function windowOutput(size: number, kernel: number, stride: number, dilation: number, padding: string): number {
  const effective = (kernel - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(size / stride) : Math.ceil((size - effective + 1) / stride);
}

/** Broadcast shape of two layer inputs; an unsupported-layer error when they do not broadcast. */
export function broadcastShapes(a: number[], b: number[]): number[] {
  const shape = broadcast(a, b);
  if (!shape) throw new UnsupportedLayerError(`cannot broadcast shapes [${a}] and [${b}]`);
  return shape;
}

/** Normalizes a possibly negative axis against `rank`. */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
