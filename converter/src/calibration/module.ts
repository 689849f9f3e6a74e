import { files } from '../io/files.js';
import { ConverterError } from '../errors.js';
import type { Entries, LoadContext } from './entries.js';
import { itemLabel, itemToTensors } from './items.js';
import { resolvePreprocessing } from './preprocess.js';

/** With a shuffle, a module's iterable is read whole before shuffling: this many items at most. */
export const MAX_SHUFFLED_MODULE_ITEMS = 100_000;

/**
 * A JS/TS module's samples: its default export, or its `samples` export, is an array, an iterable, an async
 * iterable, or a (possibly async) function returning one. Items take the forms of items.ts. Without a
 * shuffle, reading stops at `limit`, so an endless generator is fine. A .ts module loads only when the
 * process has a TypeScript loader (the CLI run under tsx); a compiled .js/.mjs always works.
 */
export async function moduleEntries(ctx: LoadContext, limit: number): Promise<Entries> {
  const { path, inputs, options } = ctx;
  let module: Record<string, unknown>;
  try {
    module = await files().importModule(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const hint = code === 'ERR_UNKNOWN_FILE_EXTENSION'
      ? 'this Node has no TypeScript loader: compile it to .js/.mjs, or run borde under tsx (npx tsx)'
      : 'fix the module so that it loads with `node`';
    throw new ConverterError('CALIBRATION', `module ${path} could not be imported (${(error as Error).message}); ${hint}`, { cause: error });
  }
  let source: unknown = module['default'] ?? module['samples'];
  if (source === undefined) {
    throw new ConverterError('CALIBRATION', `module ${path} has neither a default export nor a \`samples\` export; ` +
      `export the samples (exports found: ${Object.keys(module).join(', ') || 'none'})`);
  }
  if (typeof source === 'function') source = await (source as () => unknown)();
  const max = options.shuffleSeed === undefined ? limit : MAX_SHUFFLED_MODULE_ITEMS;
  const items = Array.isArray(source) ? source : await collect(source, max, path);
  if (items.length === 0) throw new ConverterError('CALIBRATION', `module ${path} gave no samples`);
  if (!Array.isArray(source) && options.shuffleSeed !== undefined && items.length === MAX_SHUFFLED_MODULE_ITEMS) {
    throw new ConverterError('INVALID_OPTIONS', `module ${path} gives more than ${MAX_SHUFFLED_MODULE_ITEMS} samples, too many to shuffle; ` +
      'drop --shuffle-seed (the first --samples items are then used) or shuffle inside the module');
  }
  const preprocessing = resolvePreprocessing(options);
  const entries = items.map((item, i) => {
    const where = `module ${path} sample ${i}`;
    return { where, label: itemLabel(item), read: () => itemToTensors(where, item, inputs, preprocessing) };
  });
  const notes = !Array.isArray(source) && items.length === limit && options.shuffleSeed === undefined
    ? [`stopped reading the iterable at ${limit} sample(s) (the limit)`] : [];
  return { form: 'module', entries, notes, preprocessing };
}

async function collect(source: unknown, max: number, path: string): Promise<unknown[]> {
  const items: unknown[] = [];
  const iterable = source as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | null;
  if (typeof iterable !== 'object' || iterable === null || (!iterable[Symbol.asyncIterator] && !iterable[Symbol.iterator])) {
    throw new ConverterError('CALIBRATION', `module ${path}: its export is ${source === null ? 'null' : typeof source}; export an array, ` +
      'an iterable, an async iterable (e.g. an async generator), or a function returning one');
  }
  if (max <= 0) return items;
  for await (const item of iterable as AsyncIterable<unknown> | Iterable<unknown>) {
    items.push(item);
    if (items.length >= max) break;
  }
  return items;
}
