import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

// tfjs' mod is a floor mod: the result takes the divisor's sign.
export default binaryOp('FLOOR_MOD', 'Mod', (a, b) => tf.mod(a, b));
