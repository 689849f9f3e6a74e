import { basename, dirname, join } from 'pathe';
import { files } from '../io/files.js';
import { ConverterError } from '../errors.js';
import type { Entries, LoadContext } from './entries.js';
import { resolvePreprocessing } from './preprocess.js';
import { makeTensor } from './shapes.js';

/** The little-endian (or single-byte) dtypes read, with NumPy's descr spelling. */
const DTYPES = {
  f4: { bytes: 4, array: Float32Array },
  f8: { bytes: 8, array: Float64Array },
  u1: { bytes: 1, array: Uint8Array },
  i1: { bytes: 1, array: Int8Array },
  i4: { bytes: 4, array: Int32Array },
  i8: { bytes: 8, array: BigInt64Array },
} as const;
type NpyDtype = keyof typeof DTYPES;
const SUPPORTED = "'<f4', '<f8', '|u1', '|i1', '<i4', '<i8'";

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Row-major values (int64 as numbers). */
  data: ArrayLike<number>;
}

/**
 * Parses a .npy file (format versions 1, 2 and 3): magic, version, header length (2 bytes in v1, 4 in
 * v2/v3), then a Python dict literal with 'descr', 'fortran_order' and 'shape', then the raw data.
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (why: string) => new ConverterError('CALIBRATION', `.npy file ${file}: ${why}`);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw fail('not a NumPy .npy file (bad magic); save it with numpy.save');
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw fail(`format version ${major}.${bytes[7]} is not supported (1, 2 and 3 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length) throw fail('the header runs past the end of the file (truncated?)');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataOffset));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw fail(`unreadable header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw fail('is in Fortran (column-major) order; save a C-order array: numpy.save(path, numpy.ascontiguousarray(x))');
  const match = /^([<|=])([fiu][1248])$/.exec(descr);
  const dtype = match?.[2] as NpyDtype | undefined;
  if (!match || !dtype || !(dtype in DTYPES) || (match[1] === '|' && DTYPES[dtype].bytes > 1)) {
    throw fail(`dtype '${descr}' is not supported (${SUPPORTED}); convert with x.astype('<f4')`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw fail(`bad shape (${shapeText})`);
  const { bytes: size, array } = DTYPES[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  if (dataOffset + count * size > bytes.length) {
    throw fail(`holds ${bytes.length - dataOffset} data bytes, but shape (${shape.join(', ')}) of '${descr}' needs ${count * size} (truncated?)`);
  }
  // Copy into an aligned buffer of its own (a Node Buffer's slice() is a view into a shared pool).
  const raw = new Uint8Array(bytes.subarray(dataOffset, dataOffset + count * size));
  const typed = new array(raw.buffer, 0, count);
  return { dtype, shape, data: typed instanceof BigInt64Array ? Array.from(typed, Number) : typed };
}

export async function readNpy(file: string): Promise<NpyArray> {
  return parseNpy(await files().readFile(file), file);
}

/**
 * A .npy file's first axis as samples of a single-input model; the rest of its shape must match the input
 * (with or without batch, or up to size-1 axes: [N, 28, 28] for a [1, 28, 28, 1] input). Evaluation labels
 * come from a sibling file: `<name>.labels.npy`, `labels.npy`, or `y<rest>.npy` for `x<rest>.npy`.
 */
export async function npyEntries(ctx: LoadContext): Promise<Entries> {
  const { path, inputs, options, labelled } = ctx;
  if (inputs.length !== 1) {
    throw new ConverterError('CALIBRATION', `a .npy file feeds one input, but the model takes ${inputs.length} ` +
      `(${inputs.map((i) => i.name).join(', ')}); .npz archives are not supported: give the samples as JSON or a JS module`);
  }
  const input = inputs[0]!;
  const array = await readNpy(path);
  if (array.shape.length === 0 || array.shape[0] === 0) {
    throw new ConverterError('CALIBRATION', `.npy file ${path} of shape (${array.shape.join(', ')}) holds no samples; its first axis is the sample axis`);
  }
  const samples = array.shape[0]!;
  const sampleShape = array.shape.slice(1);
  const stride = sampleShape.reduce((a, b) => a * b, 1);
  const preprocessing = resolvePreprocessing(options);
  const notes = [`.npy ${array.dtype} of shape (${array.shape.join(', ')}): ${samples} sample(s) of shape [${sampleShape.join(', ')}]`];
  let labels: ArrayLike<number> | undefined;
  if (labelled) {
    const found = await findLabelsFile(path);
    labels = await readLabels(found, samples);
    notes.push(`labels from ${found}`);
  }
  const entries = Array.from({ length: samples }, (_, i) => {
    const where = `.npy file ${path} sample ${i}`;
    const values = subarray(array.data, i * stride, (i + 1) * stride);
    return { where, label: labels?.[i], read: () => [makeTensor(where, input, values, { dataShape: sampleShape, preprocessing })] };
  });
  return { form: 'npy' as const, entries, notes, preprocessing };
}

const subarray = (data: ArrayLike<number>, from: number, to: number): ArrayLike<number> =>
  ArrayBuffer.isView(data) ? (data as Float32Array).subarray(from, to) : Array.prototype.slice.call(data, from, to);

/** The labels next to `file`: `<name>.labels.npy`, then `labels.npy`, then `y...npy` for `x...npy`. */
export async function findLabelsFile(file: string): Promise<string> {
  const dir = dirname(file);
  const stem = basename(file).replace(/\.npy$/i, '');
  const candidates = [join(dir, `${stem}.labels.npy`), join(dir, 'labels.npy')];
  if (/^x/i.test(stem)) candidates.push(join(dir, `${stem[0] === 'X' ? 'Y' : 'y'}${stem.slice(1)}.npy`));
  for (const c of candidates) {
    if (c !== file && (await files().stat(c).then(() => true, () => false))) return c;
  }
  throw new ConverterError('SOURCE_NOT_FOUND', `no labels for evaluation data ${file}: put them in ${candidates.join(' or ')} ` +
    '(shape (N,) of class indices, or (N, classes) one-hot)');
}

/** Class indices from a labels .npy: shape (N,) or (N, 1), or (N, K) one-hot/scores (argmax). */
async function readLabels(file: string, samples: number): Promise<number[]> {
  const array = await readNpy(file);
  const [n, k = 1, ...rest] = array.shape;
  if (n !== samples || rest.length > 0) {
    throw new ConverterError('CALIBRATION', `labels file ${file} has shape (${array.shape.join(', ')}); ` +
      `it needs (${samples},) or (${samples}, classes) to match the ${samples} samples`);
  }
  return Array.from({ length: n }, (_, i) => {
    if (k === 1) return array.data[i]!;
    let best = 0;
    for (let c = 1; c < k; c++) if (array.data[i * k + c]! > array.data[i * k + best]!) best = c;
    return best;
  });
}
