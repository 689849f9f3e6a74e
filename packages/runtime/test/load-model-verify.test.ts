// loadModel runs verifyGraph before any engine sees the model: files the hostile tests fed to the
// engines (a stride-0 transposed convolution that hung tfjs cpu, an ADD of shapes that do not broadcast that
// LiteRT ran anyway) are a ModelError whose cause names the operator, the rule and the values.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, InvalidOperatorError, Padding, writeModel } from '@borde/tflite';
import { loadModel, ModelError } from '../src/index.js';

function transposeConv(strideH: number): Uint8Array {
  const b = new GraphBuilder();
  const shape = b.constant('shape', 'int32', [4], new Int32Array([1, 8, 8, 2]));
  const w = b.constant('w', 'float32', [2, 3, 3, 2], new Float32Array(36).fill(0.5));
  const x = b.input('x', 'float32', [1, 4, 4, 2]);
  b.output(b.op('TRANSPOSE_CONV', [shape, w, x], { optionsType: 'TransposeConvOptions', options: { padding: Padding.SAME, strideW: 2, strideH } },
    { name: 'y', dtype: 'float32', shape: [1, 8, 8, 2] }));
  return writeModel(b.build());
}

function badAdd(): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 8, 8, 96]);
  const y = b.constant('y', 'float32', [36], new Float32Array(36).fill(1));
  b.output(b.op('ADD', [x, y], { optionsType: 'AddOptions', options: { fusedActivationFunction: 0 } }, { name: 'sum', dtype: 'float32', shape: [1, 8, 8, 96] }));
  return writeModel(b.build());
}

describe('loadModel verifies semantics first', () => {
  it('runs a valid transposed convolution and refuses the stride-0 one on every backend without loading an engine', async () => {
    const model = await loadModel(transposeConv(2), { backend: 'cpu' });
    const [out] = await model.run(new Float32Array(32).fill(1));
    expect(out!.shape).toEqual([1, 8, 8, 2]);
    model.dispose();
    for (const backend of ['cpu', 'wasm', 'litert-wasm'] as const) {
      const error = await loadModel(transposeConv(0), { backend }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      const cause = (error as ModelError).cause as InvalidOperatorError;
      expect(cause).toBeInstanceOf(InvalidOperatorError);
      expect(cause).toMatchObject({ operator: 0, opcode: 'TRANSPOSE_CONV', rule: 'options.strideH', values: { value: 0 } });
      expect((error as Error).message).toContain('operators[0] (TRANSPOSE_CONV): options.strideH');
    }
  });

  it('refuses an ADD whose inputs do not broadcast', async () => {
    const error = await loadModel(badAdd()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(((error as ModelError).cause as InvalidOperatorError).rule).toBe('shape.broadcast');
  });
});
