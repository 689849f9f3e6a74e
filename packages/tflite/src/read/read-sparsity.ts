import { DimensionMetadata, DimensionMetadataT } from '../generated/tflite/dimension-metadata.js';
import { Int32Vector, Int32VectorT } from '../generated/tflite/int32vector.js';
import { SparseIndexVector } from '../generated/tflite/sparse-index-vector.js';
import type { SparsityParameters } from '../generated/tflite/sparsity-parameters.js';
import { SparsityParametersT } from '../generated/tflite/sparsity-parameters.js';
import { Uint16Vector, Uint16VectorT } from '../generated/tflite/uint16vector.js';
import { Uint8Vector, Uint8VectorT } from '../generated/tflite/uint8vector.js';
import type { ReadContext } from './read-context.js';

type IndexVectorT = Int32VectorT | Uint16VectorT | Uint8VectorT;

/**
 * Decodes a tensor's sparsity parameters into the generated object-API value (SparsityParametersT), as the
 * generated `unpack()` would, but reading each index array with one checked read per element: sparse models
 * hold most of their structure in these arrays, and the generated per-element accessors cost five reads each.
 */
export function readSparsity(ctx: ReadContext, table: SparsityParameters, path: string): SparsityParametersT {
  ctx.where = `${path}.traversal_order`;
  const traversalOrder = ctx.int32s(() => table.traversalOrderLength());
  ctx.where = `${path}.block_map`;
  const blockMap = ctx.int32s(() => table.blockMapLength());
  ctx.where = `${path}.dim_metadata`;
  const { length } = ctx.vector(() => table.dimMetadataLength(), 4);
  const dimension = new DimensionMetadata();
  const dimMetadata: DimensionMetadataT[] = [];
  for (let i = 0; i < length; i++) {
    const dimPath = `${path}.dim_metadata[${i}]`;
    ctx.where = dimPath;
    const entry = table.dimMetadata(i, dimension)!;
    const format = entry.format();
    const denseSize = entry.denseSize();
    const segmentsType = entry.arraySegmentsType();
    const segments = readIndexVector(ctx, segmentsType, (obj) => entry.arraySegments(obj), `${dimPath}.array_segments`);
    const indicesType = entry.arrayIndicesType();
    const indices = readIndexVector(ctx, indicesType, (obj) => entry.arrayIndices(obj), `${dimPath}.array_indices`);
    dimMetadata.push(new DimensionMetadataT(format, denseSize, segmentsType, segments, indicesType, indices));
  }
  return new SparsityParametersT(traversalOrder, blockMap, dimMetadata);
}

function readIndexVector(
  ctx: ReadContext,
  type: number,
  access: (table: Int32Vector | Uint16Vector | Uint8Vector) => Int32Vector | Uint16Vector | Uint8Vector | null,
  path: string,
): IndexVectorT | null {
  ctx.where = path;
  const { bb } = ctx;
  switch (type) {
    case SparseIndexVector.NONE:
      return null;
    case SparseIndexVector.Int32Vector: {
      const table = access(new Int32Vector()) as Int32Vector | null;
      return new Int32VectorT(table ? ctx.scalars(() => table.valuesLength(), 4, (p) => bb.readInt32(p)) : []);
    }
    case SparseIndexVector.Uint16Vector: {
      const table = access(new Uint16Vector()) as Uint16Vector | null;
      return new Uint16VectorT(table ? ctx.scalars(() => table.valuesLength(), 2, (p) => bb.readUint16(p)) : []);
    }
    case SparseIndexVector.Uint8Vector: {
      const table = access(new Uint8Vector()) as Uint8Vector | null;
      return new Uint8VectorT(table ? ctx.scalars(() => table.valuesLength(), 1, (p) => bb.readUint8(p)) : []);
    }
    default:
      return ctx.fail('structure', path, `unknown sparse index vector type ${type}`);
  }
}
