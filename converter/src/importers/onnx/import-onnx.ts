import * as tf from '@tensorflow/tfjs';
import type { Graph, SignatureTensor } from '@borde/tflite';
import { InvalidSourceError, UnsupportedOpsError } from '../../errors.js';
import { ImportFault, LayoutBuilder, NHWC, OnnxContext, identity, samePerm, type OnnxValue, type TensorValue } from './context.js';
import { ONNX_OPS, PASS_THROUGH } from './ops/index.js';
import { readOnnxModel, type OnnxModel, type OnnxNode, type ReadOnnxOptions } from './read-model.js';
import { ONNX_DTYPE, ONNX_DTYPE_NAMES } from './schema.js';
import { fuseErfGelu } from './gelu-pattern.js';
import { foldedConstant } from '../graph-ops/folded-constant.js';

export interface ImportOnnxOptions extends ReadOnnxOptions {
  /**
   * Static shapes for inputs with dynamic dimensions, by input name, in the model's own layout (NCHW for an
   * ONNX image model). Without it a dynamic first dimension (the batch) becomes 1; any other is an error.
   */
  inputShapes?: Record<string, number[]>;
  /**
   * Keep rank-4 inputs and outputs in ONNX's NCHW order (one TRANSPOSE after each such input and before
   * each output computed NHWC). Default: the written model takes rank-4 inputs NHWC, TFLite's native image
   * layout, and gives each rank-4 output in the order it was computed in (NHWC after image ops).
   */
  keepNchwIo?: boolean;
}

/** How a TFLite input or output relates to the ONNX one: TFLite tensor = ONNX tensor transposed by `perm`. */
export interface OnnxIoLayout {
  name: string;
  /** undefined: same order as ONNX. */
  perm?: number[];
  /** The ONNX input is int64 (TFLite takes it as int32). */
  int64?: boolean;
}

export interface ImportedOnnx {
  graph: Graph;
  inputs: OnnxIoLayout[];
  outputs: OnnxIoLayout[];
  opset: number;
  warnings: string[];
}

const FORMAT = 'ONNX';
/** The operator set versions the importer is written and tested against. */
export const ONNX_OPSETS = { min: 11, max: 21 } as const;

/**
 * Imports an ONNX model (its bytes) into a float32 TFLite Graph with one subgraph. Convolutional parts run
 * NHWC: rank-4 inputs are taken NHWC (unless keepNchwIo), and the layout follows the data through the ops
 * that do not care, so a CNN has no TRANSPOSE inside. Constant subgraphs (Shape arithmetic) fold at import.
 * Every op that cannot be expressed is reported at once in an UnsupportedOpsError.
 */
export function importOnnxModel(bytes: Uint8Array, options: ImportOnnxOptions = {}): ImportedOnnx {
  const model = readOnnxModel(bytes, options);
  return new OnnxImporter(model, options).run();
}

class OnnxImporter {
  private readonly layout = new LayoutBuilder();
  private readonly values = new Map<string, OnnxValue>();
  private readonly warnings: string[] = [];

  constructor(private readonly model: OnnxModel, private readonly options: ImportOnnxOptions) {}

