/**
 * Representative data (`borde convert --quantize int8 --calibration <path>`) and evaluation data
 * (`--eval <path>`) for the converter: a folder of images, a CSV, JSON or .npy file, or a JS/TS module,
 * turned into input tensors of the model's exact input shapes (batch 1) and dtypes (float32, or an integer
 * input's own: images rounded, other values refused unless whole numbers the dtype holds). Every sample used is checked:
 * a shape that does not fit names the sample and both shapes; NaN/Infinity names the sample and the element.
 * See converter/docs/calibration-data.md.
 */
import { basename, extname } from 'pathe';
import { files } from '../io/files.js';
import { ConverterError } from '../errors.js';
import type { TensorValue } from '../verify/tensor-value.js';
import { csvEntries, parseCsv } from './csv.js';
import type { Entries, LoadContext } from './entries.js';
import { imageFolderEntries, listImageFolder } from './image-folder.js';
import { jsonEntries } from './json.js';
import { labelCounts, resolveLabels } from './labels.js';
import { moduleEntries } from './module.js';
import { npyEntries, readNpy } from './npy.js';
import { checkLimit, DEFAULT_CALIBRATION_LIMIT, selectIndices } from './selection.js';
import type { LabelledData, ModelInputSpec, SampleForm, SampleOptions, SampleSet } from './types.js';

export type { LabelledData, ModelInputSpec, SampleForm, SampleOptions, SampleSet, SampleSetInfo } from './types.js';
export { PRESET_NAMES, resolvePreprocessing, type PresetName, type Preprocessing } from './preprocess.js';
export { DEFAULT_CALIBRATION_LIMIT } from './selection.js';
export { parseNpy } from './npy.js';

const CSV_EXTENSIONS = ['.csv', '.tsv', '.data'];
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];
const ACCEPTED = 'a folder of .png/.jpg images, a .csv, .json or .npy file, or a .js/.mjs/.ts module';

/** The form of the data at `path`, from whether it is a folder and its extension. */
export async function detectSampleForm(path: string): Promise<SampleForm> {
  const info = await files().stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new ConverterError('SOURCE_NOT_FOUND', `data ${path} does not exist; pass ${ACCEPTED}`);
    throw new ConverterError('SOURCE_NOT_FOUND', `data ${path} cannot be read (${error.message})`, { cause: error });
  });
  if (info.isDirectory()) return 'images';
  const ext = extname(path).toLowerCase();
  if (CSV_EXTENSIONS.includes(ext)) return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.npy') return 'npy';
  if (MODULE_EXTENSIONS.includes(ext)) return 'module';
  if (ext === '.npz') {
    throw new ConverterError('INVALID_OPTIONS', `data ${path}: .npz archives are not supported; save one input as .npy ` +
      '(numpy.save), or give multi-input samples as JSON or a JS module');
  }
  throw new ConverterError('INVALID_OPTIONS', `data ${path}: '${ext || basename(path)}' is not a known data form; pass ${ACCEPTED}`);
}

/** The samples at `path` and what was done to them (form, counts, preprocessing, notes). */
export async function loadSampleSet(path: string, inputs: ModelInputSpec[], options: SampleOptions = {}): Promise<SampleSet> {
  const limit = checkLimit(options.limit ?? DEFAULT_CALIBRATION_LIMIT);
  const found = await entriesOf({ path, inputs, options, labelled: false }, limit);
  const chosen = selectIndices(found.entries.length, limit, options.shuffleSeed);
  const samples = await readAll(found, chosen);
  return { samples, info: infoOf(path, found, samples.length) };
}

/**
 * One list of input tensors per sample (in the model's input order, batch 1), at most `options.limit`
 * (default 500), optionally shuffled first with `options.shuffleSeed`.
 */
export async function loadSamples(path: string, inputs: ModelInputSpec[], options: SampleOptions = {}): Promise<TensorValue[][]> {
  return (await loadSampleSet(path, inputs, options)).samples;
}

