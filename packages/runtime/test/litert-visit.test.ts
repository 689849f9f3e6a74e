// LiteRT's visit(): outputs read in place in the interpreter's memory (no copy) for callers that reduce them,
// e.g. the converter's calibration over every activation. The views must hold the same values as run()'s
// copies, and a visitor's own error is the caller's: rethrown as it is, with the LiteRT instance kept.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, writeModel } from '@borde/tflite';
import { EngineCrashError } from '../src/index.js';
import { openLiteRtModel } from '../src/node.js';

/** x -> RELU (a) and x -> TANH (b): two float outputs, and an int8 one (QUANTIZE of a). */
function model(): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 4, 4, 3]);
  const a = b.op('RELU', [x], undefined, { name: 'a', dtype: 'float32', shape: [1, 4, 4, 3] });
  b.output(a);
  b.output(b.op('TANH', [x], undefined, { name: 'b', dtype: 'float32', shape: [1, 4, 4, 3] }));
  b.output(b.op('QUANTIZE', [a], undefined, { name: 'q', dtype: 'int8', shape: [1, 4, 4, 3], quantization: { scale: [0.01], zeroPoint: [-128], quantizedDimension: 0 } }));
  return writeModel(b.build());
}

const input = [{ dtype: 'float32' as const, shape: [1, 4, 4, 3], data: Float32Array.from({ length: 48 }, (_, i) => (i - 24) / 10) }];

describe('LiteRT visit()', () => {
  it('hands every output, in order, with the values run() copies', async () => {
    const m = await openLiteRtModel(model());
    try {
      const copies = await m.run(input);
      const seen: { name: string | undefined; index: number; values: number[]; dtype: string }[] = [];
      await m.visit(input, (output, index) => seen.push({ name: output.name, index, dtype: output.dtype, values: Array.from(output.data as Float32Array) }));
      expect(seen.map((s) => s.index)).toEqual([0, 1, 2]);
      expect(seen.map((s) => s.name)).toEqual(copies.map((c) => c.name));
      expect(seen.map((s) => s.dtype)).toEqual(['float32', 'float32', 'int8']);
      seen.forEach((s, i) => expect(s.values).toEqual(Array.from(copies[i]!.data as Float32Array)));
      expect(seen[0]!.values.some((v) => v > 0)).toBe(true);
    } finally {
      m.close();
    }
  });

  it("rethrows a visitor's error as it is and keeps the engine", async () => {
    const m = await openLiteRtModel(model());
    try {
      const expected = Array.from((await m.run(input))[0]!.data as Float32Array);
      const error = await m.visit(input, () => {
        throw new RangeError('visitor failed');
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect(error).not.toBeInstanceOf(EngineCrashError);
      expect(Array.from((await m.run(input))[0]!.data as Float32Array)).toEqual(expected);
    } finally {
      m.close();
    }
  });
});
