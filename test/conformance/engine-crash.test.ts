// tfjs-backend-wasm survives a model that traps it: the shipped Fashion-MNIST CNN with one depthwise
// convolution's strideW set to -1 (found by fuzzing this model) makes tfjs-backend-wasm 4.22 access memory out
// of bounds. The run is a typed EngineCrashError, the wasm backend is re-created, and executors created before
// (their weights re-uploaded) and after give the same answers as before. Fed to the executor directly, below
// loadModel's checks, the way a model the checks miss would reach it.
import { describe, expect, it } from 'vitest';
import { convert } from '@borde/converter';
import { readModel } from '@borde/tflite';
import { EngineCrashError, createExecutor } from '@borde/runtime';
import { FASHION_MNIST_MODEL } from '../../converter/test/support/model-data.js';

describe('tfjs-backend-wasm survives a model that traps it', () => {
  it('a trap while running is an EngineCrashError; executors created before and after keep working', async () => {
    const { bytes } = await convert(FASHION_MNIST_MODEL, { verify: false });
    const broken = readModel(bytes);
    const sg = broken.subgraphs[0]!;
    const depthwise = sg.operators.find((op) => op.opcode === 'DEPTHWISE_CONV_2D' && sg.tensors[op.inputs[0]!]!.name === 'down1_pw_relu6');
    expect(depthwise, 'the depthwise convolution after down1_pw').toBeDefined();
    (depthwise!.options as { strideW: number }).strideW = -1;

    const x = Float32Array.from({ length: 784 }, (_, i) => ((i * 5) % 17) / 17);
    const before = await createExecutor(readModel(bytes), { backends: ['wasm'] });
    const expected = Array.from((await before.run([x])).outputs[0]!.data as Float32Array);
    const bad = await createExecutor(broken, { backends: ['wasm'] });
    const error = await bad.run([x]).catch((e: unknown) => e);
    bad.dispose();
    expect(error).toBeInstanceOf(EngineCrashError);
    expect(error).toMatchObject({ code: 'ENGINE_CRASH', engine: 'tfjs wasm', stage: 'run' });
    const after = await createExecutor(readModel(bytes), { backends: ['wasm'] });
    try {
      expect(Array.from((await after.run([x])).outputs[0]!.data as Float32Array)).toEqual(expected);
      // Its weights went with the old wasm module: uploaded again to the new one at this run.
      expect(Array.from((await before.run([x])).outputs[0]!.data as Float32Array)).toEqual(expected);
    } finally {
      after.dispose();
      before.dispose();
    }
  }, 60_000);
});