/**
 * Evaluation data with a class index per sample (all samples unless `options.limit`): a CSV with
 * `labelColumn`; JSON or module items `{ inputs, label }`; a folder with one sub-folder per class (a numeric
 * name is the class index, other names are sorted and numbered, and returned as `classNames`); a .npy file
 * with its labels in `<name>.labels.npy`, `labels.npy` or (for `x*.npy`) `y*.npy` beside it.
 * Text labels become indices of their sorted names; `labelMap` maps raw labels (e.g. { '2': 0, '4': 1 }).
 */
export async function loadLabelledData(path: string, inputs: ModelInputSpec[], options: SampleOptions = {}): Promise<LabelledData> {
  const limit = checkLimit(options.limit ?? Infinity);
  const found = await entriesOf({ path, inputs, options, labelled: true }, limit);
  const raw = found.entries.map((e) => ({ where: e.where, value: e.label }));
  const { labels, classNames, warning } = resolveLabels(path, raw, options.labelMap);
  const chosen = selectIndices(found.entries.length, limit, options.shuffleSeed);
  const samples = await readAll(found, chosen);
  const info = infoOf(path, found, samples.length);
  info.notes.push(`labels: ${labelCounts(raw)}`);
  if (warning) info.notes.push(warning);
  return { samples, labels: chosen.map((i) => labels[i]!), ...(classNames ? { classNames } : {}), info };
}

/** One line for progress output: the form and how many samples the source holds (modules are not run). */
export async function describeSource(path: string): Promise<string> {
  const form = await detectSampleForm(path);
  switch (form) {
    case 'images': {
      const listing = await listImageFolder(path);
      const inClasses = listing.classes.reduce((n, c) => n + c.images.length, 0);
      return listing.images.length > 0 || listing.classes.length === 0
        ? `folder ${path}: ${listing.images.length} image(s)`
        : `folder ${path}: ${inClasses} image(s) in ${listing.classes.length} class sub-folder(s)`;
    }
    case 'csv': {
      const table = parseCsv(await files().readText(path), path);
      return `CSV file ${path}: ${table.rows.length} row(s), ${table.names.length} column(s), ${table.hasHeader ? 'with' : 'no'} header`;
    }
    case 'json': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await files().readText(path));
      } catch (error) {
        throw new ConverterError('CALIBRATION', `JSON file ${path} could not be parsed (${(error as Error).message}); fix its syntax`, { cause: error });
      }
      const items = Array.isArray(parsed) ? parsed : (parsed as { samples?: unknown[] } | null)?.samples;
      return `JSON file ${path}: ${Array.isArray(items) ? items.length : 0} sample(s)`;
    }
    case 'npy': {
      const array = await readNpy(path);
      return `.npy file ${path}: ${array.shape[0] ?? 0} sample(s), ${array.dtype} of shape (${array.shape.join(', ')})`;
    }
    case 'module':
      return `module ${path} (samples counted when it runs)`;
  }
}

async function entriesOf(ctx: LoadContext, limit: number): Promise<Entries> {
  if (ctx.inputs.length === 0) throw new ConverterError('INVALID_OPTIONS', 'the model has no inputs to feed samples to');
  const form = await detectSampleForm(ctx.path);
  switch (form) {
    case 'images': return imageFolderEntries(ctx);
    case 'csv': return csvEntries(ctx);
    case 'json': return jsonEntries(ctx);
    case 'npy': return npyEntries(ctx);
    case 'module': return moduleEntries(ctx, limit);
  }
}

async function readAll(found: Entries, chosen: number[]): Promise<TensorValue[][]> {
  const samples: TensorValue[][] = [];
  for (const i of chosen) samples.push(await found.entries[i]!.read());
  return samples;
}

function infoOf(path: string, found: Entries, used: number) {
  return {
    form: found.form,
    path,
    available: found.entries.length,
    used,
    ...(found.preprocessing ? { preprocessing: found.preprocessing.description } : {}),
    notes: found.notes,
  };
}
