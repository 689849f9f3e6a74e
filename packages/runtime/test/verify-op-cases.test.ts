// Every op case the tfjs engine is tested with is a valid model: verifyGraph (what loadModel runs before any
// engine) must accept each one, so the verifier's rules agree with the shapes and options the kernels use.
import { describe, expect, it } from 'vitest';
import { verifiedOps, verifyGraph } from '@borde/tflite';
import { OP_MODULES } from '../src/ops/index.js';
import { OP_CASES } from './op-cases.js';
import { oneOpGraph } from './support/one-op-graph.js';

/**
 * A convolution with its bias omitted: the tfjs engine runs it (these cases test that), but LiteRT returns
 * garbage for it, so loadModel's verifier refuses it before any engine sees it.
 */
const omitsConvBias = (c: (typeof OP_CASES)[number]): boolean =>
  (c.opcode === 'CONV_2D' && !c.inputs[2]) || (c.opcode === 'DEPTHWISE_CONV_2D' && c.inputs.length === 3 && !c.inputs[2]);

describe('verifyGraph accepts every op case', () => {
  it.each(OP_CASES.filter((c) => !omitsConvBias(c)).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(() => verifyGraph(oneOpGraph(c))).not.toThrow();
  });

  it.each(OP_CASES.filter(omitsConvBias).map((c) => [c.name, c] as const))('refuses %s (bias omitted)', (_name, c) => {
    expect(() => verifyGraph(oneOpGraph(c))).toThrow(expect.objectContaining({ code: 'INVALID_OPERATOR', rule: expect.stringMatching(/^inputs\.(count|required)$/) }));
  });
});

it('verifyGraph has rules for every op the tfjs engine runs (loadModel refuses builtins it has no rules for)', () => {
  const known = new Set(verifiedOps());
  const missing = OP_MODULES.map((m) => (/^[A-Z0-9_]+$/.test(m.opcode) ? m.opcode : `custom:${m.opcode}`)).filter((op) => !known.has(op));
  expect(missing).toEqual([]);
});
