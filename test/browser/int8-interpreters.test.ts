// Every int8 model the converter writes must run in both official interpreters, LiteRT in Node and
// tfjs-tflite in Chromium, and the two must agree exactly: integer kernels leave no room for drift.

import { writeModel, type Graph } from '@borde/tflite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../converter/src/quantize/calibrate.js';
import { quantizeInt8 } from '../../converter/src/quantize/quantize-int8.js';
import { samplesFor } from '../../converter/src/quantize/model-io.js';
import { tinyCnn } from '../../converter/test/support/tiny-cnn.js';
import {
  assertIdenticalOutputs,
  openLiteRtModel,
  openTfjsTflite,
  seededInputs,
  type TfjsTfliteSession,
} from '../harness/index.js';

let session: TfjsTfliteSession;

beforeAll(async () => {
  session = await openTfjsTflite({ timeoutMs: 30_000 });
});

afterAll(async () => {
  await session?.close();
});

async function int8Model(graph: Graph, io: 'float' | 'int8'): Promise<{ bytes: Uint8Array; graph: Graph }> {
  const input = graph.subgraphs[0]!.tensors[graph.subgraphs[0]!.inputs[0]!]!;
  const specs = [{ name: input.name, dtype: 'float32' as const, shape: input.shape, range: [0, 1] as [number, number] }];
  const { ranges } = await calibrate(graph, Array.from({ length: 32 }, (_, i) => seededInputs(specs, i)));
  const quantized = quantizeInt8(graph, ranges, { io }).graph;
  return { bytes: writeModel(quantized), graph: quantized };
}

describe('int8 models in LiteRT (Node) and tfjs-tflite (Chromium)', () => {
  for (const io of ['float', 'int8'] as const) {
    it(`tiny CNN with --io ${io}: identical outputs in both interpreters`, async () => {
      const { bytes, graph } = await int8Model(tinyCnn(), io);
      const input = graph.subgraphs[0]!.tensors[graph.subgraphs[0]!.inputs[0]!]!;
      const specs = [{ name: input.name, dtype: 'float32' as const, shape: input.shape, range: [0, 1] as [number, number] }];
      const liteRt = await openLiteRtModel(bytes);
      const browser = await session.load(bytes);
      try {
        for (const seed of [11, 12, 13]) {
          const [inputs] = samplesFor(graph, [seededInputs(specs, seed)]);
          assertIdenticalOutputs((await browser.run(inputs!)).outputs, await liteRt.run(inputs!));
        }
      } finally {
        liteRt.close();
        await browser.close();
      }
    });
  }

  it('made no request outside the local server', () => {
    expect(session.browser.outsideRequests).toEqual([]);
  });
});
