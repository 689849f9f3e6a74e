import * as tf from '@tensorflow/tfjs';
import { seededTensor } from '@borde/test/harness';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TfjsArtifacts } from '../../src/importers/tfjs-artifacts.js';

// A TensorFlow graph-model written by hand (NodeDefs + weights, as tfjs-converter stores them), for tests
// that run it in tfjs' own graph executor and import it.

export type Attr = Record<string, unknown>;
export const s = (v: string): Attr => ({ s: btoa(v) });
export const i = (v: number): Attr => ({ i: String(v) });
export const f = (v: number): Attr => ({ f: v });
export const b = (v: boolean): Attr => ({ b: v });
export const ints = (v: number[]): Attr => ({ list: { i: v.map(String) } });
export const strs = (v: string[]): Attr => ({ list: { s: v.map((x) => btoa(x)) } });
export const FLOAT = { type: 'DT_FLOAT' };
export const INT = { type: 'DT_INT32' };

/** Builds a graph-model node list and its weights. */
export class GraphFixture {
  readonly nodes: { name: string; op: string; input: string[]; attr: Record<string, Attr> }[] = [];
  readonly weights: Record<string, tf.Tensor> = {};
  private seed = 100;

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', input: [], attr: { dtype: FLOAT, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } });
    return name;
  }

  const(name: string, value: tf.Tensor): string {
    const dtype = value.dtype === 'int32' ? INT : FLOAT;
    this.nodes.push({ name, op: 'Const', input: [], attr: { dtype, value: { tensor: { dtype: dtype.type, tensorShape: { dim: value.shape.map((d) => ({ size: String(d) })) } } } } });
    this.weights[name] = value;
    return name;
  }

  /** A float constant of seeded values in [lo, hi]. */
  random(name: string, shape: number[], lo = -1, hi = 1): string {
    const t = seededTensor({ dtype: 'float32', shape, range: [lo, hi] }, this.seed++);
    return this.const(name, tf.tensor(t.data as Float32Array, shape));
  }

  ints(name: string, values: number[], shape = [values.length]): string {
    return this.const(name, tf.tensor(values, shape, 'int32'));
  }

  op(name: string, op: string, input: string[], attr: Record<string, Attr> = {}): string {
    // tfjs' executor reads dilations of every conv, as TensorFlow always writes them.
    const conv: Record<string, Attr> = /Conv/.test(op) ? { dilations: ints([1, 1, 1, 1]), data_format: s('NHWC') } : {};
    this.nodes.push({ name, op, input, attr: { T: FLOAT, ...conv, ...attr } });
    return name;
  }

  async artifacts(): Promise<TfjsArtifacts & { weightData: ArrayBuffer }> {
    const { data, specs } = await tf.io.encodeWeights(this.weights);
    return {
      modelJson: { format: 'graph-model', modelTopology: { node: this.nodes, versions: { producer: 1286 } }, weightsManifest: [{ paths: [], weights: specs }] },
      weightSpecs: specs,
      weightData: data,
    };
  }

  /** Writes model.json (with `signature` when given, as tfjs-converter does) and one weight shard; returns the model.json path. */
  async save(dir: string, signature?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }): Promise<string> {
    const artifacts = await this.artifacts();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData));
    const modelJson = {
      ...artifacts.modelJson,
      ...(signature ? { signature } : {}),
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    return join(dir, 'model.json');
  }
}

/** The error `fn` throws (undefined when it returns), for tests that inspect a refusal's fields. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
