import type * as tf from '@tensorflow/tfjs-core';
import { ints } from './common.js';
import type { OpContext } from './types.js';

/** The [rank, 2] paddings input (position 1) as tfjs wants it: [[before, after], ...]. */
export function paddingPairs(ctx: OpContext, inputs: (tf.Tensor | undefined)[]): Array<[number, number]> {
  const flat = ints(ctx, inputs, 1);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}
