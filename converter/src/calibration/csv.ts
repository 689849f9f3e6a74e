import { files } from '../io/files.js';
import { ConverterError } from '../errors.js';
import type { Entries, LoadContext } from './entries.js';
import { resolvePreprocessing } from './preprocess.js';
import { formatShape, makeTensor, product } from './shapes.js';

/** Cells read as "no value": a row holding one in a used column fails, or is dropped with `dropMissing`. */
export const MISSING_TOKENS = ['?', '', 'NA', 'N/A', 'NaN', 'nan', 'null'];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITY = /^[+-]?(inf|infinity)$/i;

export const isMissing = (cell: string): boolean => MISSING_TOKENS.includes(cell.trim());
const isNumeric = (cell: string): boolean => NUMBER.test(cell.trim()) || INFINITY.test(cell.trim());
const toNumber = (cell: string): number => (INFINITY.test(cell.trim()) ? (cell.trim().startsWith('-') ? -Infinity : Infinity) : Number(cell.trim()));

export interface CsvTable {
  /** Column names: the header's, or "column <i>" without one. */
  names: string[];
  hasHeader: boolean;
  /** Data rows with the file line each starts on (1-based). */
  rows: { line: number; cells: string[] }[];
}

/**
 * Parses CSV text (RFC 4180 quoting; comma, or tab/semicolon when the first line has no comma; blank lines
 * skipped). The first row is a header when one of its cells is neither a number nor a missing-value token.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const records = splitRecords(text.replace(/^\uFEFF/, ''), file);
  if (records.length === 0) throw new ConverterError('CALIBRATION', `CSV file ${file} is empty; give one sample per row`);
  const hasHeader = records[0]!.cells.some((c) => !isNumeric(c) && !isMissing(c));
  const width = records[0]!.cells.length;
  const names = hasHeader ? records[0]!.cells.map((c) => c.trim()) : Array.from({ length: width }, (_, i) => `column ${i}`);
  const rows = hasHeader ? records.slice(1) : records;
  for (const row of rows) {
    if (row.cells.length !== width) {
      throw new ConverterError('CALIBRATION', `CSV file ${file} line ${row.line} has ${row.cells.length} cells where ` +
        `${hasHeader ? 'the header' : 'the first row'} has ${width}; every row needs the same columns`);
    }
  }
  return { names, hasHeader, rows };
}

function splitRecords(text: string, file: string): { line: number; cells: string[] }[] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes(',') ? ',' : firstLine.includes('\t') ? '\t' : firstLine.includes(';') ? ';' : ',';
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let sawAny = false;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0]!.trim() !== '' || sawAny) records.push({ line: start, cells });
    cells = [];
    cell = '';
    sawAny = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else { if (ch === '\n') line++; cell += ch; }
    } else if (ch === '"' && cell.trim() === '') { quoted = true; sawAny = true; }
    else if (ch === delimiter) { cells.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw new ConverterError('CALIBRATION', `CSV file ${file}: a quote opened on line ${start} is never closed`);
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}

/** At most 12 column names, for messages about wide files. */
const listColumns = (table: CsvTable, columns: number[]): string =>
  columns.slice(0, 12).map((k) => table.names[k]).join(', ') + (columns.length > 12 ? `, ... (${columns.length - 12} more)` : '');

/** Finds a column by header name, or by 0-based index (a number, or digits when no header has that name). */
function columnIndex(table: CsvTable, column: string | number, file: string, flag: string): number {
  if (typeof column === 'string') {
    const byName = table.hasHeader ? table.names.indexOf(column.trim()) : -1;
    if (byName >= 0) return byName;
    if (!/^\d+$/.test(column.trim())) {
      throw new ConverterError('INVALID_OPTIONS', table.hasHeader
        ? `${flag} '${column}': CSV file ${file} has no such column (columns: ${listColumns(table, table.names.map((_, k) => k))})`
        : `${flag} '${column}': CSV file ${file} has no header row; give 0-based column indices instead of names`);
    }
    column = Number(column.trim());
  }
  if (!Number.isInteger(column) || column < 0 || column >= table.names.length) {
    throw new ConverterError('INVALID_OPTIONS', `${flag} ${column}: CSV file ${file} has columns 0..${table.names.length - 1}`);
  }
  return column;
}

/**
 * A column of numbers with a few cells that are not (a typo, a unit, a stray word) is a mistake in the
 * data, not a text column to leave out: leaving it out would only surface as a wrong feature count. Names
 * the first such cell by line and column.
 */
