import { CONV_RULES } from './conv.js';
import { ELEMENTWISE_RULES } from './elementwise.js';
import { REDUCE_RULES } from './reduce.js';
import { SHAPE_RULES } from './shape.js';
import type { RuleTable } from './types.js';

/** Every op the verifier knows, by builtin name or `custom:<code>`; one module per op family. */
export const RULES: RuleTable = { ...ELEMENTWISE_RULES, ...CONV_RULES, ...SHAPE_RULES, ...REDUCE_RULES };