  run(): ImportedOnnx {
    const { model } = this;
    if (model.opset < ONNX_OPSETS.min || model.opset > ONNX_OPSETS.max) {
      this.warnings.push(`operator set ${model.opset} is outside the tested range ${ONNX_OPSETS.min}-${ONNX_OPSETS.max}; the output is still verified against ONNX Runtime`);
    }
    for (const [name, c] of model.initializers) this.values.set(name, { kind: 'const', c });
    const ioPerm = (rank: number): number[] | undefined => (rank === 4 && !this.options.keepNchwIo ? NHWC : undefined);
    const inputs = model.inputs.map((info) => {
      const shape = this.inputShape(info);
      const dtype = this.inputDType(info);
      const t = this.layout.tensor(info.name, shape, dtype, ioPerm(shape.length));
      this.values.set(info.name, t);
      return { name: info.name, tensor: t, perm: ioPerm(shape.length), int64: info.elemType === ONNX_DTYPE.INT64 };
    });
    for (const node of fuseErfGelu(model.nodes, model.initializers)) this.convertNode(node);
    const unsupported = this.layout.builder.unsupported;
    if (unsupported.length > 0) throw new UnsupportedOpsError(FORMAT, unsupported);

    if (model.outputs.length === 0) throw new InvalidSourceError('the ONNX graph lists no outputs');
    const taken = new Set(inputs.map((i) => i.tensor.index));
    const outputs = model.outputs.map((info) => {
      const v = this.values.get(info.name);
      if (v === undefined || v.kind === 'poison') throw new InvalidSourceError(`output '${info.name}' is produced by no node of the ONNX graph`);
      if (v.kind === 'const') throw new InvalidSourceError(`output '${info.name}' is a constant (it does not depend on any input); TFLite needs a computed output`);
      // An output stored NHWC stays so (no TRANSPOSE at the end) unless NCHW I/O is asked for.
      const perm = !this.options.keepNchwIo && v.perm && samePerm(v.perm, NHWC) ? NHWC : identity(v.shape.length);
      let stored = this.layout.toPerm(v, perm);
      // A model input passed straight through, or one tensor given as two outputs: TFLite needs a tensor of its own.
      if (taken.has(stored.index)) stored = this.copy(stored, info.name);
      taken.add(stored.index);
      this.nameOutput(stored, info.name);
      return { name: info.name, index: stored.index, perm: perm.every((p, i) => p === i) ? undefined : perm };
    });
    const builder = this.layout.builder;
    const sigIn: SignatureTensor[] = inputs.map((i) => ({ name: i.name, tensorIndex: i.tensor.index }));
    const sigOut: SignatureTensor[] = outputs.map((o) => ({ name: o.name, tensorIndex: o.index }));
    const graph: Graph = {
      version: 3,
      description: `Converted by Borde from ONNX${model.producer ? ` (${model.producer})` : ''}, opset ${model.opset}`,
      subgraphs: [{ name: 'main', tensors: builder.tensors, operators: builder.operators, inputs: inputs.map((i) => i.tensor.index), outputs: outputs.map((o) => o.index) }],
      signatures: [{ key: 'serving_default', subgraphIndex: 0, inputs: sigIn, outputs: sigOut }],
      metadata: [],
    };
    return {
      graph,
      inputs: inputs.map((i) => ({ name: i.name, ...(i.perm ? { perm: i.perm } : {}), ...(i.int64 ? { int64: true } : {}) })),
      outputs: outputs.map((o) => (o.perm ? { name: o.name, perm: o.perm } : { name: o.name })),
      opset: model.opset,
      warnings: this.warnings,
    };
  }

  /** A RESHAPE to the same shape: a new tensor with the same values (kept by the identity pass at the boundary). */
  private copy(t: TensorValue, name: string): TensorValue {
    const builder = this.layout.builder;
    const out = this.layout.tensor(name, t.shape, t.dtype, t.perm);
    const shape = builder.tensors[t.index]!.shape;
    builder.op('RESHAPE', [this.layout.physical(t), { kind: 'const', c: { name: `${name}/shape`, dtype: 'int32', shape: [shape.length], data: Int32Array.from(shape) } }],
      [this.layout.physical(out)], 'ReshapeOptions', { newShape: shape });
    return out;
  }

  /** The TFLite tensor of an output carries the ONNX output's name (a layout TRANSPOSE may have made a new one). */
  private nameOutput(t: TensorValue, name: string): void {
    const tensors = this.layout.builder.tensors;
    if (tensors[t.index]!.name === name) return;
    const holder = tensors.findIndex((x) => x.name === name);
    if (holder >= 0) tensors[holder]!.name = `${name}/onnx_order`;
    tensors[t.index]!.name = name;
  }

  private inputShape(info: OnnxModel['inputs'][number]): number[] {
    const override = this.options.inputShapes?.[info.name];
    if (override) {
      if (info.shape && override.length !== info.shape.length) {
        throw new InvalidSourceError(`--input-shape for '${info.name}' has ${override.length} dimensions; the model's input has ${info.shape.length} ([${info.shape.map((d) => d ?? '?').join(', ')}])`);
      }
      return override.slice();
    }
    if (!info.shape) throw new InvalidSourceError(`input '${info.name}' has an unknown rank: give its shape with --input-shape ${info.name}=...`);
    const shape = info.shape.map((d, i) => (typeof d === 'number' && d >= 0 ? d : i === 0 ? 1 : -1));
    if (shape.some((d) => d < 0)) {
      throw new InvalidSourceError(
        `input '${info.name}' has dynamic dimensions [${info.shape.map((d) => d ?? '?').join(', ')}]: give its shape in the model's layout ` +
          `(NCHW for an image model) with --input-shape ${info.name}=${shape.map((d) => (d < 0 ? 'N' : d)).join(',')} (options.inputShapes)`,
      );
    }
    if (shape.some((d) => d === 0)) throw new InvalidSourceError(`input '${info.name}' has a zero-size dimension [${shape.join(', ')}]; TFLite inputs here are not empty`);
    return shape;
  }

