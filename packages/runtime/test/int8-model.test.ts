// A full-integer int8 model made the way the converter will make one: the float graph is run with
// keep: 'all' to record every activation's range (calibration), then rebuilt with int8 tensors. Borde's
// emulation (weights dequantized once, outputs rounded onto each int8 grid, TFLite's rounding) must stay
// within the steps the README states of LiteRT's real integer kernels: one step on the sigmoid output, two on
// the FULLY_CONNECTED output four requantizations deep (each integer kernel's fixed-point multiplier can
// round a value at a half step differently from exact arithmetic).
import { describe, expect, it } from 'vitest';
import { GraphBuilder, writeModel, type DType, type Quantization } from '@borde/tflite';
import { createExecutor } from '../src/index.js';
import { runLiteRt } from '../src/node.js';
import { seeded } from './support/one-op-graph.js';

type Ranges = Map<string, [number, number]>;

const W_CONV = seeded(4 * 3 * 3 * 3, 31, -0.5, 0.5);
const B_CONV = seeded(4, 32, -0.2, 0.2);
const W_DW = seeded(3 * 3 * 4, 33, -0.5, 0.5);
const B_DW = seeded(4, 34, -0.2, 0.2);
const W_FC = seeded(5 * 16, 35, -0.5, 0.5);
const B_FC = seeded(5, 36, -0.2, 0.2);

function perChannel(w: number[], channels: number, axisInner: number, axisOuterIsChannel: boolean): number[] {
  const scales = new Array<number>(channels).fill(0);
  w.forEach((v, i) => {
    const c = axisOuterIsChannel ? Math.floor(i / axisInner) : i % channels;
    scales[c] = Math.max(scales[c]!, Math.abs(v));
  });
  return scales.map((m) => m / 127);
}

/** The test network, float (ranges undefined) or int8 with activation ranges from calibration. */
function network(ranges?: Ranges) {
  const b = new GraphBuilder();
  const q = (name: string): Quantization | undefined => {
    if (!ranges) return undefined;
    const [lo0, hi0] = ranges.get(name)!;
    const lo = Math.min(lo0, 0);
    const hi = Math.max(hi0, 0);
    const scale = (hi - lo) / 255 || 1;
    return { scale: [scale], zeroPoint: [Math.round(-128 - lo / scale)], quantizedDimension: 0 };
  };
  const act = (name: string, shape: number[], fixed?: Quantization) => {
    const quantization = fixed ?? q(name);
    return { name, dtype: (ranges ? 'int8' : 'float32') as DType, shape, ...(quantization ? { quantization } : {}) };
  };
  const weights = (name: string, shape: number[], w: number[], bias: number[], inName: string, channelAxis: number) => {
    if (!ranges) return [b.constant(name, 'float32', shape, Float32Array.from(w)), b.constant(`${name}_b`, 'float32', [bias.length], Float32Array.from(bias))];
    const channels = shape[channelAxis]!;
    const inner = shape.slice(channelAxis + 1).reduce((a, c) => a * c, 1);
    const scales = perChannel(w, channels, inner, channelAxis === 0);
    const ints = w.map((v, i) => Math.round(v / scales[channelAxis === 0 ? Math.floor(i / inner) : i % channels]!));
    const sIn = q(inName)!.scale[0]!;
    return [
      b.constant(name, 'int8', shape, Int8Array.from(ints), { quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: channelAxis } }),
      b.constant(`${name}_b`, 'int32', [bias.length], Int32Array.from(bias.map((v, c) => Math.round(v / (sIn * scales[c]!)))),
        { quantization: { scale: scales.map((s) => sIn * s), zeroPoint: scales.map(() => 0), quantizedDimension: 0 } }),
    ];
  };
  const x = b.input('x', 'float32', [1, 8, 8, 3]);
  const xq = ranges ? b.op('QUANTIZE', [x], undefined, act('xq', [1, 8, 8, 3])) : x;
  const inName = ranges ? 'xq' : 'x';
  const conv = b.op('CONV_2D', [xq, ...weights('wc', [4, 3, 3, 3], W_CONV, B_CONV, inName, 0)],
    { optionsType: 'Conv2DOptions', options: { padding: 0, strideW: 2, strideH: 2, fusedActivationFunction: 1 } },
    act('conv', [1, 4, 4, 4]));
  const dw = b.op('DEPTHWISE_CONV_2D', [conv, ...weights('wd', [1, 3, 3, 4], W_DW, B_DW, 'conv', 3)],
    { optionsType: 'DepthwiseConv2DOptions', options: { padding: 0, strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivationFunction: 3 } },
    act('dw', [1, 4, 4, 4]));
  const pool = b.op('AVERAGE_POOL_2D', [dw],
    { optionsType: 'Pool2DOptions', options: { padding: 1, strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 } },
    act('pool', [1, 2, 2, 4], ranges ? q('dw') : undefined));
  const flat = b.op('RESHAPE', [pool, b.constant('shape', 'int32', [2], Int32Array.from([1, 16]))],
    { optionsType: 'ReshapeOptions', options: { newShape: [1, 16] } }, act('flat', [1, 16], ranges ? q('dw') : undefined));
  const fc = b.op('FULLY_CONNECTED', [flat, ...weights('wf', [5, 16], W_FC, B_FC, 'dw', 0)],
    { optionsType: 'FullyConnectedOptions', options: {} }, act('fc', [1, 5]));
  const sig = b.op('LOGISTIC', [fc], undefined,
    act('sig', [1, 5], ranges ? { scale: [1 / 256], zeroPoint: [-128], quantizedDimension: 0 } : undefined));
  const y = ranges ? b.op('DEQUANTIZE', [sig], undefined, { name: 'y', dtype: 'float32', shape: [1, 5] }) : sig;
  b.output(y, fc);
  b.signature('serving_default', { x }, { out0: y, out1: fc });
  return b.build();
}

