// Child process of the semantic fuzz: loads each case with loadModel on every requested Node backend and
// runs it once. The parent kills this process when a case passes its time limit (a synchronous kernel
// cannot be interrupted from its own thread), so a hang is seen as a hang, never as a slow test.
import { loadModel, probeDevice, RuntimeError, type BackendName, type Model } from '@borde/runtime';
import { elementCount, TfliteError } from '@borde/tflite';
import { seededRandom } from './mutations.js';

export type BackendOutcome =
  | { outcome: 'ok' }
  | { outcome: 'typed'; stage: 'load' | 'run'; code: string; message: string }
  | { outcome: 'untyped' | 'bad-output' | 'dead-backend'; stage: string; message: string };

export interface WorkerRequest {
  id: number;
  bytes: Uint8Array;
  backends: BackendName[];
}

export interface WorkerReply {
  id: number;
  results: Record<string, BackendOutcome>;
}

function inputsFor(model: Model, seed: number): Record<string, unknown>[] {
  const random = seededRandom(seed);
  return model.inputs.map((info) => {
    const n = elementCount(info.shape);
    switch (info.dtype) {
      case 'int8': return Int8Array.from({ length: n }, () => Math.floor(random() * 256) - 128) as never;
      case 'uint8': case 'bool': return Uint8Array.from({ length: n }, () => Math.floor(random() * 256)) as never;
      case 'int16': return Int16Array.from({ length: n }, () => Math.floor(random() * 512) - 256) as never;
      case 'int32': return Int32Array.from({ length: n }, () => Math.floor(random() * 8)) as never;
      case 'int64': return BigInt64Array.from({ length: n }, () => BigInt(Math.floor(random() * 8))) as never;
      default: return Float32Array.from({ length: n }, () => random() * 2 - 1) as never;
    }
  });
}

const isTyped = (e: unknown): e is RuntimeError | TfliteError => e instanceof RuntimeError || e instanceof TfliteError;
const text = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 400);

async function runOn(bytes: Uint8Array, backend: BackendName, device: Awaited<ReturnType<typeof probeDevice>>): Promise<BackendOutcome> {
  let model: Model;
  try {
    model = await loadModel(bytes, { backend, device });
  } catch (e) {
    return isTyped(e) ? { outcome: 'typed', stage: 'load', code: e.code, message: text(e) } : { outcome: 'untyped', stage: 'load', message: text(e) };
  }
  try {
    const outputs = await model.run(inputsFor(model, 7) as never);
    for (const [k, info] of model.outputs.entries()) {
      const out = outputs[k];
      if (!out || out.data.length !== elementCount(info.shape) || out.shape.join() !== info.shape.join()) {
        return { outcome: 'bad-output', stage: 'run', message: `output ${info.name}: declared [${info.shape}], got [${out?.shape}] with ${out?.data.length} values` };
      }
      if (out.data instanceof Float32Array || out.data instanceof Float64Array) {
        const bad = out.data.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) return { outcome: 'bad-output', stage: 'run', message: `output ${info.name}[${bad}] = ${out.data[bad]}` };
      }
    }
    return { outcome: 'ok' };
  } catch (e) {
    return isTyped(e) ? { outcome: 'typed', stage: 'run', code: e.code, message: text(e) } : { outcome: 'untyped', stage: 'run', message: text(e) };
  } finally {
    model.dispose();
  }
}

let canary: Uint8Array | undefined;

async function main(): Promise<void> {
  const device = await probeDevice();
  process.on('message', async (message: WorkerRequest | { canary: Uint8Array }) => {
    if ('canary' in message) {
      canary = message.canary;
      return;
    }
    const results: Record<string, BackendOutcome> = {};
    for (const backend of message.backends) {
      let result = await runOn(message.bytes, backend, device);
      // After any failure, a known-good model must still load and run on that backend: no poisoned engine.
      if (result.outcome !== 'ok' && canary) {
        const after = await runOn(canary, backend, device);
        if (after.outcome !== 'ok') {
          const before = 'message' in result ? result.message : '';
          result = { outcome: 'dead-backend', stage: 'canary', message: `after ${result.outcome} (${before}) the canary model fails: ${'message' in after ? after.message : 'unknown'}` };
        }
      }
      results[backend] = result;
    }
    process.send!({ id: message.id, results } satisfies WorkerReply);
  });
  process.send!({ ready: true });
}

void main();