  private inputDType(info: OnnxModel['inputs'][number]): 'float32' | 'int32' | 'bool' {
    const t = info.elemType ?? ONNX_DTYPE.FLOAT;
    if (t === ONNX_DTYPE.FLOAT || t === ONNX_DTYPE.DOUBLE || t === ONNX_DTYPE.FLOAT16) return 'float32';
    if (t === ONNX_DTYPE.INT64 || t === ONNX_DTYPE.INT32) return 'int32';
    if (t === ONNX_DTYPE.BOOL) return 'bool';
    throw new InvalidSourceError(`input '${info.name}' has element type ${ONNX_DTYPE_NAMES[t] ?? t}, which TFLite models here do not take`);
  }

  private convertNode(node: OnnxNode): void {
    const reject = (detail?: string): void => {
      this.layout.builder.unsupported.push(detail === undefined ? { name: node.name, type: node.opType } : { name: node.name, type: node.opType, detail });
      for (const out of node.outputs) this.values.set(out, { kind: 'poison' });
    };
    if (node.domain !== '') return reject(`domain '${node.domain}' (only the default ONNX domain, ai.onnx, is supported)`);
    const inputs: (OnnxValue | undefined)[] = [];
    for (const name of node.inputs) {
      if (name === '') {
        inputs.push(undefined);
        continue;
      }
      const v = this.values.get(name);
      if (v === undefined) throw new InvalidSourceError(`node '${node.name}' (${node.opType}) reads '${name}', which no earlier node, input or initializer produces (the graph is not topologically sorted or is incomplete)`);
      inputs.push(v);
    }
    if (inputs.some((v) => v?.kind === 'poison')) {
      for (const out of node.outputs) this.values.set(out, { kind: 'poison' });
      return;
    }
    if (PASS_THROUGH.has(node.opType)) {
      if (inputs[0] === undefined) return reject('has no input');
      const training = inputs[2];
      if (node.opType === 'Dropout' && (training?.kind === 'tensor' || (training?.kind === 'const' && training.c.data[0]))) {
        return reject('training_mode is set: random dropout at inference has no TFLite equivalent; export the model in eval mode');
      }
      this.values.set(node.outputs[0]!, inputs[0]);
      // Dropout's optional mask output is training-only; nothing at inference reads it.
      return;
    }
    const def = ONNX_OPS[node.opType];
    if (def === undefined) return reject();
    const ctx = new OnnxContext(node, inputs, this.layout, this.model.opset);
    try {
      const present = inputs.filter((v): v is OnnxValue => v !== undefined);
      const results = def.fold && present.length > 0 && present.every((v) => v.kind === 'const') ? this.fold(ctx, def.fold) : def.convert(ctx);
      const list = Array.isArray(results) ? results : [results];
      node.outputs.forEach((out, k) => {
        if (out !== '' && list[k] !== undefined) this.values.set(out, list[k]!);
      });
    } catch (error) {
      if (error instanceof ImportFault) return reject(error.message);
      throw error;
    }
  }

  /** Computes a node on constants with tfjs kernels at import; its outputs become constants. */
  private fold(ctx: OnnxContext, fold: NonNullable<(typeof ONNX_OPS)[string]['fold']>): OnnxValue[] {
    const results = tf.tidy(() => {
      const tensors = ctx.inputs.map((v) => (v?.kind === 'const' ? tf.tensor(v.c.data, v.c.shape, v.c.dtype) : undefined));
      const out = fold(ctx, tensors);
      return Array.isArray(out) ? out : [out];
    });
    try {
      return results.map((t, k): OnnxValue => ({ kind: 'const', c: foldedConstant(t, ctx.node.outputs[k] || `${ctx.name}:${k}`) }));
    } finally {
      for (const t of results) t.dispose();
    }
  }
}
