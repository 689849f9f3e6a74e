import type * as tf from '@tensorflow/tfjs-core';
import { ints } from './common.js';
import type { OpContext } from './types.js';

/** The [rank, 2] paddings input (position 1) as tfjs wants it: [[before, after], ...]. */
export function paddingPairs(ctx: OpContext, inputs: (tf.Tensor | undefined)[]): Array<[number, number]> {
  return pairsAt(ctx, inputs, 1);
}

/** An [n, 2] int input (paddings, crops) at `position` as [[before, after], ...]. */
export function pairsAt(ctx: OpContext, inputs: (tf.Tensor | undefined)[], position: number): Array<[number, number]> {
  const flat = ints(ctx, inputs, position);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}
