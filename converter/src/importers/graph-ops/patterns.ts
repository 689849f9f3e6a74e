import * as tf from '@tensorflow/tfjs';
import { attrBool, parseInputRef } from './attrs.js';
import { dtypeOf, shapeOf } from './context.js';
import type { OpTable } from './table.js';
import type { NodeDef } from './types.js';

// Activations that TensorFlow graphs spell out in primitive ops (Keras' gelu and hard_swish), found before
// conversion and replaced by one node of a Borde-internal op that becomes the TFLite builtin (GELU,
// HARD_SWISH): one kernel instead of up to 20, and no float fallback around erf. Only the root node of a
// match is replaced; the intermediate nodes stay in the graph, so anything else reading them still can
// (the importer converts only what the outputs need).

export const GELU_OP = 'Borde>Gelu';
export const HARD_SWISH_OP = 'Borde>HardSwish';

/** Values of a Const node, or undefined when the node is not a constant. */
export type ConstValues = (node: string) => ArrayLike<number> | undefined;

const SQRT1_2 = Math.SQRT1_2;

/** Rewrites every match in place; returns how many nodes were replaced. */
export function fusePatterns(nodes: Map<string, NodeDef>, constValues: ConstValues): number {
  const m = new Matcher(nodes, constValues);
  let count = 0;
  for (const node of [...nodes.values()]) {
    const gelu = m.gelu(node);
    const hardSwish = gelu ? undefined : m.hardSwish(node);
    const match = gelu ?? hardSwish;
    if (!match) continue;
    nodes.set(node.name, {
      name: node.name,
      op: gelu ? GELU_OP : HARD_SWISH_OP,
      input: [match.x],
      attr: gelu ? { approximate: { b: gelu.approximate } } : {},
    });
    count++;
  }
  return count;
}

class Matcher {
  constructor(private readonly nodes: Map<string, NodeDef>, private readonly constValues: ConstValues) {}

  /** The node an input reference reads (output 0 only), skipping Identity. */
  private producer(ref: string | undefined): NodeDef | undefined {
    const parsed = ref === undefined ? null : parseInputRef(ref);
    if (!parsed || parsed.output !== 0) return undefined;
    const node = this.nodes.get(parsed.node);
    return node?.op === 'Identity' ? this.producer(node.input?.[0]) : node;
  }

  private dataInputs(node: NodeDef): string[] {
    return (node.input ?? []).filter((r) => !r.startsWith('^'));
  }

  /** True when `ref` is a constant whose every value is `value` (to float32 precision). */
  private isScalar(ref: string, value: number): boolean {
    const node = this.producer(ref);
    const values = node?.op === 'Const' ? this.constValues(node.name) : undefined;
    if (!values || values.length === 0) return false;
    return Array.from(values).every((v) => Math.abs(v - value) <= 1e-6 * Math.max(1, Math.abs(value)));
  }

  /** The other operand of a commutative binary `node` whose one operand satisfies `test`. */
  private other(node: NodeDef | undefined, ops: string[], test: (ref: string) => boolean): string | undefined {
    if (!node || !ops.includes(node.op)) return undefined;
    const [a, b] = this.dataInputs(node);
    if (a === undefined || b === undefined) return undefined;
    if (test(b)) return a;
    if (test(a)) return b;
    return undefined;
  }

  private sameTensor(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    const pa = parseInputRef(a);
    const pb = parseInputRef(b);
    const ra = pa && this.resolve(pa.node, pa.output);
    const rb = pb && this.resolve(pb.node, pb.output);
    return !!ra && !!rb && ra === rb;
  }

  private resolve(name: string, output: number): string {
    const node = this.nodes.get(name);
    if (node?.op === 'Identity' && output === 0 && node.input?.[0]) {
      const p = parseInputRef(node.input[0]);
      if (p) return this.resolve(p.node, p.output);
    }
    return `${name}:${output}`;
  }

  /** x * c, c * x or x / (1/c): returns x. */
  private scaled(ref: string | undefined, c: number): string | undefined {
    const node = this.producer(ref);
    if (node?.op === 'RealDiv' || node?.op === 'Div') {
      const [x, d] = this.dataInputs(node);
      return d !== undefined && this.isScalar(d, 1 / c) ? x : undefined;
    }
    return this.other(node, ['Mul'], (r) => this.isScalar(r, c));
  }

