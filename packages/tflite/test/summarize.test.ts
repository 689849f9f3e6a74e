import { describe, expect, it } from 'vitest';
import { GraphBuilder, summarize } from '@borde/tflite';

describe('summarize', () => {
  const b = new GraphBuilder();
  const x = b.input('x', 'int8', [1, 8], { quantization: { scale: [0.5], zeroPoint: [1], quantizedDimension: 0 } });
  const w = b.constant('w', 'int8', [4, 8], new Int8Array(32), {
    quantization: { scale: [0.1, 0.1, 0.2, 0.2], zeroPoint: [0, 0, 0, 0], quantizedDimension: 0 },
  });
  const bias = b.constant('bias', 'int32', [4], new Int32Array(4));
  const shared = new Uint8Array(16);
  const fq = { scale: [0.25], zeroPoint: [-2], quantizedDimension: 0 };
  const y = b.op('FULLY_CONNECTED', [x, w, bias], { optionsType: 'FullyConnectedOptions', options: {} }, {
    name: 'y', dtype: 'int8', shape: [1, 4], quantization: fq,
  });
  const f1 = b.constant('f1', 'float32', [4], shared);
  b.constant('f2', 'float32', [2, 2], shared);
  const [z] = b.customOp('Thing', [y, f1], undefined, [{ name: 'z', dtype: 'float32', shape: [1, 4] }]);
  const r = b.op('RELU', [z!], undefined, { name: 'r', dtype: 'float32', shape: [1, 4] });
  const r2 = b.op('RELU', [r], undefined, { name: 'r2', dtype: 'float32', shape: [1, 4] });
  b.output(r2, y);
  const summary = summarize(b.build(), { sizeBytes: 1234 });

  it('lists inputs and outputs with shapes, dtypes and quantization', () => {
    expect(summary.inputs).toEqual([
      { name: 'x', index: x, dtype: 'int8', shape: [1, 8], quantization: { scale: [0.5], zeroPoint: [1], quantizedDimension: 0 } },
    ]);
    expect(summary.outputs.map((o) => [o.name, o.index, o.dtype, o.shape])).toEqual([['r2', r2, 'float32', [1, 4]], ['y', y, 'int8', [1, 4]]]);
    expect(summary.outputs[0]!.quantization).toBeUndefined();
  });

  it('lists operators with opcode names, chosen versions, and a histogram', () => {
    expect(summary.operators).toEqual([
      { subgraph: 0, index: 0, opcode: 'FULLY_CONNECTED', version: 4, inputs: [x, w, bias], outputs: [y] },
      { subgraph: 0, index: 1, opcode: 'custom:Thing', version: 1, inputs: [y, f1], outputs: [z] },
      { subgraph: 0, index: 2, opcode: 'RELU', version: 1, inputs: [z], outputs: [r] },
      { subgraph: 0, index: 3, opcode: 'RELU', version: 1, inputs: [r], outputs: [r2] },
    ]);
    expect(summary.opHistogram).toEqual({ FULLY_CONNECTED: 1, 'custom:Thing': 1, RELU: 2 });
  });

  it('counts parameters and constant bytes by dtype once per shared buffer', () => {
    expect(summary.parameterCount).toBe(32 + 4 + 4);
    expect(summary.bytesByDtype).toEqual({ int8: 32, int32: 16, float32: 16 });
  });

  it('counts quantized tensors, per-channel ones, tensors, subgraphs and the size given', () => {
    expect(summary.quantizedTensors).toEqual({ count: 3, perChannel: 1 });
    expect(summary.tensors).toBe(9);
    expect(summary.subgraphs).toBe(1);
    expect(summary.sizeBytes).toBe(1234);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});
