import { writeModel, type Graph } from '@borde/tflite';
import { openInterpreter } from '../verify/interpreter.js';
import type { TensorValue } from '../verify/tensor-value.js';

export interface ExposedModel {
  /** Runs one sample; gives [tensor index, values] for every watched tensor, in watched order. */
  run(inputs: TensorValue[]): Promise<[number, TensorValue['data']][]>;
  /**
   * Runs one sample and hands every watched tensor's values to `visitor` with the tensor's position in
   * `watched`, without copying them out of the interpreter: valid only during the (synchronous) call. For
   * statistics over every activation (27 MB a sample for a MobileNetV2), where copies cost more than the run.
   */
  visit(inputs: TensorValue[], visitor: (position: number, data: TensorValue['data']) => void): Promise<void>;
  close(): void;
}

/**
 * Opens `graph` in the official interpreter with every watched tensor also a model output (the way TFLite's
 * quantization debugger reads intermediate activations). A signature names each output `t<index>`, so
 * values are matched by name, whatever order the interpreter lists outputs in.
 */
export async function openExposed(graph: Graph, watched: number[]): Promise<ExposedModel> {
  const subgraph = graph.subgraphs[0]!;
  const outputs = [...subgraph.outputs, ...watched.filter((i) => !subgraph.outputs.includes(i))];
  const exposed: Graph = {
    ...graph,
    subgraphs: [{ ...subgraph, outputs }, ...graph.subgraphs.slice(1)],
    signatures: [{
      key: 'exposed',
      subgraphIndex: 0,
      inputs: subgraph.inputs.map((tensorIndex) => ({ name: `t${tensorIndex}`, tensorIndex })),
      outputs: outputs.map((tensorIndex) => ({ name: `t${tensorIndex}`, tensorIndex })),
    }],
  };
  const model = await openInterpreter(writeModel(exposed));
  const positions = new Map(watched.map((index, position) => [`t${index}`, position]));
  return {
    async run(inputs) {
      const values = await model.run(inputs);
      const byName = new Map(values.map((v) => [v.name, v.data]));
      return watched.map((index) => {
        const data = byName.get(`t${index}`);
        if (!data) throw new Error(`internal: the interpreter did not return exposed tensor ${index}`);
        return [index, data];
      });
    },
    async visit(inputs, visitor) {
      let seen = 0;
      await model.visit(inputs, (output) => {
        const position = positions.get(output.name ?? '');
        if (position === undefined) return;
        seen++;
        visitor(position, output.data);
      });
      if (seen !== watched.length) throw new Error(`internal: the interpreter returned ${seen} of ${watched.length} exposed tensors`);
    },
    close: () => model.close(),
  };
}
