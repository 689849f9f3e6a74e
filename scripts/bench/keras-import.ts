// `pnpm bench:keras`: how long reading Keras files takes, and the measurement behind choosing jsfive over
// h5wasm for it (converter/README.md, dependency notes). For each file: jsfive and h5wasm reading every
// dataset of its HDF5 part, then Borde's whole importKerasModel (config, weights, layer mapping).
// Files: the committed Keras fixtures, plus any .keras/.h5 paths given as arguments (e.g. a Keras
// application saved with weights=None: `keras.applications.MobileNetV2(weights=None).save("m.keras")`).
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readKerasArchive } from '../../converter/src/importers/keras/keras-archive.js';
import { importKerasModel } from '../../converter/src/importers/keras/keras-model.js';

// The HDF5 libraries are the converter's dependencies (h5wasm a dev one): load them from there.
const converterDir = fileURLToPath(new URL('../../converter/', import.meta.url));
const jsfivePath = createRequire(join(converterDir, 'package.json')).resolve('jsfive');
const h5wasmPath = join(converterDir, 'node_modules/h5wasm/dist/node/hdf5_hl.js');

const fixtures = fileURLToPath(new URL('../../converter/test/fixtures/keras/', import.meta.url));
const files = [
  ...readdirSync(fixtures, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => ['model.keras', 'model.h5'].map((f) => join(fixtures, d.name, f)))
    .filter((p) => { try { readFileSync(p); return true; } catch { return false; } }),
  ...process.argv.slice(2),
];

/** The part of h5wasm's API the bench uses (its types resolve from the converter package only). */
interface H5Node { keys(): string[]; get(key: string): unknown }
interface H5wasm {
  ready: Promise<unknown>;
  File: new (path: string, mode: 'r') => H5Node & { close(): void };
  Group: abstract new (...args: never[]) => H5Node;
  Dataset: abstract new (...args: never[]) => { value: unknown };
}

const time = <T>(run: () => T): [T, number] => {
  const start = performance.now();
  const value = run();
  return [value, performance.now() - start];
};

/** The HDF5 bytes of a Keras file: the file itself, or model.weights.h5 inside a .keras zip. */
const hdf5Of = (bytes: Uint8Array): Uint8Array => (bytes[0] === 0x50 ? readKerasArchive(bytes, 'bench').weights : bytes);

const [jsfive, jsfiveLoad] = await (async () => { const s = performance.now(); const m = (await import(pathToFileURL(jsfivePath).href)) as typeof import('jsfive'); return [m, performance.now() - s] as const; })();
const [h5wasm, h5wasmLoad] = await (async () => {
  const s = performance.now();
  const m = ((await import(pathToFileURL(h5wasmPath).href)) as { default: H5wasm }).default;
  await m.ready;
  return [m, performance.now() - s] as const;
})();
console.log(`module load: jsfive ${jsfiveLoad.toFixed(0)} ms, h5wasm (with wasm init) ${h5wasmLoad.toFixed(0)} ms`);
console.log('file                                   size (KB)   jsfive read (ms)   h5wasm read (ms)   importKerasModel (ms)');
const scratch = mkdtempSync(join(tmpdir(), 'borde-bench-keras-'));
for (const path of files) {
  const bytes = new Uint8Array(readFileSync(path));
  const h5 = hdf5Of(bytes);
  const [, jsfiveMs] = time(() => {
    const walk = (g: InstanceType<typeof jsfive.Group>): void => {
      for (const k of g.keys) {
        const c = g.get(k);
        if (c instanceof jsfive.Group) walk(c);
        else void c.value;
      }
    };
    walk(new jsfive.File(h5.buffer.slice(h5.byteOffset, h5.byteOffset + h5.byteLength) as ArrayBuffer));
  });
  const onDisk = join(scratch, 'bench.h5');
  writeFileSync(onDisk, h5);
  const [, h5wasmMs] = time(() => {
    const f = new h5wasm.File(onDisk, 'r');
    const walk = (g: InstanceType<typeof h5wasm.Group>): void => {
      for (const k of g.keys()) {
        const c = g.get(k);
        if (c instanceof h5wasm.Group) walk(c);
        else if (c instanceof h5wasm.Dataset) void c.value;
      }
    };
    walk(f);
    f.close();
  });
  const [, importMs] = time(() => importKerasModel(bytes));
  const name = path.replace(fixtures, '').slice(-38);
  console.log(`${name.padEnd(38)} ${(bytes.byteLength / 1024).toFixed(0).padStart(9)}   ${jsfiveMs.toFixed(1).padStart(16)}   ${h5wasmMs.toFixed(1).padStart(16)}   ${importMs.toFixed(1).padStart(21)}`);
}