  /**
   * 0.5 * x * (1 + erf(x / sqrt(2))) or 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))), with the
   * products associated either way: (0.5 * x) * s, x * (0.5 * s), or 0.5 * (x * s).
   */
  gelu(root: NodeDef): { x: string; approximate: boolean } | undefined {
    if (root.op !== 'Mul') return undefined;
    const [a, b] = this.dataInputs(root);
    if (a === undefined || b === undefined) return undefined;
    const orders: [string, string][] = [[a, b], [b, a]];
    for (const [p, q] of orders) {
      // (0.5 * x) * (1 + f(x))
      const halfX = this.scaled(p, 0.5);
      if (halfX !== undefined) {
        const approximate = this.onePlusErfOrTanh(q, halfX);
        if (approximate !== undefined) return { x: halfX, approximate };
      }
      // x * (0.5 * (1 + f(x)))
      const inner = this.scaled(q, 0.5);
      if (inner !== undefined) {
        const approximate = this.onePlusErfOrTanh(inner, p);
        if (approximate !== undefined) return { x: p, approximate };
      }
      // 0.5 * (x * (1 + f(x)))
      if (this.isScalar(p, 0.5)) {
        const prod = this.producer(q);
        if (prod?.op === 'Mul') {
          const [u, v] = this.dataInputs(prod);
          for (const [x, s] of [[u, v], [v, u]] as [string, string][]) {
            const approximate = this.onePlusErfOrTanh(s, x);
            if (approximate !== undefined) return { x, approximate };
          }
        }
      }
    }
    return undefined;
  }

  /** 1 + erf(x / sqrt 2) -> false; 1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)) -> true; else undefined. */
  private onePlusErfOrTanh(ref: string | undefined, x: string): boolean | undefined {
    const f = this.producer(this.other(this.producer(ref), ['AddV2', 'Add'], (r) => this.isScalar(r, 1)));
    if (f?.op === 'Erf') {
      return this.sameTensor(this.scaled(this.dataInputs(f)[0], SQRT1_2), x) ? false : undefined;
    }
    if (f?.op === 'Tanh') {
      const sum = this.producer(this.scaled(this.dataInputs(f)[0], Math.sqrt(2 / Math.PI)));
      const cubic = this.other(sum, ['AddV2', 'Add'], (r) => this.sameTensor(r, x));
      const cube = this.producer(this.scaled(cubic, 0.044715));
      if (!cube) return undefined;
      const [base, exponent] = this.dataInputs(cube);
      const isCube = cube.op === 'Pow' && this.sameTensor(base, x) && exponent !== undefined && this.isScalar(exponent, 3);
      return isCube ? true : undefined;
    }
    return undefined;
  }

  /** x * relu6(x + 3) / 6, as (x * relu6(x + 3)) * (1/6), x * (relu6(x + 3) * (1/6)) or a division by 6. */
  hardSwish(root: NodeDef): { x: string } | undefined {
    const relu6Of = (ref: string | undefined): string | undefined => {
      const r = this.producer(ref);
      if (r?.op !== 'Relu6') return undefined;
      return this.other(this.producer(this.dataInputs(r)[0]), ['AddV2', 'Add'], (c) => this.isScalar(c, 3));
    };
    // (x * relu6(x + 3)) / 6 or * (1/6)
    const prod = this.producer(this.scaled(root.name, 1 / 6));
    if (prod?.op === 'Mul') {
      const [u, v] = this.dataInputs(prod);
      for (const [x, r] of [[u, v], [v, u]] as [string, string][]) {
        if (this.sameTensor(relu6Of(r), x)) return { x };
      }
    }
    // x * (relu6(x + 3) * (1/6))
    if (root.op === 'Mul') {
      const [u, v] = this.dataInputs(root);
      for (const [x, s] of [[u, v], [v, u]] as [string, string][]) {
        if (this.sameTensor(relu6Of(this.scaled(s, 1 / 6)), x)) return { x };
      }
    }
    return undefined;
  }
}

/** The internal ops the patterns become. */
export const PATTERN_OPS: OpTable = {
  [GELU_OP]: {
    convert(ctx) {
      const x = ctx.input(0);
      const out = ctx.output(shapeOf(x), dtypeOf(x));
      ctx.op('GELU', [x], [out], 'GeluOptions', { approximate: attrBool(ctx.node, 'approximate', false) });
      return out;
    },
    fold: (ctx, [x]) => (attrBool(ctx.node, 'approximate', false)
      ? tf.tidy(() => tf.mul(tf.mul(x!, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x!, tf.mul(0.044715, tf.pow(x!, 3))))))))
      : tf.tidy(() => tf.mul(tf.mul(x!, 0.5), tf.add(1, tf.erf(tf.mul(x!, SQRT1_2)))))),
  },
  [HARD_SWISH_OP]: {
    convert(ctx) {
      const x = ctx.input(0);
      const out = ctx.output(shapeOf(x), dtypeOf(x));
      ctx.op('HARD_SWISH', [x], [out]);
      return out;
    },
    fold: (_ctx, [x]) => tf.tidy(() => tf.div(tf.mul(x!, tf.relu6(tf.add(x!, 3))), 6)),
  },
};
