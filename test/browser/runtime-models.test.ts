// Conformance in Chromium on the models Borde ships (models/), float32 and int8 as the converter writes them
// (converted here in Node, as test/conformance/runtime-models.test.ts does): every engine/backend the page
// offers, loaded with loadModel from the bundled runtime, against LiteRT run in Node on the same inputs.
// Float: within 1e-4 of each output's range over the samples; int8: within one output quantization step (the
// runtime README's bound; 0 measured).
// The browser has the SwiftShader WebGPU flags, so webgl and webgpu are software here but must be correct.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert } from '@borde/converter';
import { launchBrowser, openLiteRtModel, type BrowserSession, type TensorValue } from '../harness/index.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../harness/runtime-bundle.js';
import { BREAST_CANCER_MODEL, FASHION_MNIST_MODEL, breastCancerData, fashionMnistData } from '../../converter/test/support/model-data.js';
import type { RuntimePageApi } from './runtime-page/entry.js';

const BACKENDS = ['tfjs-tflite', 'litert-wasm', 'wasm', 'webgl', 'cpu', 'webgpu'] as const;
const SAMPLES = 6;

type Loaded = Extract<Awaited<ReturnType<RuntimePageApi['load']>>, { ok: true }>;

interface Case {
  name: string;
  url: string;
  samples: number[][][];
  /** LiteRT in Node, per sample, per output. */
  reference: TensorValue[][];
  /** Largest error allowed per output name. */
  tolerance: Map<string, number>;
  toleranceText: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const cases: Case[] = [];
const figures: string[] = [];
let session: BrowserSession;

/** Output range over every sample (a one-element output has no range within one sample). */
function rangeOf(outputs: readonly TensorValue[]): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const o of outputs) for (const v of o.data as Float32Array) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return hi > lo ? hi - lo : Math.max(Math.abs(lo), Math.abs(hi), 1e-30);
}

async function addCase(name: string, bytes: Uint8Array, samples: TensorValue[][], tolerance: (outputName: string, range: number) => number, toleranceText: string) {
  const liteRt = await openLiteRtModel(bytes);
  const reference: TensorValue[][] = [];
  try {
    for (const sample of samples) reference.push(await liteRt.run(sample));
  } finally {
    liteRt.close();
  }
  const names = reference[0]!.map((o) => o.name!);
  const limits = new Map(names.map((n) => [n, tolerance(n, rangeOf(reference.map((r) => r.find((o) => o.name === n)!)))]));
  const url = `/models/shipped/${name.replace(/\s+/g, '-')}.tflite`;
  session.server.put(url, bytes);
  cases.push({ name, url, samples: samples.map((s) => s.map((t) => Array.from(t.data as Float32Array))), reference, tolerance: limits, toleranceText });
}

async function addModel(name: string, source: string, data: { calibration: TensorValue[][]; test: { samples: TensorValue[][] } }) {
  const samples = data.test.samples.slice(0, SAMPLES);
  const float = await convert(source, { verify: false });
  await addCase(`${name} float32`, float.bytes, samples, (_n, range) => 1e-4 * range, '1e-4 of range');
  const int8 = await convert(source, { quantize: 'int8', calibration: data.calibration, verify: false });
  // Float model I/O: the outputs are dequantized; a step is the scale of the int8 tensor feeding DEQUANTIZE.
  const sub = int8.graph.subgraphs[0]!;
  const stepOf = (outputName: string) => {
    const index = sub.outputs.find((i) => sub.tensors[i]!.name === outputName) ?? sub.outputs[0]!;
    const producer = sub.operators.find((op) => op.outputs.includes(index))!;
    return sub.tensors[producer.inputs[0]!]!.quantization!.scale[0]!;
  };
  await addCase(`${name} int8`, int8.bytes, samples, (n) => stepOf(n) + 1e-7, '1 step');
}

beforeAll(async () => {
  const bundle = await bundleForBrowser(join(here, 'runtime-page/entry.ts'));
  session = await launchBrowser({ webgpu: true, routes: runtimeAssetRoutes('/app/assets/') });
  session.server.put('/app/entry.js', bundle);
  session.server.put('/app/index.html', '<!doctype html><title>loading</title><script type="module" src="./entry.js"></script>');
  await session.page.goto(session.url('/app/index.html'));
  await session.page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
  await addModel('breast-cancer', BREAST_CANCER_MODEL, breastCancerData());
  await addModel('fashion-mnist', FASHION_MNIST_MODEL, fashionMnistData(SAMPLES));
}, 90_000);

afterAll(async () => {
  console.log(`loadModel in Chromium on the shipped models vs LiteRT (Node), max error / allowed:\n${figures.join('\n')}`);
  if (session) {
    expect(session.outsideRequests).toEqual([]);
    // As in runtime.test.ts: tfjs-tflite preloads its glue next to the page before any path can be set.
    expect(session.server.notFound.filter((p) => !/^\/app\/tflite_web_api_cc(_simd)?(_threaded)?\.js$/.test(p))).toEqual([]);
    await session.close();
  }
});

