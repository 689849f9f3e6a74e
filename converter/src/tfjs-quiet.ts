import * as tf from '@tensorflow/tfjs';

/**
 * tfjs' CPU backend prints a banner ("Hi, looks like you are running TensorFlow.js in Node.js ... install
 * our node backend") on its first tensor in Node. tfjs-node cannot serve the converter (it downloads
 * libtensorflow), so the banner is noise in a library's output. This spends the backend's first write
 * with tfjs' logging muted, and leaves the user's PROD flag as it was: later warnings still show.
 */
export function spendTfjsNodeBanner(): void {
  const env = tf.env();
  if (!env.getBool('IS_NODE') || env.getBool('PROD')) return;
  try {
    // Settle the engine's backend first: choosing it creates fresh backend instances (a fresh banner).
    tf.backend();
  } catch {
    return; // an async backend (wasm) is pending tf.ready(): not ours to settle
  }
  const cpu = tf.findBackend('cpu');
  if (cpu === null) return;
  env.set('PROD', true);
  try {
    cpu.disposeData(cpu.write(new Float32Array(1), [1], 'float32'));
  } finally {
    env.set('PROD', false);
  }
}
