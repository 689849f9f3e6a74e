// Issue #16 item 3 in Node: the float32 and the int8 versions of the shipped Fashion-MNIST model, side by side
// on the device with @borde/runtime's deploy(): shadow answers with the current model and records agreement
// and latency; canary sends a stable share of users to the candidate; promote/rollback in one call, remembered.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFashionMnist } from '@borde/models';
import { armOf, deploy, loadModel, type KeyValueStorage, type Model } from '@borde/runtime';
import { convert } from '../src/convert.js';
import { FASHION_MNIST_MODEL, fashionMnistData } from './support/model-data.js';

const PIXELS = 28 * 28;

function memoryStorage(): KeyValueStorage & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return { entries, getItem: (k) => entries.get(k) ?? null, setItem: (k, v) => void entries.set(k, v) };
}

describe.skipIf(!existsSync(FASHION_MNIST_MODEL))('deploy: float32 (current) vs int8 (candidate) Fashion-MNIST', () => {
  let current: Model;
  let candidate: Model;
  const test = existsSync(FASHION_MNIST_MODEL) ? loadFashionMnist('test') : undefined;
  const image = (i: number) => test!.images.subarray(i * PIXELS, (i + 1) * PIXELS);

  beforeAll(async () => {
    const { calibration } = fashionMnistData(0);
    const float = await convert(FASHION_MNIST_MODEL, { verify: false });
    const int8 = await convert(FASHION_MNIST_MODEL, { quantize: 'int8', calibration, verify: false });
    current = await loadModel(float.bytes, { backend: 'litert-wasm' });
    candidate = await loadModel(int8.bytes, { backend: 'litert-wasm' });
  }, 120_000);
  afterAll(() => {
    current?.dispose();
    candidate?.dispose();
  });

  it('shadow: answers with the current model and records agreement and latency of both', async () => {
    const rollout = deploy({ current, candidate, mode: 'shadow', storage: memoryStorage() });
    for (let i = 0; i < 300; i++) {
      const answer = await rollout.run({ image: image(i) });
      const direct = await current.run(image(i));
      expect(answer[0]!.data).toEqual(direct[0]!.data);
    }
    await rollout.settled();
    const report = JSON.parse(JSON.stringify(rollout));
    const agreement = report.agreement[0];
    console.log(`shadow over 300 images: top-1 agreement ${agreement.topClassAgreement}, max |diff| ${agreement.maxAbsDiff.toFixed(4)}; ` +
      `latency ms p50 float32 ${report.current.latencyMs.p50.toFixed(3)}, int8 ${report.candidate.latencyMs.p50.toFixed(3)}`);
    expect(report).toMatchObject({ format: 'borde_deploy_report', mode: 'shadow', state: 'running', current: { runs: 300, errors: 0 }, candidate: { runs: 300, errors: 0 } });
    expect(agreement).toMatchObject({ name: 'probabilities', compared: 300 });
    expect(agreement.topClassAgreement).toBeGreaterThan(0.97);
    expect(agreement.topClassAgreement).toBeLessThanOrEqual(1);
    expect(agreement.maxAbsDiff).toBeGreaterThan(0); // int8 is not float32: the comparison is real
    expect(report.candidate.outputs[0].topClassCounts.reduce((a: number, b: number) => a + b, 0)).toBe(300);
  }, 60_000);

  it('canary: a stable share of users by key, per-arm records, and the answer of the arm', async () => {
    const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const share = users.filter((u) => armOf(u, 'default', 0.25) === 'candidate').length / users.length;
    console.log(`canary share 0.25: ${share} of 2,000 keys`);
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
    const inCandidate = users.find((u) => armOf(u, 'default', 0.25) === 'candidate')!;
    const inCurrent = users.find((u) => armOf(u, 'default', 0.25) === 'current')!;
    for (const [key, arm] of [[inCandidate, 'candidate'], [inCurrent, 'current']] as const) {
      const rollout = deploy({ current, candidate, mode: 'canary', share: 0.25, key });
      expect(rollout.arm).toBe(arm);
      expect(deploy({ current, candidate, mode: 'canary', share: 0.25, key }).arm).toBe(arm); // stable
      for (let i = 0; i < 50; i++) {
        const answer = await rollout.run(image(i));
        expect(answer[0]!.data).toEqual((await (arm === 'candidate' ? candidate : current).run(image(i)))[0]!.data);
      }
      const report = rollout.report();
      const other = arm === 'candidate' ? 'current' : 'candidate';
      expect(report[arm]).toMatchObject({ runs: 50, errors: 0 });
      expect(report[arm].latencyMs!.p50).toBeGreaterThan(0);
      expect(report[other].runs).toBe(0);
      expect(report.agreement).toBeUndefined();
    }
  }, 60_000);

  it('canary: a key kept in local storage when none is given; a failing candidate is recorded and the current model answers', async () => {
    const storage = memoryStorage();
    const first = deploy({ current, candidate, mode: 'canary', share: 1, storage });
    expect(storage.entries.get('borde-deploy-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(deploy({ current, candidate, mode: 'canary', share: 1, storage }).arm).toBe(first.arm);
    const broken: Model = Object.assign(Object.create(candidate) as Model, { run: () => Promise.reject(new Error('engine lost')) });
    const rollout = deploy({ current, candidate: broken, mode: 'canary', share: 1, key: 'anyone' });
    const answer = await rollout.run(image(0));
    expect(answer[0]!.data).toEqual((await current.run(image(0)))[0]!.data);
    expect(rollout.report().candidate).toMatchObject({ runs: 1, errors: 1, lastError: 'engine lost' });
    expect(() => deploy({ current, candidate, mode: 'canary', storage: undefined as never })).toThrow(expect.objectContaining({ code: 'DEPLOY', message: expect.stringContaining('key') }));
  });

  it('promote and rollback in one call, remembered across reloads', async () => {
    const storage = memoryStorage();
    const rollout = deploy({ current, candidate, mode: 'shadow', storage, name: 'fashion' });
    expect(rollout.promote()).toBe(candidate);
    expect((await rollout.run(image(1)))[0]!.data).toEqual((await candidate.run(image(1)))[0]!.data);
    const reloaded = deploy({ current, candidate, mode: 'canary', share: 0, key: 'k', storage, name: 'fashion' });
    expect(reloaded.state).toBe('promoted');
    expect(reloaded.serving).toBe(candidate);
    reloaded.rollback();
    expect(deploy({ current, candidate, mode: 'shadow', storage, name: 'fashion' }).serving).toBe(current);
    expect(rollout.report().candidate.runs).toBe(0); // a decided rollout records nothing more
  });

  it('refuses a candidate whose outputs are named differently', () => {
    const renamed = Object.assign(Object.create(candidate) as Model, { outputs: [{ ...candidate.outputs[0]!, name: 'scores' }] });
    expect(() => deploy({ current, candidate: renamed, mode: 'shadow' })).toThrow(expect.objectContaining({ code: 'DEPLOY', message: expect.stringContaining('scores') }));
  });
});