function throwOnStrayText(table: CsvTable, textColumns: number[], file: string): void {
  for (const k of textColumns) {
    const numbers = table.rows.filter((r) => isNumeric(r.cells[k]!)).length;
    const text = table.rows.filter((r) => !isNumeric(r.cells[k]!) && !isMissing(r.cells[k]!));
    if (numbers === 0 || text.length > numbers) continue; // mostly text: a text column, skipped with a note
    const row = text[0]!;
    throw new ConverterError('CALIBRATION', `CSV file ${file} line ${row.line}, column '${table.names[k]}': ` +
      `'${row.cells[k]!.trim()}' is not a number (${numbers} of ${table.rows.length} rows hold numbers there); ` +
      'fix the value, or choose the feature columns with --columns');
  }
}

/**
 * Rows of a CSV file as samples of a single-input model. Features: `columns`, or every numeric column but
 * the label column, in file order. Their count must equal the input's element count.
 */
export async function csvEntries(ctx: LoadContext): Promise<Entries> {
  const { path, inputs, options, labelled } = ctx;
  if (inputs.length !== 1) {
    throw new ConverterError('CALIBRATION', `a CSV file feeds one input, but the model takes ${inputs.length} ` +
      `(${inputs.map((i) => i.name).join(', ')}); give the samples as JSON or a JS module`);
  }
  const input = inputs[0]!;
  const table = parseCsv(await files().readText(path), path);
  const notes: string[] = [];
  if (labelled && options.labelColumn === undefined) {
    throw new ConverterError('INVALID_OPTIONS', `evaluation data ${path} is a CSV file: pass --label-column <name or 0-based index>`);
  }
  const label = options.labelColumn === undefined ? undefined : columnIndex(table, options.labelColumn, path, '--label-column');
  let features: number[];
  if (options.columns) {
    features = options.columns.map((c) => columnIndex(table, c, path, '--columns'));
    if (label !== undefined && features.includes(label)) {
      throw new ConverterError('INVALID_OPTIONS', `--columns includes the label column '${table.names[label]}'; leave it out`);
    }
  } else {
    const numericColumn = (k: number) => table.rows.every((r) => isMissing(r.cells[k]!) || isNumeric(r.cells[k]!));
    const candidates = table.names.map((_, k) => k).filter((k) => k !== label);
    features = candidates.filter(numericColumn);
    throwOnStrayText(table, candidates.filter((k) => !features.includes(k)), path);
    const skipped = candidates.filter((k) => !features.includes(k));
    if (skipped.length > 0) notes.push(`non-numeric column(s) ignored: ${listColumns(table, skipped)}`);
  }
  const want = product(input.shape.map((d, k) => (k === 0 && d < 0 ? 1 : d)));
  if (input.shape.slice(1).every((d) => d > 0) && features.length !== want) {
    throw new ConverterError('CALIBRATION', `CSV file ${path} has ${features.length} feature column(s) ` +
      `(${listColumns(table, features)}) but model input '${input.name}' of shape ${formatShape(input.shape)} ` +
      `takes ${want} values; choose the features with --columns${label === undefined ? ' or exclude the label with --label-column' : ''}`);
  }
  notes.push(`${features.length} feature column(s)${table.hasHeader ? ` from the header: ${listColumns(table, features)}` : ' (no header row)'}`);

  const preprocessing = resolvePreprocessing(options);
  const used = labelled && label !== undefined ? [...features, label] : features;
  let dropped = 0;
  const entries = [];
  for (const row of table.rows) {
    const where = `CSV file ${path} line ${row.line}`;
    const missingAt = used.find((k) => isMissing(row.cells[k]!));
    if (missingAt !== undefined) {
      if (options.dropMissing) { dropped++; continue; }
      throw new ConverterError('CALIBRATION', `${where}, column '${table.names[missingAt]}': missing value ` +
        `'${row.cells[missingAt]!.trim()}'; fill it, or pass --drop-missing to skip such rows`);
    }
    const bad = features.find((k) => !isNumeric(row.cells[k]!));
    if (bad !== undefined) {
      throw new ConverterError('CALIBRATION', `${where}, column '${table.names[bad]}': '${row.cells[bad]!.trim()}' is not a number; ` +
        'fix the value or leave the column out of --columns');
    }
    const values = features.map((k) => toNumber(row.cells[k]!));
    const rawLabel = label === undefined ? undefined : row.cells[label]!.trim();
    entries.push({
      where,
      label: rawLabel === undefined ? undefined : isNumeric(rawLabel) ? toNumber(rawLabel) : rawLabel,
      read: () => [makeTensor(where, input, values, { preprocessing })],
    });
  }
  if (dropped > 0) notes.push(`${dropped} row(s) with missing values dropped (--drop-missing)`);
  if (entries.length === 0) throw new ConverterError('CALIBRATION', `CSV file ${path} has no usable rows${dropped ? ` (${dropped} dropped for missing values)` : ''}`);
  return { form: 'csv', entries, notes, preprocessing };
}
