import { BuiltinOptions, unionToBuiltinOptions } from '../generated/tflite/builtin-options.js';
import { BuiltinOptions2, unionToBuiltinOptions2 } from '../generated/tflite/builtin-options2.js';
import type { Operator as OperatorTable } from '../generated/tflite/operator.js';

/** An operator's builtin options: the union member's name and its fields as plain data. */
export interface DecodedOptions {
  optionsType: string;
  options: Record<string, unknown>;
}

/** Options the Graph cannot hold: an unknown union member, or both unions set. */
export class OptionsError extends Error {
  constructor(
    readonly field: 'builtin_options_type' | 'builtin_options_2_type',
    message: string,
  ) {
    super(message);
    this.name = 'OptionsError';
  }
}

/** A generated object-API value that can unpack itself. */
interface Unpackable {
  unpack(): object;
}

/**
 * Decodes `builtin_options` or `builtin_options_2` into the generated object-API value and returns its
 * fields as a plain object (field names as the object API names them, enums as numbers). A union whose type
 * is set but whose table is absent means "all defaults", as in the interpreters: options are then `{}`.
 * Returns undefined when the operator has no builtin options. Reads go through the operator's checked buffer.
 */
export function decodeOptions(op: OperatorTable): DecodedOptions | undefined {
  const type1 = op.builtinOptionsType();
  const type2 = op.builtinOptions2Type();
  if (type1 !== BuiltinOptions.NONE && type2 !== BuiltinOptions2.NONE) {
    throw new OptionsError('builtin_options_2_type', `both builtin_options (type ${type1}) and builtin_options_2 (type ${type2}) are set; an operator has one`);
  }
  if (type1 !== BuiltinOptions.NONE) {
    const name = BuiltinOptions[type1];
    if (typeof name !== 'string') throw new OptionsError('builtin_options_type', `unknown options type ${type1}`);
    const table = unionToBuiltinOptions(type1, (obj) => op.builtinOptions(obj)) as Unpackable | null;
    return { optionsType: name, options: table ? plainFields(table.unpack()) : {} };
  }
  if (type2 !== BuiltinOptions2.NONE) {
    const name = BuiltinOptions2[type2];
    if (typeof name !== 'string') throw new OptionsError('builtin_options_2_type', `unknown options type ${type2}`);
    const table = unionToBuiltinOptions2(type2, (obj) => op.builtinOptions2(obj)) as Unpackable | null;
    return { optionsType: name, options: table ? plainFields(table.unpack()) : {} };
  }
  return undefined;
}

/** Own fields of an object-API value; 64-bit integers become numbers where they fit exactly. */
function plainFields(value: object): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    fields[key] = Array.isArray(field) ? field.map(safeNumber) : safeNumber(field);
  }
  return fields;
}

function safeNumber(value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}
