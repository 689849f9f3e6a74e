import type { OpCheck } from '../check.js';

/** Checks one operator; calls `check.fail` at the first broken rule. */
export type Rule = (check: OpCheck) => void;

/** Rules by builtin name (`CONV_2D`) or `custom:<code>` for a custom operator. */
export type RuleTable = Record<string, Rule>;