describe('int8 model', () => {
  it('stays within one sigmoid step and two FULLY_CONNECTED steps of LiteRT, calibrated with keep: "all"', async () => {
    const samples = [0, 1, 2, 3].map((s) => Float32Array.from(seeded(8 * 8 * 3, 100 + s, -1, 1)));
    // Calibrate: min/max of every activation of the float network over the samples.
    const float = network();
    const fexec = await createExecutor(float, { backends: ['wasm', 'cpu'] });
    const ranges: Ranges = new Map();
    for (const sample of samples) {
      const { tensors } = await fexec.run([sample], { keep: 'all' });
      for (const [index, values] of tensors!) {
        const name = float.subgraphs[0]!.tensors[index]!.name;
        const [lo, hi] = ranges.get(name) ?? [Infinity, -Infinity];
        ranges.set(name, [Math.min(lo, ...values), Math.max(hi, ...values)]);
      }
    }
    fexec.dispose();
    ranges.set('xq', ranges.get('x')!);

    const int8 = network(ranges);
    const bytes = writeModel(int8);
    const exec = await createExecutor(int8, { backends: ['wasm', 'cpu'] });
    const fcScale = int8.subgraphs[0]!.tensors.find((t) => t.name === 'fc')!.quantization!.scale[0]!;
    let worstProb = 0;
    let worstFc = 0;
    for (const sample of samples) {
      const ours = (await exec.run([sample])).outputs;
      const theirs = await runLiteRt(bytes, [{ dtype: 'float32', shape: [1, 8, 8, 3], data: sample }]);
      expect(ours[1]!.data).toBeInstanceOf(Int8Array);
      for (let i = 0; i < 5; i++) {
        worstProb = Math.max(worstProb, Math.abs((ours[0]!.data as Float32Array)[i]! - (theirs[0]!.data as Float32Array)[i]!));
        worstFc = Math.max(worstFc, Math.abs((ours[1]!.data as Int8Array)[i]! - (theirs[1]!.data as Int8Array)[i]!));
      }
    }
    exec.dispose();
    console.log(`int8 model vs LiteRT: sigmoid output off by ${worstProb * 256} step(s) of 1/256, fc output by ${worstFc} step(s) of ${fcScale.toPrecision(3)}`);
    expect(worstProb).toBeLessThanOrEqual(1 / 256 + 1e-7);
    expect(worstFc).toBeLessThanOrEqual(2);
  });
});