const api = <K extends keyof RuntimePageApi>(method: K, ...args: Parameters<RuntimePageApi[K]>) =>
  session.page.evaluate(
    ([m, a]) => ((window as unknown as { bordeRuntime: Record<string, (...x: unknown[]) => unknown> }).bordeRuntime[m]!(...a)),
    [method, args] as const,
  ) as Promise<Awaited<ReturnType<RuntimePageApi[K]>>>;

/** Loads one case with `backend`, runs every sample, checks each output against LiteRT in Node. */
async function check(c: Case, backend: string): Promise<Loaded> {
  const loaded = await api('load', c.url, { backend: backend as never });
  if (!loaded.ok) throw new Error(`${c.name} on ${backend}: ${loaded.error.message}`);
  try {
    const { outputs, medianMs } = await api('runSamples', loaded.id, c.samples);
    let worst = 0;
    let worstLimit = 0;
    outputs.forEach((got, s) => {
      for (const want of c.reference[s]!) {
        const ours = got.find((o) => o.name === want.name);
        expect(ours, `${c.name} on ${backend}: output ${want.name}`).toBeDefined();
        expect(ours!.shape).toEqual([...want.shape]);
        const limit = c.tolerance.get(want.name!)!;
        const error = ours!.data.reduce((m, v, i) => Math.max(m, Math.abs(v - (want.data as Float32Array)[i]!)), 0);
        expect(error, `${c.name} on ${backend}: ${want.name}, sample ${s}`).toBeLessThanOrEqual(limit);
        if (error / limit >= worst / (worstLimit || 1)) { worst = error; worstLimit = limit; }
      }
    });
    figures.push(`  ${c.name.padEnd(22)} ${`${loaded.engine}/${loaded.backend}`.padEnd(24)} max abs ${worst.toExponential(2)} (allowed ${worstLimit.toExponential(2)}, ${c.toleranceText}); load ${loaded.loadMs.toFixed(0)} ms, median run ${medianMs.toFixed(1)} ms`);
    return loaded;
  } finally {
    await api('dispose', loaded.id);
  }
}

describe('loadModel in Chromium on the shipped models', () => {
  it('covers both precisions of every shipped model, and the int8 files really compute in int8', () => {
    expect(cases.map((c) => c.name)).toEqual(['breast-cancer float32', 'breast-cancer int8', 'fashion-mnist float32', 'fashion-mnist int8']);
    // LiteRT's int8 outputs differ from its float outputs: the zero errors below are agreement, not a copy.
    for (let k = 0; k < cases.length; k += 2) {
      const [float, int8] = [cases[k]!, cases[k + 1]!];
      const gap = Math.max(...float.reference.flatMap((outs, s) => outs.map((o, i) => {
        const q = int8.reference[s]![i]!.data as Float32Array;
        return (o.data as Float32Array).reduce((m, v, j) => Math.max(m, Math.abs(v - q[j]!)), 0);
      })));
      expect(gap, `${int8.name} vs ${float.name}`).toBeGreaterThan(0);
    }
  });

  it.each(BACKENDS)('%s agrees with LiteRT in Node on every shipped model', async (backend) => {
    for (const c of cases) {
      const loaded = await check(c, backend);
      expect(loaded.backend).toBe(backend);
      // Honest placement: every op on the requested backend (or folded at load); these models need no fallback.
      expect(loaded.placement.filter((p) => p.backend !== 'load' && p.backend !== backend)).toEqual([]);
    }
  }, 60_000);

  it("auto picks the interpreter measured fastest for the model's precision, says why, and agrees with LiteRT in Node", async () => {
    for (const c of cases) {
      const loaded = await check(c, 'auto');
      const { plan } = loaded;
      expect(plan.decidedBy).toBe('ranked');
      // tfjs-tflite for float and small int8 models (these are all under 6M multiply-adds a run): LiteRT.js'
      // fixed cost per call decides them (runtime README).
      const kind = c.name.endsWith('int8') ? 'small int8 models' : 'float models';
      expect(`${loaded.engine}/${loaded.backend}`).toBe('interpreter/tfjs-tflite');
      expect(plan.chosen.reason).toMatch(new RegExp(`official TFLite interpreter.*runs every op.*fastest interpreter for ${kind}`));
      expect(plan.candidates.find((x) => x.backend === 'litert-wasm')!.reason).toContain(`after tfjs-tflite, which measured faster on ${kind}`);
      // Software WebGL here ranks below wasm, with the reason; WebGPU ranks below wasm unprobed (an
      // interpreter loaded, so 'auto' never asked for an adapter).
      const order = plan.candidates.map((x) => x.backend);
      expect(plan.device.webgl.software).toBe(true);
      expect(plan.candidates.find((x) => x.backend === 'webgl')!.reason).toMatch(/software.*ranked below/i);
      expect(plan.candidates.find((x) => x.backend === 'webgpu')!.reason).toMatch(/not probed/);
      for (const gpu of ['webgl', 'webgpu'] as const) expect(order.indexOf(gpu)).toBeGreaterThan(order.indexOf('wasm'));
      figures.push(`  ${c.name.padEnd(22)} auto -> ${plan.chosen.engine}/${plan.chosen.backend}: ${plan.chosen.reason}`);
      if (c === cases[0]) figures.push(`  device: webgpu "${plan.device.webgpu.description || plan.device.webgpu.reason}", webgl "${plan.device.webgl.description}"`);
    }
  }, 30_000);
});
