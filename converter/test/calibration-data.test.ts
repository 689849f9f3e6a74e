// The calibration/evaluation data loaders on small fixtures written here: PNGs (grey, RGBA, of another size
// than the model input) and a JPEG with predictable pixels, CSV with and without header, JSON of each item
// form, .npy files written byte by byte, and a .mjs module with an async generator. Values are asserted
// exactly (JPEG within its loss), and every error is asserted by what its message names.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeSource,
  loadLabelledData,
  loadSamples,
  loadSampleSet,
  type ModelInputSpec,
} from '../src/calibration/index.js';
import { ConverterError } from '../src/errors.js';
import type { TensorValue } from '../src/verify/tensor-value.js';

let dir: string;
const at = (...parts: string[]) => join(dir, ...parts);
const input = (shape: number[], name = 'x'): ModelInputSpec => ({ name, dtype: 'float32', shape });
/** Loaders return float32 tensors; their values as a plain array. */
const values = (t: TensorValue) => Array.from(t.data as Float32Array);

/** Rejects with a ConverterError of `code` whose message contains every fragment. */
async function expectError(promise: Promise<unknown>, code: string, ...fragments: string[]): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'expected a rejection').toBeInstanceOf(ConverterError);
  expect((error as ConverterError).code).toBe(code);
  for (const f of fragments) expect((error as Error).message).toContain(f);
}

function png(width: number, height: number, rgba: number[], colorType: 0 | 2 | 6): Buffer {
  const image = new PNG({ width, height });
  image.data = Buffer.from(rgba);
  return PNG.sync.write(image, { colorType });
}

function rgbaOf(width: number, height: number, pixel: (i: number) => [number, number, number, number]): number[] {
  return Array.from({ length: width * height }, (_, i) => pixel(i)).flat();
}

