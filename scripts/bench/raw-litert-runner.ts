// The "raw @litertjs/core" row, as an app using the package's public API would run a model: the same code
// in the page and in Node, given the loaded package.
import type { RowRunner } from './runtime-timing.js';

type LiteRtCore = typeof import('../../test/node_modules/@litertjs/core/dist/index.js');

export async function rawLiteRtRunner(
  core: LiteRtCore,
  bytes: Uint8Array,
  inputs: readonly Float32Array[],
  shapes: readonly (readonly number[])[],
): Promise<RowRunner> {
  const model = await core.loadAndCompile(bytes, { accelerator: 'wasm' });
  return {
    async run() {
      const tensors = inputs.map((data, k) => new core.Tensor(data, [...shapes[k]!]));
      try {
        const outputs = await model.run(tensors);
        const values = outputs.map((t) => t.toTypedArray());
        for (const t of outputs) t.delete();
        return values;
      } finally {
        for (const t of tensors) t.delete();
      }
    },
    dispose: () => model.delete(),
  };
}
