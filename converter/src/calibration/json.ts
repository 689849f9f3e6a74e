import { files } from '../io/files.js';
import { ConverterError } from '../errors.js';
import type { Entries, LoadContext } from './entries.js';
import { itemLabel, itemToTensors, ITEM_FORMS } from './items.js';
import { resolvePreprocessing } from './preprocess.js';

/**
 * A JSON file of samples: an array, or `{ "samples": [...] }`; each item in one of the forms of items.ts.
 * JSON has no NaN/Infinity: `null` in the values reads as NaN, so the error names that sample.
 */
export async function jsonEntries(ctx: LoadContext): Promise<Entries> {
  const { path, inputs, options } = ctx;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await files().readText(path));
  } catch (error) {
    throw new ConverterError('CALIBRATION', `JSON file ${path} could not be parsed (${(error as Error).message}); fix its syntax`, { cause: error });
  }
  const items = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { samples?: unknown }).samples)
      ? (parsed as { samples: unknown[] }).samples
      : undefined;
  if (!items) {
    throw new ConverterError('CALIBRATION', `JSON file ${path} must hold an array of samples or { "samples": [...] }; ` +
      `each sample ${ITEM_FORMS}`);
  }
  if (items.length === 0) throw new ConverterError('CALIBRATION', `JSON file ${path} holds no samples`);
  const preprocessing = resolvePreprocessing(options);
  const entries = items.map((item, i) => {
    const where = `JSON file ${path} sample ${i}`;
    return { where, label: itemLabel(item), read: () => itemToTensors(where, item, inputs, preprocessing) };
  });
  return { form: 'json', entries, notes: [], preprocessing };
}
