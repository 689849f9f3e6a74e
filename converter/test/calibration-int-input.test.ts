// An int32 image input (as MoveNet's) through the --calibration images loader: samples come as int32 pixel
// values 0..255 (no /255 unless asked), the quantizer keeps the int32 input feeding its CAST, and the int8
// file LiteRT runs stays close to the float model on a photo it was not calibrated on.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivationFunctionType, GraphBuilder, Padding, readModel, writeModel, type Graph } from '@borde/tflite';
import { compareOutputs, createRng } from '@borde/converter/verify';
import { openLiteRtModel } from '@borde/runtime/node';
import { convert } from '../src/convert.js';
import { loadSamples } from '../src/calibration/index.js';
import { ConverterError } from '../src/errors.js';

const SIZE = 16;

/** int32 [1, 16, 16, 3] image -> CAST float32 -> x/255 -> CONV_2D (RELU) -> mean over H, W: a MoveNet-like front. */
function intImageModel(): Graph {
  const rng = createRng(3);
  const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
  const b = new GraphBuilder();
  const x = b.input('image', 'int32', [1, SIZE, SIZE, 3]);
  const cast = b.op('CAST', [x], { optionsType: 'CastOptions', options: { inDataType: 2, outDataType: 0 /* INT32 -> FLOAT32 */ } },
    { name: 'cast', dtype: 'float32', shape: [1, SIZE, SIZE, 3] });
  const unit = b.op('MUL', [cast, b.constant('inv255', 'float32', [], Float32Array.of(1 / 255))],
    { optionsType: 'MulOptions', options: { fusedActivationFunction: ActivationFunctionType.NONE } }, { name: 'unit', dtype: 'float32', shape: [1, SIZE, SIZE, 3] });
  const conv = b.op('CONV_2D', [unit, b.constant('conv/kernel', 'float32', [4, 3, 3, 3], random(108, 0.5)), b.constant('conv/bias', 'float32', [4], random(4, 0.1))],
    { optionsType: 'Conv2DOptions', options: { padding: Padding.SAME, strideW: 2, strideH: 2, fusedActivationFunction: ActivationFunctionType.RELU } },
    { name: 'conv', dtype: 'float32', shape: [1, SIZE / 2, SIZE / 2, 4] });
  const mean = b.op('MEAN', [conv, b.constant('axes', 'int32', [2], Int32Array.of(1, 2))], { optionsType: 'ReducerOptions', options: { keepDims: false } },
    { name: 'features', dtype: 'float32', shape: [1, 4] });
  b.output(mean);
  return b.build();
}

/** A smooth RGB picture (gradients and a seeded blob) so the conv sees image-like values. */
function png(seed: number): Buffer {
  const rng = createRng(seed);
  const [cx, cy, r] = [rng() * 32, rng() * 32, 4 + rng() * 10];
  const image = new PNG({ width: 32, height: 32 });
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const i = 4 * (y * 32 + x);
      const inBlob = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      image.data[i] = inBlob ? 240 : x * 8;
      image.data[i + 1] = y * 8;
      image.data[i + 2] = inBlob ? 20 : 255 - x * 4 - y * 3;
      image.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(image);
}

let dir: string;
const inputs = [{ name: 'image', dtype: 'int32' as const, shape: [1, SIZE, SIZE, 3] }];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'borde-int-input-'));
  await writeFile(join(dir, 'model.tflite'), writeModel(intImageModel()));
  for (let i = 0; i < 12; i++) await writeFile(join(dir, `photo-${String(i).padStart(2, '0')}.png`), png(100 + i));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('calibration data for an int32 image input', () => {
  it('gives images as int32 pixel values 0..255, rounded, without the default /255', async () => {
    const tensor = (await loadSamples(dir, inputs, { limit: 1 }))[0]![0]!;
    expect(tensor.dtype).toBe('int32');
    expect(tensor.data).toBeInstanceOf(Int32Array);
    const data = Array.from(tensor.data as Int32Array);
    expect(Math.max(...data)).toBeGreaterThan(200);
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
  });

  it('refuses data an int32 input cannot hold, naming the input and dtype', async () => {
    const file = join(dir, 'fractions.json');
    await writeFile(file, JSON.stringify([{ image: Array.from({ length: SIZE * SIZE * 3 }, (_, k) => k / 7) }]));
    const error = await loadSamples(file, inputs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConverterError);
    expect((error as ConverterError).code).toBe('CALIBRATION');
    expect((error as Error).message).toMatch(/element 1 is 0\.14\d+, but model input 'image' is int32/);
    // A preset that makes fractions of an int input is refused too, not silently truncated.
    await expect(loadSamples(dir, inputs, { preset: 'unit', limit: 1 })).rejects.toThrow(/model input 'image' is int32/);
  });

  it('calibrates int8 from images; the int32 input stays int32 and LiteRT agrees with the float model', async () => {
    const path = join(dir, 'model.tflite');
    // --strict: the CAST int32 -> float32 then QUANTIZE is the input boundary (TFLite's CAST kernel is a plain
    // static_cast, so it cannot quantize), not a float fallback of the model's compute.
    const { bytes, report } = await convert(path, { quantize: 'int8', calibration: (i) => loadSamples(dir, i), strict: true });
    const sub = readModel(bytes).subgraphs[0]!;
    expect(sub.tensors[sub.inputs[0]!]!.dtype).toBe('int32');
    expect(sub.operators.slice(0, 2).map((op) => op.opcode)).toEqual(['CAST', 'QUANTIZE']);
    expect(report.quantization?.floatOps).toEqual([]);
    expect(report.quantization?.inputBoundaryOps).toEqual([
      { index: 0, opcode: 'CAST', name: 'cast', reason: expect.stringMatching(/model input 'image' is int32/) },
    ]);
    expect(report.verify?.passed).toBe(true);

    const photo = (await loadSamples(join(dir), inputs, { shuffleSeed: 5, limit: 12 }))[11]!;
    const floatModel = await openLiteRtModel(writeModel(intImageModel()));
    const int8Model = await openLiteRtModel(bytes);
    const [f, q] = [await floatModel.run(photo), await int8Model.run(photo)];
    floatModel.close();
    int8Model.close();
    const [error] = compareOutputs(q, f);
    // Features of a few tenths: an int8 step of the output is ~1/256 of its range.
    expect(error!.maxAbsError).toBeLessThan(0.02);
    expect(error!.range).toBeGreaterThan(0.05);
  });

  it('--strict still refuses a real float fallback after the input boundary, naming it and not the CAST', async () => {
    const graph = intImageModel();
    const sub = graph.subgraphs[0]!;
    // The MEAN becomes REDUCE_PROD (same operands, no int8 kernel in TFLite): a genuine float op.
    const reduce = sub.operators.findIndex((op) => op.opcode === 'MEAN');
    sub.operators[reduce] = { ...sub.operators[reduce]!, opcode: 'REDUCE_PROD' };
    const path = join(dir, 'prod.tflite');
    await writeFile(path, writeModel(graph));
    const error = await convert(path, { quantize: 'int8', calibration: (i) => loadSamples(dir, i), strict: true, verify: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConverterError);
    expect((error as ConverterError).code).toBe('UNSUPPORTED_OPS');
    expect((error as Error).message).toMatch(/1 op\(s\) cannot run in int8:\n  - operators\[3\] REDUCE_PROD 'features'/);
    expect((error as Error).message).not.toMatch(/CAST/);
  });
});