/** A .npy file: magic, version, header length, dict header padded to 64 bytes, raw data. */
function npy(descr: string, shape: number[], data: ArrayBufferView, options: { fortran?: boolean; version?: 1 | 2 } = {}): Buffer {
  const version = options.version ?? 1;
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${tuple}, }`;
  const prefix = version === 1 ? 10 : 12;
  header += ' '.repeat(63 - ((prefix + header.length) % 64)) + '\n';
  const head = Buffer.alloc(prefix);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

// The grey PNG: 2x2 pixels 0, 100 / 200, 40, upscaled to 4x4 with half-pixel centres: source coordinates
// 0, 0.25, 0.75, 1 on both axes.
const GREY = [0, 100, 200, 40];
function upscaledGrey(): number[] {
  const w = [0, 0.25, 0.75, 1];
  const out: number[] = [];
  for (const wy of w) {
    for (const wx of w) {
      const top = GREY[0]! * (1 - wx) + GREY[1]! * wx;
      const bottom = GREY[2]! * (1 - wx) + GREY[3]! * wx;
      out.push((top * (1 - wy) + bottom * wy) / 255);
    }
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'borde-calibration-'));
  // Flat folder: a grey PNG (2x2), an RGBA PNG (5x3, half-transparent red), a JPEG (8x8 orange), a text file.
  await mkdir(at('images'));
  await writeFile(at('images', 'a-grey.png'), png(2, 2, rgbaOf(2, 2, (i) => [GREY[i]!, GREY[i]!, GREY[i]!, 255]), 0));
  await writeFile(at('images', 'b-rgba.png'), png(5, 3, rgbaOf(5, 3, () => [255, 0, 0, 128]), 6));
  const jpg = jpeg.encode({ width: 8, height: 8, data: Buffer.from(rgbaOf(8, 8, () => [200, 100, 50, 255])) }, 95);
  await writeFile(at('images', 'c-orange.jpg'), jpg.data);
  await writeFile(at('images', 'README.txt'), 'not an image');
  // Class folders by name and by number.
  for (const [cls, files] of [['dog', ['1.png', '2.png']], ['cat', ['1.png']]] as const) {
    await mkdir(at('pets', cls), { recursive: true });
    for (const f of files) await writeFile(at('pets', cls, f), png(2, 2, rgbaOf(2, 2, () => [cls === 'cat' ? 10 : 20, 0, 0, 255]), 2));
  }
  for (const cls of ['0', '7']) {
    await mkdir(at('digits', cls), { recursive: true });
    await writeFile(at('digits', cls, 'x.png'), png(2, 2, rgbaOf(2, 2, () => [Number(cls), Number(cls), Number(cls), 255]), 0));
  }
  await mkdir(at('empty'));
  await writeFile(at('empty', 'notes.txt'), '');
  await mkdir(at('broken'));
  await writeFile(at('broken', 'bad.png'), 'this is not a png');

  await writeFile(at('header.csv'), 'a,b,name,label\n1,2,x,0\n3.5,-4e-1,y,1\n');
  await writeFile(at('plain.csv'), '1,2,3\r\n4,5,6\r\n\r\n');
  await writeFile(at('missing.csv'), 'f0,f1,f2\n1,2,3\n4,?,6\n7,8,9\n');
  await writeFile(at('typo.csv'), 'f0,f1,f2,label\n1,2,3,0\n4,5x,6,1\n7,8,9,0\n');
  await writeFile(at('infinite.csv'), '1,2\n3,inf\n');
  await writeFile(at('text-labels.csv'), 'x0,x1,diagnosis\n1,2,M\n3,4,B\n5,6,M\n');
  await writeFile(at('uci.data'), '1000025,5,1,2\n1002945,5,4,4\n1015425,3,?,2\n');

  await writeFile(at('flat.json'), JSON.stringify([[1, 2, 3, 4], [5, 6, 7, 8]]));
  await writeFile(at('wrapped.json'), JSON.stringify({ samples: [{ inputs: [[1, 2], [3, 4]] }, { inputs: [9, 8, 7, 6] }] }));
  await writeFile(at('multi.json'), JSON.stringify([{ inputs: [[1, 2], [3, 4, 5]] }, { a: [6, 7], b: [8, 9, 10] }]));
  await writeFile(at('tensorlike.json'), JSON.stringify([{ data: [1, 2, 3, 4], shape: [1, 2, 2] }]));
  await writeFile(at('nan.json'), JSON.stringify([[1, 2, 3, 4], [5, null, 7, 8]]));
  await writeFile(at('five.json'), JSON.stringify([[1, 2, 3, 4], [1, 2, 3, 4, 5]]));
  await writeFile(at('labelled.json'), JSON.stringify([{ inputs: [1, 2], label: 1 }, { inputs: [3, 4], label: 0 }]));
  await writeFile(at('keyless.json'), JSON.stringify([{ a: [1, 2] }]));
  await writeFile(at('bad.json'), '[[1, 2],');

  await writeFile(at('x.npy'), npy('<f4', [3, 2, 2], new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])));
  await writeFile(at('y.npy'), npy('<i8', [3], new BigInt64Array([2n, 0n, 1n])));
  await writeFile(at('pixels.npy'), npy('|u1', [2, 4], new Uint8Array([0, 51, 102, 255, 255, 0, 0, 0])));
  await writeFile(at('pixels.labels.npy'), npy('<f4', [2, 3], new Float32Array([0, 0, 1, 0, 1, 0])));
  await writeFile(at('v2.npy'), npy('<f8', [1, 2], new Float64Array([0.25, -1.5]), { version: 2 }));
  await writeFile(at('wide.npy'), npy('<f4', [2, 3, 3], new Float32Array(18)));
  await writeFile(at('fortran.npy'), npy('<f4', [2, 2], new Float32Array(4), { fortran: true }));
  await writeFile(at('bigendian.npy'), npy('>f4', [2, 2], new Float32Array(4)));
  await writeFile(at('nan.npy'), npy('<f4', [2, 2], new Float32Array([1, 2, 3, NaN])));
  await writeFile(at('data.npz'), 'PK');

  await writeFile(at('stream.mjs'), [
    'export default async function* samples() {',
    '  for (let i = 0; ; i++) {',
    '    if (i % 2 === 0) yield new Float32Array([i, i + 1, i + 2, i + 3]);',
    '    else yield { data: [i, i, i, i], shape: [1, 2, 2] };',
    '  }',
    '}',
  ].join('\n'));
  await writeFile(at('named.mjs'), 'export const samples = [{ a: [1, 2], b: new Float64Array([3, 4, 5]), label: "b" }, { a: [0, 0], b: [0, 0, 0], label: "a" }];\n');
  await writeFile(at('nothing.mjs'), 'export const other = 1;\n');
  await writeFile(at('ten.json'), JSON.stringify(Array.from({ length: 10 }, (_, i) => [i])));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a folder of images', () => {
  it('decodes, converts channels, resizes and scales with the default unit preset', async () => {
    const { samples, info } = await loadSampleSet(at('images'), [input([1, 4, 4, 1])]);
    expect(samples).toHaveLength(3);
    for (const [t] of samples) {
      expect(t!.shape).toEqual([1, 4, 4, 1]);
      expect(t!.dtype).toBe('float32');
      expect(t!.name).toBe('x');
    }
    // Grey 2x2 upscaled: hand-checked corners and one inner pixel (0.75 * 25 + 0.25 * 160 = 58.75).
    const grey = values(samples[0]![0]!);
    expect(grey[0]).toBe(0);
    expect(grey[15]).toBeCloseTo(40 / 255, 6);
    expect(grey[5]).toBeCloseTo(58.75 / 255, 6);
    upscaledGrey().forEach((v, i) => expect(grey[i]).toBeCloseTo(v, 6));
    // Half-transparent red to grey: luminance 0.299 * 255, alpha ignored, constant through the resize.
    for (const v of values(samples[1]![0]!)) expect(v).toBeCloseTo(0.299, 6);
    // Orange JPEG: (0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255, within JPEG's loss.
    for (const v of values(samples[2]![0]!)) expect(Math.abs(v - 124.2 / 255)).toBeLessThan(0.03);
    expect(info.form).toBe('images');
    expect(info.preprocessing).toContain("preset 'unit'");
    expect(info.preprocessing).toContain('default');
    expect(info.notes.join('\n')).toContain('1 file(s) that are not');
  });

  it('replicates grey into RGB, drops alpha, and applies the imagenet and symmetric presets per channel', async () => {
    const [grey, red] = await loadSamples(at('images'), [input([1, 3, 3, 3])], { preset: 'imagenet' });
    expect(grey![0]!.shape).toEqual([1, 3, 3, 3]);
    const g = values(grey![0]!);
    // Pixel (0, 0) of the grey image is 0 on all three channels.
    expect(g.slice(0, 3).map((v) => +v.toFixed(5))).toEqual([-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225].map((v) => +v.toFixed(5)));
    const r = values(red![0]!);
    expect(r[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(r[1]).toBeCloseTo(-0.456 / 0.224, 5);
    expect(r[2]).toBeCloseTo(-0.406 / 0.225, 5);
    const [, symmetric] = await loadSamples(at('images'), [input([1, 2, 2, 3])], { preset: 'symmetric' });
    expect(values(symmetric![0]!).slice(0, 3)).toEqual([1, -1, -1]);
  });

  it('applies explicit scale/mean/std, fills a [1, H, W] input, and sizes a dynamic input from inputSize', async () => {
    const [explicit] = await loadSamples(at('images'), [input([1, 2, 2])], { scale: 1 / 255, mean: 0.5, std: 0.5 });
    expect(explicit![0]!.shape).toEqual([1, 2, 2]);
    GREY.forEach((v, i) => expect(values(explicit![0]!)[i]).toBeCloseTo((v / 255 - 0.5) / 0.5, 6));
    const [dynamic] = await loadSamples(at('images'), [input([-1, -1, -1, 1])], { inputSize: [2, 2], preset: 'raw' });
    expect(dynamic![0]!.shape).toEqual([1, 2, 2, 1]);
    expect(values(dynamic![0]!)).toEqual(GREY);
  });

  it('refuses what it cannot do, naming the input and the fix', async () => {
    await expectError(loadSamples(at('images'), [input([1, -1, -1, 3])]), 'INVALID_OPTIONS', "'x'", '--input-size');
    await expectError(loadSamples(at('images'), [input([1, 4, 4, 3])], { inputSize: 8 }), 'INVALID_OPTIONS', '--input-size 8x8', '[1, 4, 4, 3]');
    await expectError(loadSamples(at('images'), [input([1, 9])]), 'CALIBRATION', "'x'", '[1, 9]', 'not an image input');
    await expectError(loadSamples(at('images'), [input([1, 4, 4, 1])], { preset: 'unit', scale: 2 }), 'INVALID_OPTIONS', '--preset unit');
    await expectError(loadSamples(at('images'), [input([1, 4, 4, 1])], { preset: 'imagenet' }), 'INVALID_OPTIONS', 'mean has 3 values', '1 channel');
    await expectError(loadSamples(at('empty'), [input([1, 4, 4, 1])]), 'CALIBRATION', at('empty'), 'no .png/.jpg/.jpeg images');
    await expectError(loadSamples(at('broken'), [input([1, 4, 4, 1])]), 'CALIBRATION', join(at('broken'), 'bad.png'), 'could not be decoded');
    await expectError(loadSamples(at('images'), [input([1, 4, 4, 1]), input([1, 2], 'y')]), 'CALIBRATION', 'takes 2', 'x, y');
  });

  it('labels class sub-folders by sorted name or by number, and interleaves classes', async () => {
    const pets = await loadLabelledData(at('pets'), [input([1, 2, 2, 3])], { preset: 'raw' });
    expect(pets.classNames).toEqual(['cat', 'dog']);
    expect(pets.labels).toEqual([0, 1, 1]);
    expect(pets.samples.map((s) => values(s[0]!)[0])).toEqual([10, 20, 20]);
    const digits = await loadLabelledData(at('digits'), [input([1, 2, 2, 1])], { preset: 'raw' });
    expect(digits.classNames).toBeUndefined();
    expect(digits.labels).toEqual([0, 7]);
    expect(values(digits.samples[1]![0]!)).toEqual([7, 7, 7, 7]);
    // Calibration takes the class folders' images too, and a limit keeps both classes.
    const calibration = await loadSamples(at('pets'), [input([1, 2, 2, 3])], { preset: 'raw', limit: 2 });
    expect(calibration.map((s) => values(s[0]!)[0])).toEqual([10, 20]);
    await expectError(loadLabelledData(at('images'), [input([1, 4, 4, 1])]), 'CALIBRATION', 'one sub-folder per class');
  });
});

describe('CSV', () => {
  it('detects a header, skips non-numeric and label columns, and parses numbers', async () => {
    const { samples, info } = await loadSampleSet(at('header.csv'), [input([1, 2])], { labelColumn: 'label' });
    expect(samples.map((s) => s[0]!.shape)).toEqual([[1, 2], [1, 2]]);
    expect(samples.map((s) => values(s[0]!))).toEqual([[1, 2], [3.5, Math.fround(-0.4)]]);
    expect(info.preprocessing).toBeUndefined();
    expect(info.notes.join('\n')).toContain('non-numeric column(s) ignored: name');
    const labelled = await loadLabelledData(at('header.csv'), [input([1, 2])], { labelColumn: 'label' });
    expect(labelled.labels).toEqual([0, 1]);
  });

  it('reads a file without header, selects columns by index, and standardises per feature', async () => {
    const plain = await loadSamples(at('plain.csv'), [input([1, 3])]);
    expect(plain.map((s) => values(s[0]!))).toEqual([[1, 2, 3], [4, 5, 6]]);
    const picked = await loadSamples(at('plain.csv'), [input([-1, 2])], { columns: [2, '0'], mean: [1, 0], std: [1, 2] });
    expect(picked.map((s) => values(s[0]!))).toEqual([[2, 0.5], [5, 2]]);
    await expectError(loadSamples(at('plain.csv'), [input([1, 2])]), 'CALIBRATION', at('plain.csv'), '3 feature column(s)', '[1, 2]', 'takes 2', '--columns');
    await expectError(loadSamples(at('plain.csv'), [input([1, 3])], { columns: ['a'] }), 'INVALID_OPTIONS', 'no header row');
    await expectError(loadSamples(at('header.csv'), [input([1, 2])], { labelColumn: 'class' }), 'INVALID_OPTIONS', "'class'", 'a, b, name, label');
  });

  it('fails on missing values naming line and column, or drops those rows', async () => {
    await expectError(loadSamples(at('missing.csv'), [input([1, 3])]), 'CALIBRATION', 'line 3', "column 'f1'", "'?'", '--drop-missing');
    const { samples, info } = await loadSampleSet(at('missing.csv'), [input([1, 3])], { dropMissing: true });
    expect(samples.map((s) => values(s[0]!))).toEqual([[1, 2, 3], [7, 8, 9]]);
    expect(info.notes.join('\n')).toContain('1 row(s) with missing values dropped');
    await expectError(loadSamples(at('infinite.csv'), [input([1, 2])]), 'CALIBRATION', 'line 2', 'element 1 is Infinity');
  });

  it('names the line and column of a cell that is not a number, instead of dropping its column', async () => {
    // Before: column f1 was skipped as "non-numeric", and the error was a feature count without a line.
    await expectError(loadSamples(at('typo.csv'), [input([1, 3])], { labelColumn: 'label' }),
      'CALIBRATION', at('typo.csv'), "line 3, column 'f1'", "'5x' is not a number", '2 of 3 rows', '--columns');
    await expectError(loadSamples(at('typo.csv'), [input([1, 3])], { labelColumn: 'label', columns: ['f0', 'f1', 'f2'] }),
      'CALIBRATION', "line 3, column 'f1'", "'5x' is not a number");
  });

  it('maps text labels to sorted class names and numeric labels through labelMap', async () => {
    const text = await loadLabelledData(at('text-labels.csv'), [input([1, 2])], { labelColumn: 'diagnosis' });
    expect(text.classNames).toEqual(['B', 'M']);
    expect(text.labels).toEqual([1, 0, 1]);
    // UCI style: id column, features, class 2/4, '?' for missing; columns by index.
    const uci = await loadLabelledData(at('uci.data'), [input([1, 2])], {
      columns: [1, 2], labelColumn: 3, dropMissing: true, labelMap: { '2': 0, '4': 1 },
    });
    expect(uci.labels).toEqual([0, 1]);
    expect(uci.samples.map((s) => values(s[0]!))).toEqual([[5, 1], [5, 4]]);
    // Without the map, 2/4 are kept as class indices, with a note that says how to map them.
    const unmapped = await loadLabelledData(at('uci.data'), [input([1, 2])], { columns: ['1', '2'], labelColumn: '3', dropMissing: true });
    expect(unmapped.labels).toEqual([2, 4]);
    expect(unmapped.info.notes.join('\n')).toContain('start at 2, not 0');
    expect(unmapped.info.notes.join('\n')).toContain('labels: 2 (1), 4 (1)');
    await expectError(loadLabelledData(at('text-labels.csv'), [input([1, 2])], { labelColumn: 2, labelMap: { M: 1 } }),
      'INVALID_OPTIONS', 'line 3', "label 'B'", '--label-map');
    await expectError(loadLabelledData(at('plain.csv'), [input([1, 3])]), 'INVALID_OPTIONS', '--label-column');
  });
});

describe('JSON', () => {
  it('reads flat arrays, { samples }, { inputs } with nested values, and { data, shape }', async () => {
    const flat = await loadSamples(at('flat.json'), [input([1, 2, 2, 1])]);
    expect(flat.map((s) => [s[0]!.shape, values(s[0]!)])).toEqual([[[1, 2, 2, 1], [1, 2, 3, 4]], [[1, 2, 2, 1], [5, 6, 7, 8]]]);
    const wrapped = await loadSamples(at('wrapped.json'), [input([1, 4])]);
    expect(wrapped.map((s) => values(s[0]!))).toEqual([[1, 2, 3, 4], [9, 8, 7, 6]]);
    const tensorLike = await loadSamples(at('tensorlike.json'), [input([1, 2, 2])]);
    expect(values(tensorLike[0]![0]!)).toEqual([1, 2, 3, 4]);
    await expectError(loadSamples(at('tensorlike.json'), [input([1, 4, 1])]), 'CALIBRATION', 'sample 0', '[1, 2, 2]', '[1, 4, 1]');
  });

  it('feeds multi-input models from per-input arrays and objects keyed by input name', async () => {
    const inputs = [input([1, 2], 'a'), input([1, 3], 'b')];
    const multi = await loadSamples(at('multi.json'), inputs);
    expect(multi.map((s) => s.map((t) => [t.name, values(t)]))).toEqual([
      [['a', [1, 2]], ['b', [3, 4, 5]]],
      [['a', [6, 7]], ['b', [8, 9, 10]]],
    ]);
    await expectError(loadSamples(at('keyless.json'), inputs), 'CALIBRATION', 'sample 0', "model input 'b'", 'keys: a');
    await expectError(loadSamples(at('flat.json'), inputs), 'CALIBRATION', 'sample 0', 'model takes 2', 'a, b');
  });

  it('names the sample and both shapes on a mismatch, and the element on NaN', async () => {
    await expectError(loadSamples(at('five.json'), [input([1, 4])]), 'CALIBRATION', 'sample 1', '[5]', '[1, 4]');
    await expectError(loadSamples(at('nan.json'), [input([1, 4])]), 'CALIBRATION', 'sample 1', 'element 1 is NaN');
    await expectError(loadSamples(at('bad.json'), [input([1, 2])]), 'CALIBRATION', at('bad.json'), 'could not be parsed');
  });

  it('reads { inputs, label } for evaluation', async () => {
    const data = await loadLabelledData(at('labelled.json'), [input([1, 2])]);
    expect(data.labels).toEqual([1, 0]);
    expect(data.samples.map((s) => values(s[0]!))).toEqual([[1, 2], [3, 4]]);
    await expectError(loadLabelledData(at('flat.json'), [input([1, 4])]), 'CALIBRATION', 'sample 0 has no label');
    await writeFile(at('half.json'), JSON.stringify([{ inputs: [1, 2], label: 0.5 }]));
    await expectError(loadLabelledData(at('half.json'), [input([1, 2])]), 'CALIBRATION', 'sample 0', 'label 0.5 is not a class index');
  });
});

describe('.npy', () => {
  it('reads f4, f8 (v2 header) and u1 arrays, samples on the first axis', async () => {
    const x = await loadSamples(at('x.npy'), [input([1, 2, 2, 1])]);
    expect(x.map((s) => [s[0]!.shape, values(s[0]!)])).toEqual([
      [[1, 2, 2, 1], [0, 1, 2, 3]], [[1, 2, 2, 1], [4, 5, 6, 7]], [[1, 2, 2, 1], [8, 9, 10, 11]],
    ]);
    const v2 = await loadSamples(at('v2.npy'), [input([1, 2])]);
    expect(values(v2[0]![0]!)).toEqual([0.25, -1.5]);
    const pixels = await loadSamples(at('pixels.npy'), [input([1, 4])], { preset: 'unit' });
    expect(values(pixels[0]![0]!)).toEqual([0, 0.2, 0.4, 1].map(Math.fround));
  });

  it('takes labels from y.npy beside x.npy, and one-hot labels from <name>.labels.npy', async () => {
    expect((await loadLabelledData(at('x.npy'), [input([1, 2, 2])])).labels).toEqual([2, 0, 1]);
    expect((await loadLabelledData(at('pixels.npy'), [input([1, 4])])).labels).toEqual([2, 1]);
    await expectError(loadLabelledData(at('v2.npy'), [input([1, 2])]), 'SOURCE_NOT_FOUND', 'v2.labels.npy');
  });

  it('refuses mismatched shapes, Fortran order, big-endian data, NaN and multi-input models', async () => {
    await expectError(loadSamples(at('wide.npy'), [input([1, 2, 2, 1])]), 'CALIBRATION', 'sample 0', '[3, 3]', '[1, 2, 2, 1]');
    await expectError(loadSamples(at('fortran.npy'), [input([1, 2])]), 'CALIBRATION', 'Fortran', 'ascontiguousarray');
    await expectError(loadSamples(at('bigendian.npy'), [input([1, 2])]), 'CALIBRATION', "'>f4'", "astype('<f4')");
    await expectError(loadSamples(at('nan.npy'), [input([1, 2])]), 'CALIBRATION', 'sample 1', 'element 1 is NaN');
    await expectError(loadSamples(at('x.npy'), [input([1, 2], 'a'), input([1, 2], 'b')]), 'CALIBRATION', '.npz');
    await expectError(loadSamples(at('data.npz'), [input([1, 2])]), 'INVALID_OPTIONS', '.npz archives are not supported');
  });
});

describe('JS modules', () => {
  it('reads an endless async generator up to the limit, typed arrays and { data, shape } alike', async () => {
    const { samples, info } = await loadSampleSet(at('stream.mjs'), [input([1, 2, 2, 1])], { limit: 3 });
    expect(samples.map((s) => [s[0]!.shape, values(s[0]!)])).toEqual([
      [[1, 2, 2, 1], [0, 1, 2, 3]], [[1, 2, 2, 1], [1, 1, 1, 1]], [[1, 2, 2, 1], [2, 3, 4, 5]],
    ]);
    expect(info.form).toBe('module');
    await expectError(loadSamples(at('stream.mjs'), [input([1, 2, 1])], { limit: 2 }), 'CALIBRATION', 'sample 0', '[1, 2, 1]');
  });

  it('reads a `samples` export keyed by input name, with labels', async () => {
    const data = await loadLabelledData(at('named.mjs'), [input([1, 2], 'a'), input([1, 3], 'b')]);
    expect(data.samples[0]!.map(values)).toEqual([[1, 2], [3, 4, 5]]);
    expect(data.classNames).toEqual(['a', 'b']);
    expect(data.labels).toEqual([1, 0]);
    await expectError(loadSamples(at('nothing.mjs'), [input([1, 2])]), 'CALIBRATION', 'neither a default export', 'other');
  });
});

describe('selection and sources', () => {
  it('caps at the limit and shuffles deterministically by seed', async () => {
    const firsts = async (options: object) => (await loadSamples(at('ten.json'), [input([1, 1])], options)).map((s) => values(s[0]!)[0]);
    expect(await firsts({ limit: 4 })).toEqual([0, 1, 2, 3]);
    const shuffled = await firsts({ shuffleSeed: 7 });
    expect([...shuffled].sort((a, b) => a! - b!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shuffled).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await firsts({ shuffleSeed: 7 })).toEqual(shuffled);
    expect(await firsts({ shuffleSeed: 7, limit: 3 })).toEqual(shuffled.slice(0, 3));
    await expectError(loadSamples(at('ten.json'), [input([1, 1])], { limit: 0 }), 'INVALID_OPTIONS', '--samples 0');
  });

  it('describes each form in one line, and refuses missing or unknown paths', async () => {
    expect(await describeSource(at('images'))).toContain('3 image(s)');
    expect(await describeSource(at('pets'))).toContain('3 image(s) in 2 class sub-folder(s)');
    expect(await describeSource(at('header.csv'))).toContain('2 row(s), 4 column(s), with header');
    expect(await describeSource(at('flat.json'))).toContain('2 sample(s)');
    expect(await describeSource(at('x.npy'))).toContain('3 sample(s), f4 of shape (3, 2, 2)');
    expect(await describeSource(at('stream.mjs'))).toContain('module');
    await expectError(describeSource(at('bad.json')), 'CALIBRATION', 'could not be parsed');
    await expectError(loadSamples(at('nowhere.csv'), [input([1, 2])]), 'SOURCE_NOT_FOUND', 'nowhere.csv', 'does not exist');
    await expectError(describeSource(at('bad.json').replace('.json', '.xlsx')), 'SOURCE_NOT_FOUND');
    await writeFile(at('sheet.xlsx'), '');
    await expectError(loadSamples(at('sheet.xlsx'), [input([1, 2])]), 'INVALID_OPTIONS', "'.xlsx'", '.npy');
  });
});
