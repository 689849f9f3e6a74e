// Page side of test/browser/deploy-monitor.test.ts: @borde/runtime bundled as an app bundles it; deploy() and
// monitor() run in the page on real Fashion-MNIST images fetched from the local server, and the page returns
// the reports (JSON) for the test to judge.
import { deploy, loadModel, monitor, type DriftEvent } from '@borde/runtime';

const PIXELS = 28 * 28;

async function prove(count: number) {
  const [current, candidate] = await Promise.all([loadModel('/models/float32.tflite'), loadModel('/models/int8.tflite')]);
  const images = new Float32Array(await (await fetch('/data/images.bin')).arrayBuffer());
  const image = (i: number) => images.subarray(i * PIXELS, (i + 1) * PIXELS);

  const shadow = deploy({ current, candidate, mode: 'shadow', name: 'shadow' });
  const firstAnswers: number[][] = [];
  for (let i = 0; i < count; i++) {
    const answer = await shadow.run({ image: image(i) });
    if (i < 5) firstAnswers.push(Array.from(answer[0]!.data as Float32Array));
  }
  await shadow.settled();

  // Canary with no key: the page's localStorage keeps a random one, so a reload lands in the same arm.
  const canary = deploy({ current, candidate, mode: 'canary', share: 0.5, name: 'canary' });
  const again = deploy({ current, candidate, mode: 'canary', share: 0.5, name: 'canary' });
  for (let i = 0; i < 50; i++) await canary.run(image(i));
  const canaryReport = canary.report();
  canary.promote();
  const afterPromote = deploy({ current, candidate, mode: 'canary', share: 0.5, name: 'canary' });

  const events: DriftEvent[] = [];
  const watch = monitor(candidate, { onDrift: (e) => events.push(e) });
  for (let i = 0; i < count; i++) await watch.run(image(i));
  const cleanEvents = events.length;
  for (let i = 0; i < count; i++) await watch.run(image(i).map((v) => 1 - v));

  return {
    engines: { current: `${current.engine}/${current.backend}`, candidate: `${candidate.engine}/${candidate.backend}` },
    shadow: shadow.report(),
    firstAnswers,
    canary: canaryReport,
    sameArm: again.arm === canary.arm,
    storedKey: localStorage.getItem('borde-deploy-key'),
    promotedAfterReload: afterPromote.state,
    servingAfterPromote: afterPromote.serving === candidate,
    drift: { cleanEvents, events: events.map((e) => ({ observed: e.observed, drifting: e.drifting.map((s) => `${s.role} ${s.feature}`) })), report: watch.report() },
  };
}

(window as unknown as { bordeMlops: unknown }).bordeMlops = { prove };
document.title = 'ready';
