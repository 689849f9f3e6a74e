import type { Operator, Tensor } from '@borde/tflite';
import type { DecodedWeight } from '../tfjs-artifacts.js';
import { InvalidSourceError, WeightShapeError } from '../../errors.js';

/** A tensor of the Graph under construction, with its static shape (batch 1). */
export interface TensorRef {
  index: number;
  shape: number[];
}

/**
 * Accumulates the tensors and operators of one float32 subgraph while layers are converted.
 * Activation tensors get batch 1 in `shape` and -1 in `shapeSignature`; constants are exact.
 */
export class SubgraphBuilder {
  readonly tensors: Tensor[] = [];
  readonly operators: Operator[] = [];
  private readonly names = new Set<string>();

  /** A float32 activation tensor; the first dimension is the batch. */
  activation(name: string, shape: number[]): TensorRef {
    const index = this.tensors.length;
    this.tensors.push({
      name: this.uniqueName(name),
      dtype: 'float32',
      shape: shape.slice(),
      shapeSignature: [-1, ...shape.slice(1)],
    });
    return { index, shape: shape.slice() };
  }

  constFloat(name: string, shape: number[], values: ArrayLike<number>): TensorRef {
    const data = Float32Array.from(values);
    return this.constant(name, shape, 'float32', new Uint8Array(data.buffer));
  }

  constInt32(name: string, shape: number[], values: ArrayLike<number>): TensorRef {
    const data = Int32Array.from(values);
    return this.constant(name, shape, 'int32', new Uint8Array(data.buffer));
  }

  /** Adds an operator and returns its output tensors. */
  op(
    opcode: string,
    inputs: (TensorRef | null)[],
    outputs: TensorRef[],
    optionsType?: string,
    options?: Record<string, unknown>,
  ): TensorRef[] {
    const operator: Operator = {
      opcode,
      inputs: inputs.map((t) => (t === null ? -1 : t.index)),
      outputs: outputs.map((t) => t.index),
    };
    if (optionsType !== undefined) {
      operator.optionsType = optionsType;
      operator.options = options ?? {};
    }
    this.operators.push(operator);
    return outputs;
  }

  /** One-output operator: creates the output activation tensor named `name` with `shape`. */
  unary(
    opcode: string,
    inputs: (TensorRef | null)[],
    name: string,
    shape: number[],
    optionsType?: string,
    options?: Record<string, unknown>,
  ): TensorRef {
    const out = this.activation(name, shape);
    this.op(opcode, inputs, [out], optionsType, options);
    return out;
  }

  /** Renames a tensor (kept unique), e.g. to give a layer's final output the layer's own name. */
  rename(index: number, name: string): void {
    const tensor = this.tensors[index]!;
    if (tensor.name === name) return;
    this.names.delete(tensor.name);
    tensor.name = this.uniqueName(name);
  }

  private constant(name: string, shape: number[], dtype: 'float32' | 'int32', data: Uint8Array): TensorRef {
    const index = this.tensors.length;
    this.tensors.push({ name: this.uniqueName(name), dtype, shape: shape.slice(), data });
    return { index, shape: shape.slice() };
  }

  private uniqueName(name: string): string {
    let candidate = name;
    for (let i = 1; this.names.has(candidate); i++) candidate = `${name}_${i}`;
    this.names.add(candidate);
    return candidate;
  }
}

/** Finds a layer's weights by Keras weight name (`kernel`, `bias`, `gamma`, ...). */
export class LayerWeights {
  constructor(
    private readonly layerName: string,
    private readonly weights: Map<string, DecodedWeight>,
  ) {}

  /** Weight `weightName` of the layer; undefined when the layer has none by that name. */
  find(weightName: string): DecodedWeight | undefined {
    const exact = this.weights.get(`${this.layerName}/${weightName}`);
    if (exact) return exact;
    // Models converted from Keras may carry scope prefixes or `:0` suffixes: match on the tail.
    for (const [name, w] of this.weights) {
      const clean = name.replace(/:\d+$/, '');
      if (clean.endsWith(`/${this.layerName}/${weightName}`) || clean === `${this.layerName}/${weightName}`) return w;
    }
    return undefined;
  }

  get(weightName: string, expectedShape?: number[]): Float32Array {
    const w = this.find(weightName);
    if (w === undefined) {
      throw new InvalidSourceError(
        `Layer "${this.layerName}" needs the weight "${this.layerName}/${weightName}", which the weights manifest lacks.`,
      );
    }
    if (expectedShape !== undefined && !sameShape(w.shape, expectedShape)) {
      throw new WeightShapeError(
        `Weight "${w.name}" has shape [${w.shape}] but layer "${this.layerName}" needs [${expectedShape}] for its input.`,
      );
    }
    return w.values instanceof Float32Array ? w.values : Float32Array.from(w.values as ArrayLike<number>);
  }

  shape(weightName: string): number[] | undefined {
    return this.find(weightName)?.shape;
  }
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Reorders the elements of a row-major array of `shape` by `perm` (like tf.transpose). */
export function transposeData(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = strides(shape);
  const out = new Float32Array(values.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * inStrides[perm[d]!]!;
    out[o] = values[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = idx[d]! + 1;
      if (idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

export function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}
