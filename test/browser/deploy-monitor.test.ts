// Issue #16 items 2 and 3 in real Chromium: the float32 and int8 Fashion-MNIST models the converter writes,
// loaded by the bundled @borde/runtime with the network cut; deploy() in shadow and canary mode (the canary
// key and the promote decision in the page's localStorage) and monitor() on clean and inverted images.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFashionMnist } from '@borde/models';
import { convert } from '@borde/converter';
import { launchBrowser, openLiteRtModel, type BrowserSession } from '../harness/index.js';
import { bundleForBrowser, runtimeAssetRoutes } from '../harness/runtime-bundle.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const FASHION_MNIST_MODEL = fileURLToPath(new URL('../../models/fashion-mnist/tfjs/model.json', import.meta.url));
const COUNT = 300;
const PIXELS = 28 * 28;

describe.skipIf(!existsSync(FASHION_MNIST_MODEL))('deploy and monitor in Chromium (float32 vs int8 Fashion-MNIST)', () => {
  let session: BrowserSession;
  let floatBytes: Uint8Array;
  let images: Float32Array;

  beforeAll(async () => {
    const train = loadFashionMnist('train');
    const calibration = Array.from({ length: 200 }, (_, i) => [{ dtype: 'float32' as const, shape: [1, 28, 28, 1], data: train.images.subarray(i * PIXELS, (i + 1) * PIXELS) }]);
    const float = await convert(FASHION_MNIST_MODEL, { verify: false });
    const int8 = await convert(FASHION_MNIST_MODEL, { quantize: 'int8', calibration, verify: false });
    floatBytes = float.bytes;
    images = loadFashionMnist('test').images.slice(0, COUNT * PIXELS);
    session = await launchBrowser({ routes: runtimeAssetRoutes('/app/assets/') });
    session.server.put('/app/entry.js', await bundleForBrowser(join(here, 'mlops-page/entry.ts')));
    session.server.put('/app/index.html', '<!doctype html><title>loading</title><script type="module" src="./entry.js"></script>');
    session.server.put('/models/float32.tflite', float.bytes);
    session.server.put('/models/int8.tflite', int8.bytes);
    session.server.put('/data/images.bin', new Uint8Array(images.buffer, images.byteOffset, images.byteLength));
    await session.page.goto(session.url('/app/index.html'));
    await session.page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    if (session) {
      expect(session.outsideRequests).toEqual([]);
      await session.close();
    }
  });

  it('shadow, canary, promote and drift, judged against LiteRT in Node', async () => {
    const result = await session.page.evaluate((n) => (window as unknown as { bordeMlops: { prove(n: number): Promise<any> } }).bordeMlops.prove(n), COUNT);
    const agreement = result.shadow.agreement[0];
    console.log(`Chromium: current ${result.engines.current}, candidate ${result.engines.candidate}; shadow top-1 agreement ` +
      `${agreement.topClassAgreement.toFixed(4)} on ${agreement.compared}, p50 ms float32 ${result.shadow.current.latencyMs.p50.toFixed(3)} ` +
      `int8 ${result.shadow.candidate.latencyMs.p50.toFixed(3)}; canary arm ${result.canary.arm}; drift at ${result.drift.events[0]?.observed}`);

    // Shadow answers with the current (float32) model: the same answers LiteRT gives in Node.
    const reference = await openLiteRtModel(floatBytes);
    try {
      for (const [i, answer] of result.firstAnswers.entries()) {
        const [expected] = await reference.run([{ dtype: 'float32', shape: [1, 28, 28, 1], data: images.subarray(i * PIXELS, (i + 1) * PIXELS) }]);
        const want = Array.from(expected!.data as Float32Array);
        answer.forEach((v: number, k: number) => expect(Math.abs(v - want[k]!)).toBeLessThan(1e-4));
      }
    } finally {
      reference.close();
    }
    expect(result.shadow).toMatchObject({ mode: 'shadow', current: { runs: COUNT, errors: 0 }, candidate: { runs: COUNT, errors: 0 } });
    expect(agreement.topClassAgreement).toBeGreaterThan(0.97);

    // Canary: one arm per device, stable, its key kept in localStorage; promote survives a reload.
    expect(result.storedKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.sameArm).toBe(true);
    const arm = result.canary.arm as 'current' | 'candidate';
    expect(result.canary[arm].runs).toBe(50);
    expect(result.canary[arm === 'current' ? 'candidate' : 'current'].runs).toBe(0);
    expect(result.promotedAfterReload).toBe('promoted');
    expect(result.servingAfterPromote).toBe(true);

    // Drift: none on clean test images, an event within 300 inverted ones.
    expect(result.drift.cleanEvents).toBe(0);
    expect(result.drift.events).toHaveLength(1);
    expect(result.drift.events[0].observed - COUNT).toBeLessThanOrEqual(COUNT);
    expect(result.drift.report.drifting).toBe(true);
  }, 120_000);
});
