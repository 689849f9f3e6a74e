// Page side of test/harness/tfjs-tflite-browser.ts. Tensors cross the Node <-> page boundary as
// { dtype, shape, base64 } so every byte (int8, float NaN payloads) survives unchanged.
/* global tflite */
(function () {
  'use strict';

  // tfjs-tflite looks for its wasm next to the script (dist/) by default; the files live in wasm/.
  tflite.setWasmPath(new URL('/tfjs-tflite/wasm/', location.href).href);

  function toBase64(bytes) {
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  function fromBase64(text) {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function parseShape(text) {
    return text === '' ? [] : text.split(',').map(Number);
  }

  function describe(info) {
    return { name: info.name, dtype: info.dataType, shape: parseShape(info.shape) };
  }

  async function fetchModel(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error('model ' + url + ': HTTP ' + response.status);
    return response.arrayBuffer();
  }

  const loaded = new Map();
  let nextId = 1;

  window.bordeTfliteHarness = {
    version: tflite.version || null,

    /** Loads a model (fetched from the local server) and returns its id, load time and tensor details. */
    async load(modelUrl, numThreads) {
      const bytes = await fetchModel(modelUrl);
      const start = performance.now();
      const options = numThreads === undefined ? {} : { numThreads };
      const model = await tflite.loadTFLiteModel(bytes, options);
      const loadMs = performance.now() - start;
      const runner = model.modelRunner;
      const id = nextId++;
      loaded.set(id, runner);
      return {
        id,
        loadMs,
        inputs: runner.getInputs().map(describe),
        outputs: runner.getOutputs().map(describe),
      };
    },

    run(id, inputs) {
      const runner = loaded.get(id);
      if (!runner) throw new Error('no loaded model ' + id);
      const modelInputs = runner.getInputs();
      if (inputs.length !== modelInputs.length) {
        throw new Error('model takes ' + modelInputs.length + ' inputs, got ' + inputs.length);
      }
      inputs.forEach((input, i) => {
        const info = modelInputs[i];
        if (input.dtype !== info.dataType) {
          throw new Error('input ' + i + ' (' + info.name + '): model expects ' + info.dataType + ', got ' + input.dtype);
        }
        const target = info.data();
        const bytes = fromBase64(input.base64);
        if (bytes.byteLength !== target.byteLength) {
          throw new Error('input ' + i + ' (' + info.name + '): model expects ' + target.byteLength + ' bytes (shape ' + info.shape + '), got ' + bytes.byteLength);
        }
        new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(bytes);
      });
      const start = performance.now();
      if (!runner.infer()) throw new Error('tfjs-tflite: inference failed');
      const runMs = performance.now() - start;
      const outputs = runner.getOutputs().map((info) => {
        const data = info.data();
        return Object.assign(describe(info), {
          base64: toBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
        });
      });
      return { runMs, outputs };
    },

    unload(id) {
      const runner = loaded.get(id);
      if (runner) runner.cleanUp();
      loaded.delete(id);
    },
  };
})();
