import { describe, expect, it } from 'vitest';
import { GraphBuilder, InvalidGraphError, float32ToFloat16Bits } from '@borde/tflite';

describe('GraphBuilder', () => {
  it('stores constants as little-endian bytes of the dtype', () => {
    const b = new GraphBuilder();
    const f = b.constant('f', 'float32', [2], Float32Array.of(1, -2));
    const i = b.constant('i', 'int32', [2], [1, -1]);
    const l = b.constant('l', 'int64', [1], [258]);
    const h = b.constant('h', 'float16', [2], Float32Array.of(1, 0.5));
    const hb = b.constant('hb', 'float16', [1], Uint16Array.of(0x3c00));
    const q = b.constant('q', 'int8', [3], Int8Array.of(-1, 0, 127));
    const g = b.build().subgraphs[0]!;
    expect(Array.from(g.tensors[f]!.data!)).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(Array.from(g.tensors[i]!.data!)).toEqual([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(g.tensors[l]!.data!)).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
    const half = (v: number) => [float32ToFloat16Bits(v) & 0xff, float32ToFloat16Bits(v) >> 8];
    expect(Array.from(g.tensors[h]!.data!)).toEqual([...half(1), ...half(0.5)]);
    expect(Array.from(g.tensors[hb]!.data!)).toEqual([0x00, 0x3c]);
    expect(Array.from(g.tensors[q]!.data!)).toEqual([0xff, 0, 127]);
  });

  it('copies typed arrays but keeps a given Uint8Array, so constants can share one buffer', () => {
    const b = new GraphBuilder();
    const source = Float32Array.of(1, 2);
    const raw = new Uint8Array(8);
    const a = b.constant('a', 'float32', [2], source);
    const c1 = b.constant('c1', 'float32', [2], raw);
    const c2 = b.constant('c2', 'float32', [2], raw);
    source[0] = 9;
    const g = b.build().subgraphs[0]!;
    expect(new Float32Array(g.tensors[a]!.data!.slice().buffer)[0]).toBe(1);
    expect(g.tensors[c1]!.data).toBe(raw);
    expect(g.tensors[c2]!.data).toBe(g.tensors[c1]!.data);
  });

  it('rejects a typed array that does not match the dtype', () => {
    const b = new GraphBuilder();
    expect(() => b.constant('w', 'float32', [2], Int32Array.of(1, 2))).toThrow(InvalidGraphError);
    expect(() => b.constant('w', 'float32', [2], Int32Array.of(1, 2))).toThrow(/tensors\['w'\]\.data: a float32 constant takes a Float32Array/);
    expect(() => b.constant('s', 'string', [1], [1])).toThrow(/Uint8Array/);
  });

  it('builds operators with one or several outputs, custom ops, signatures and metadata', () => {
    const b = new GraphBuilder({ description: 'test' });
    const x = b.input('x', 'int8', [1, 4], { quantization: { scale: [0.1], zeroPoint: [-3], quantizedDimension: 0 } });
    const axis = b.constant('axis', 'int32', [], [1]);
    const [s0, s1] = b.opMulti('SPLIT', [axis, x], { optionsType: 'SplitOptions', options: { numSplits: 2 } }, [
      { name: 's0', dtype: 'int8', shape: [1, 2] },
      { name: 's1', dtype: 'int8', shape: [1, 2] },
    ]);
    const sum = b.op('ADD', [s0!, s1!], { optionsType: 'AddOptions', options: {} }, { name: 'sum', dtype: 'int8', shape: [1, 2] });
    const [c] = b.customOp('Echo', [sum], Uint8Array.of(7), [{ name: 'c', dtype: 'int8', shape: [1, 2] }]);
    b.output(c!);
    b.signature('serving_default', { x }, { y: c! });
    b.metadata('note', Uint8Array.of(1));
    const graph = b.build();
    const sg = graph.subgraphs[0]!;
    expect(graph.description).toBe('test');
    expect(sg.inputs).toEqual([x]);
    expect(sg.outputs).toEqual([c]);
    expect(sg.tensors[x]!.quantization).toEqual({ scale: [0.1], zeroPoint: [-3], quantizedDimension: 0 });
    expect(sg.operators.map((o) => o.opcode)).toEqual(['SPLIT', 'ADD', 'CUSTOM']);
    expect(sg.operators[0]!.outputs).toEqual([s0, s1]);
    expect(sg.operators[2]).toMatchObject({ customCode: 'Echo', customOptions: Uint8Array.of(7), inputs: [sum] });
    expect(graph.signatures).toEqual([
      { key: 'serving_default', subgraphIndex: 0, inputs: [{ name: 'x', tensorIndex: x }], outputs: [{ name: 'y', tensorIndex: c }] },
    ]);
    expect(graph.metadata).toEqual([{ name: 'note', data: Uint8Array.of(1) }]);
  });

  it('returns a snapshot from build()', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1]);
    const first = b.build();
    b.output(x);
    b.op('RELU', [x], undefined, { name: 'y', dtype: 'float32', shape: [1] });
    expect(first.subgraphs[0]!.outputs).toEqual([]);
    expect(first.subgraphs[0]!.operators).toEqual([]);
    expect(b.build().subgraphs[0]!.operators).toHaveLength(1);
  });
});
