// The SavedModel importer works from bytes in a browser: bundled for the browser (no fs; node: built-ins
// left out, so any use of them would fail), it converts a Keras SavedModel fetched from the local server
// in Chromium, and the .tflite it writes there runs in LiteRT (Node) and matches Keras' own outputs.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../converter/src/calibration/npy.js';
import { compareTensors, launchBrowser, openLiteRtModel, type BrowserSession } from '../harness/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../converter/test/fixtures/keras/small-cnn/', import.meta.url));
const FILES = ['saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001'];

let session: BrowserSession;

beforeAll(async () => {
  const bundle = await build({
    stdin: {
      contents: [
        "import * as tf from '@tensorflow/tfjs';",
        "export { importSavedModel } from './converter/src/importers/savedmodel/import-saved-model.ts';",
        "export { writeModel } from '@borde/tflite';",
        "export const ready = tf.setBackend('cpu');",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['borde-source'],
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
  });
  session = await launchBrowser({ routes: { '/saved_model/': `${FIXTURE}saved_model` } });
  session.server.put('/importer.js', bundle.outputFiles[0]!.text);
  session.server.put('/index.html', '<!doctype html><script type="module">import * as m from "/importer.js"; await m.ready; window.importer = m;</script>');
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('SavedModel importer in Chromium', () => {
  it('converts small-cnn from fetched bytes; LiteRT runs the result like Keras', async () => {
    const { page } = session;
    await page.goto(session.url('/index.html'));
    await page.waitForFunction(() => (window as unknown as { importer?: unknown }).importer !== undefined, null, { timeout: 60_000 });
    const tflite = await page.evaluate(async (files) => {
      const importer = (window as unknown as { importer: { importSavedModel(f: Map<string, Uint8Array>): unknown; writeModel(g: unknown): Uint8Array } }).importer;
      const map = new Map<string, Uint8Array>();
      for (const file of files) map.set(file, new Uint8Array(await (await fetch(`/saved_model/${file}`)).arrayBuffer()));
      return Array.from(importer.writeModel(importer.importSavedModel(map)));
    }, FILES);

    const input = parseNpy(readFileSync(`${FIXTURE}input_0.npy`), 'input_0.npy');
    const expected = parseNpy(readFileSync(`${FIXTURE}output_0.npy`), 'output_0.npy');
    const size = input.data.length / input.shape[0]!;
    const model = await openLiteRtModel(Uint8Array.from(tflite));
    try {
      const [out] = await model.run([{ dtype: 'float32', shape: [1, ...input.shape.slice(1)], data: Float32Array.from(Array.prototype.slice.call(input.data, 0, size)) }]);
      const want = Float32Array.from(Array.prototype.slice.call(expected.data, 0, expected.data.length / expected.shape[0]!));
      const cmp = compareTensors({ dtype: 'float32', shape: [want.length], data: out!.data as Float32Array }, { dtype: 'float32', shape: [want.length], data: want });
      expect(cmp.maxRelError).toBeLessThan(1e-5);
    } finally {
      model.close();
    }
    expect(session.pageErrors).toEqual([]);
    expect(session.outsideRequests).toEqual([]);
  });
});
