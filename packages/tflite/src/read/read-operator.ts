import { BuiltinOperator } from '../generated/tflite/builtin-operator.js';
import type { Model } from '../generated/tflite/model.js';
import { OperatorCode } from '../generated/tflite/operator-code.js';
import type { Operator as OperatorTable } from '../generated/tflite/operator.js';
import type { Operator } from '../graph.js';
import { builtinName } from '../opcodes.js';
import { decodeOptions, OptionsError } from './decode-options.js';
import type { ReadContext } from './read-context.js';

/** What an operator code contributes to each operator that uses it. */
export interface DecodedOperatorCode {
  opcode: string;
  customCode?: string;
  version: number;
}

/**
 * Decodes `operator_codes`. The builtin code is max(deprecated_builtin_code, builtin_code), as TFLite's
 * GetBuiltinCode does: old files set only the first, files from new converters both.
 */
export function readOperatorCodes(ctx: ReadContext, model: Model): DecodedOperatorCode[] {
  ctx.where = 'operator_codes';
  const { length } = ctx.vector(() => model.operatorCodesLength(), 4);
  const table = new OperatorCode();
  const codes: DecodedOperatorCode[] = [];
  for (let i = 0; i < length; i++) {
    const path = `operator_codes[${i}]`;
    ctx.where = path;
    const entry = model.operatorCodes(i, table)!;
    const code = Math.max(entry.deprecatedBuiltinCode(), entry.builtinCode());
    const name = builtinName(code);
    if (name === undefined || code === BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES) {
      ctx.fail('structure', `${path}.builtin_code`, `unknown builtin operator code ${code}; this reader knows codes 0..${MAX_BUILTIN_CODE} of the TFLite schema`);
    }
    const decoded: DecodedOperatorCode = { opcode: name, version: entry.version() };
    if (code === BuiltinOperator.CUSTOM) {
      const customCode = entry.customCode();
      if (!customCode) ctx.fail('structure', `${path}.custom_code`, 'a CUSTOM operator code needs the name of the custom operator');
      decoded.customCode = customCode;
    }
    codes.push(decoded);
  }
  return codes;
}

const MAX_BUILTIN_CODE = Math.max(...Object.values(BuiltinOperator).filter((v): v is number => typeof v === 'number'));

/** Decodes one operator: code, operands, options and custom options. Indices are checked by validateGraph. */
export function readOperator(ctx: ReadContext, table: OperatorTable, path: string, codes: DecodedOperatorCode[]): Operator {
  ctx.where = `${path}.opcode_index`;
  const codeIndex = table.opcodeIndex();
  const code = codes[codeIndex];
  if (code === undefined) {
    ctx.fail('index', `${path}.opcode_index`, `operator code ${codeIndex} out of range ${codes.length === 0 ? '(the model has no operator codes)' : `(0..${codes.length - 1})`}`);
  }
  const op: Operator = {
    opcode: code.opcode,
    version: code.version,
    inputs: readIndices(ctx, () => table.inputsLength(), `${path}.inputs`),
    outputs: readIndices(ctx, () => table.outputsLength(), `${path}.outputs`),
  };
  if (code.customCode !== undefined) op.customCode = code.customCode;

  const intermediates = readIndices(ctx, () => table.intermediatesLength(), `${path}.intermediates`);
  if (intermediates.length > 0) op.intermediates = intermediates;

  ctx.where = `${path}.builtin_options`;
  try {
    const options = decodeOptions(table);
    if (options) {
      op.optionsType = options.optionsType;
      op.options = options.options;
    }
  } catch (error) {
    if (error instanceof OptionsError) ctx.fail('structure', `${path}.${error.field}`, error.message);
    throw error;
  }

  ctx.where = `${path}.custom_options`;
  const custom = ctx.vector(() => table.customOptionsLength(), 1);
  if (custom.length > 0) {
    op.customOptions = ctx.copy(custom);
  } else {
    ctx.where = `${path}.large_custom_options_offset`;
    const offset = table.largeCustomOptionsOffset();
    const size = table.largeCustomOptionsSize();
    if (offset > 1n && size > 0n) {
      op.customOptions = ctx.copy(ctx.outsideRegion(offset, size, ctx.where, 'custom options'));
    }
  }
  return op;
}

function readIndices(ctx: ReadContext, measure: () => number, path: string): number[] {
  ctx.where = path;
  return ctx.int32s(measure);
}
