import { inverted, loadFashionMnist, rotated } from '@borde/models';
import { loadModel, monitor, type DriftEvent } from '@borde/runtime';

const PIXELS = 28 * 28;

/**
 * Drift monitoring on the int8 Fashion-MNIST file the demo wrote: 1,000 test images as they are (no event),
 * then the same images rotated, then inverted; prints each drift event the monitor raises on the device.
 */
export async function showDrift(bytes: Uint8Array): Promise<void> {
  const model = await loadModel(bytes, { backend: 'auto' });
  const test = loadFashionMnist('test');
  const image = (i: number) => test.images.subarray(i * PIXELS, (i + 1) * PIXELS);
  let phase = 'clean';
  const watch = monitor(model, {
    onDrift: (e: DriftEvent) => console.log(`  DRIFT after ${e.observed} samples (${phase} phase): ` +
      e.drifting.map((s) => `${s.role} "${s.tensor}" ${s.feature}${s.of ? `(${s.of})` : ''} PSI ${s.psi.toFixed(2)}`).join(', ')),
    onRecover: (e: DriftEvent) => console.log(`  recovered after ${e.observed} samples`),
  });
  try {
    for (const [name, shift, from, to] of [['clean', (x: Float32Array) => x, 0, 1000], ['rotated', rotated, 1000, 1500], ['inverted', inverted, 1500, 2000]] as const) {
      phase = name;
      for (let i = from; i < to; i++) await watch.run(shift(image(i)));
      const worst = watch.scores().sort((a, b) => b.psi - a.psi)[0]!;
      console.log(`  ${name} images ${from}-${to - 1}: ${watch.drifting ? 'drifting' : 'no drift'}; worst ${worst.role} "${worst.tensor}" ${worst.feature} PSI ${worst.psi.toFixed(3)}`);
    }
  } finally {
    model.dispose();
  }
}
