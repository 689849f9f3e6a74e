import { ConverterError } from '../errors.js';
import type { TensorValue } from '../verify/tensor-value.js';
import type { Preprocessing } from './preprocess.js';
import { makeTensor } from './shapes.js';
import type { ModelInputSpec } from './types.js';

/**
 * The item forms JSON files and JS modules may hold, for one sample:
 * - numbers: an array (nested arrays are flattened), or a typed array: the single input's values;
 * - an array of those, one per input (multi-input models);
 * - `{ data, shape? }` (TensorValue-like): one input, with its shape checked;
 * - `{ inputs: ... }`: any of the above under `inputs` (a `label` beside it is the evaluation label);
 * - `{ [inputName]: values }`: one entry per model input.
 */
export const ITEM_FORMS = 'a number array, an array with one array per input, { data, shape }, { inputs }, or { [inputName]: values }';

type Values = { values: ArrayLike<number>; shape?: readonly number[] | undefined };

export function itemToTensors(where: string, item: unknown, inputs: readonly ModelInputSpec[], preprocessing?: Preprocessing): TensorValue[] {
  const perInput = splitInputs(where, item, inputs);
  return perInput.map((v, i) => makeTensor(where, inputs[i]!, v.values, { dataShape: v.shape, preprocessing }));
}

/** The label next to the inputs of an evaluation item: `{ inputs, label }` or `{ ..., label }`. */
export function itemLabel(item: unknown): unknown {
  return isPlainObject(item) ? item['label'] : undefined;
}

function splitInputs(where: string, item: unknown, inputs: readonly ModelInputSpec[]): Values[] {
  if (isPlainObject(item) && 'inputs' in item) return splitInputs(where, item['inputs'], inputs);
  if (isTensorLike(item)) {
    if (inputs.length !== 1) throw countError(where, 1, inputs);
    return [tensorValues(where, item)];
  }
  if (isPlainObject(item)) {
    const names = inputs.map((i) => i.name);
    return inputs.map((input) => {
      if (!(input.name in item)) {
        const keys = Object.keys(item).filter((k) => k !== 'label');
        throw new ConverterError('CALIBRATION', `${where}: no entry for model input '${input.name}' (keys: ${keys.join(', ') || 'none'}); ` +
          `key each sample by the input names ${names.join(', ')}, or use ${ITEM_FORMS}`);
      }
      return oneInput(`${where}, input '${input.name}'`, item[input.name]);
    });
  }
  if (!Array.isArray(item) && !ArrayBuffer.isView(item)) {
    throw new ConverterError('CALIBRATION', `${where}: expected ${ITEM_FORMS}; got ${describe(item)}`);
  }
  if (inputs.length === 1) {
    // One input: a list holding one tensor-like is that input; anything else is its (maybe nested) values.
    if (Array.isArray(item) && item.length === 1 && isTensorLike(item[0])) return [tensorValues(where, item[0])];
    return [oneInput(where, item)];
  }
  if (!Array.isArray(item) || item.length !== inputs.length || !item.every((x) => Array.isArray(x) || ArrayBuffer.isView(x) || isTensorLike(x))) {
    throw countError(where, Array.isArray(item) && item.every((x) => Array.isArray(x) || isTensorLike(x)) ? item.length : 1, inputs);
  }
  return item.map((x, i) => oneInput(`${where}, input '${inputs[i]!.name}'`, x));
}

function oneInput(where: string, value: unknown): Values {
  if (isTensorLike(value)) return tensorValues(where, value);
  if (ArrayBuffer.isView(value)) return { values: numericView(where, value) };
  if (Array.isArray(value)) return { values: flattenNumbers(where, value) };
  throw new ConverterError('CALIBRATION', `${where}: expected an array of numbers, a typed array or { data, shape }; got ${describe(value)}`);
}

function tensorValues(where: string, t: { data: unknown; shape?: unknown }): Values {
  const shape = t.shape;
  if (shape !== undefined && !(Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0))) {
    throw new ConverterError('CALIBRATION', `${where}: 'shape' must be an array of non-negative integers; got ${JSON.stringify(shape)}`);
  }
  const values = ArrayBuffer.isView(t.data) ? numericView(where, t.data) : flattenNumbers(where, t.data as unknown[]);
  if (shape && values.length !== (shape as number[]).reduce((a, b) => a * b, 1)) {
    throw new ConverterError('CALIBRATION', `${where}: 'data' has ${values.length} values but 'shape' [${(shape as number[]).join(', ')}] needs ` +
      `${(shape as number[]).reduce((a, b) => a * b, 1)}`);
  }
  return { values, shape: shape as number[] | undefined };
}

function numericView(where: string, view: ArrayBufferView): ArrayLike<number> {
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) return Array.from(view, Number);
  if (view instanceof DataView) throw new ConverterError('CALIBRATION', `${where}: a DataView is not a sample; pass a typed array`);
  return view as unknown as ArrayLike<number>;
}

/** Flattens nested arrays of numbers; `null` (JSON's NaN/Infinity) becomes NaN so the finite check names it. */
function flattenNumbers(where: string, value: unknown[]): number[] {
  const out: number[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'number') out.push(v);
    else if (v === null) out.push(NaN);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (ArrayBuffer.isView(v)) Array.prototype.push.apply(out, Array.from(numericView(where, v)));
    else throw new ConverterError('CALIBRATION', `${where}: element ${out.length} is ${describe(v)}; samples hold numbers only`);
  };
  visit(value);
  return out;
}

function countError(where: string, given: number, inputs: readonly ModelInputSpec[]): ConverterError {
  return new ConverterError('CALIBRATION', `${where}: holds ${given} input(s) but the model takes ${inputs.length} ` +
    `(${inputs.map((i) => i.name).join(', ')}); give one array per input or an object keyed by input name`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function isTensorLike(v: unknown): v is { data: unknown; shape?: unknown } {
  return isPlainObject(v) && 'data' in v && (Array.isArray(v['data']) || ArrayBuffer.isView(v['data']));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object with keys ${Object.keys(v as object).slice(0, 5).join(', ') || '(none)'}`;
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
