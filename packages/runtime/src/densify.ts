import { elementCount } from '@borde/tflite';
import { ModelError } from './errors.js';

/**
 * The TFLite sparse tensor format (schema `SparsityParameters`), as the object API holds it. Dimensions are
 * listed in traversal order: the tensor's own dimensions (permuted by `traversalOrder`), then one extra
 * dimension per block (`blockMap[k]` names the dimension block k splits).
 */
interface SparseIndexVector { values: ArrayLike<number> }
interface DimensionMetadata {
  format: number; // 0 DENSE, 1 SPARSE_CSR
  denseSize: number;
  arraySegments: SparseIndexVector | null;
  arrayIndices: SparseIndexVector | null;
}
interface SparsityParameters {
  traversalOrder: ArrayLike<number>;
  blockMap: ArrayLike<number>;
  dimMetadata: DimensionMetadata[];
}

function asSparsity(value: unknown, where: string): SparsityParameters {
  const s = value as Partial<SparsityParameters> | undefined;
  if (!s || !s.traversalOrder || !s.dimMetadata) throw new ModelError(`${where}: tensor has no sparsity parameters`);
  return { traversalOrder: s.traversalOrder, blockMap: s.blockMap ?? [], dimMetadata: s.dimMetadata };
}

/**
 * Expands sparse `values` (stored in traversal order) into a dense row-major array of `denseShape`; the
 * same walk as TFLite's FormatConverter: DENSE levels enumerate 0..denseSize-1, SPARSE_CSR levels read the
 * indices of segment `prev`.
 */
export function densify(values: ArrayLike<number>, denseShape: readonly number[], sparsity: unknown, where: string): Float32Array {
  const sp = asSparsity(sparsity, where);
  const rank = denseShape.length;
  const levels = sp.traversalOrder.length;
  if (sp.dimMetadata.length !== levels || levels !== rank + sp.blockMap.length) {
    throw new ModelError(`${where}: sparsity has ${sp.dimMetadata.length} dimension entries for ${levels} traversal levels`);
  }
  const blockSize = Array.from({ length: sp.blockMap.length }, (_, k) => {
    const level = Array.from(sp.traversalOrder).indexOf(rank + k);
    return sp.dimMetadata[level]!.denseSize;
  });
  const strides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) { strides[d] = s; s *= denseShape[d]!; }
  const out = new Float32Array(elementCount(denseShape));
  const indices = new Array<number>(levels).fill(0);
  let next = 0;

  const emit = (): void => {
    const orig = new Array<number>(rank).fill(0);
    for (let i = 0; i < rank; i++) orig[sp.traversalOrder[i]!] = indices[i]!;
    for (let i = rank; i < levels; i++) {
      const k = sp.traversalOrder[i]! - rank;
      const dim = sp.blockMap[k]!;
      orig[dim] = orig[dim]! * blockSize[k]! + indices[i]!;
    }
    let flat = 0;
    for (let d = 0; d < rank; d++) {
      if (orig[d]! >= denseShape[d]!) throw new ModelError(`${where}: sparse index ${orig[d]} out of range for dimension ${d}`);
      flat += orig[d]! * strides[d]!;
    }
    if (next >= values.length) throw new ModelError(`${where}: sparse structure needs more than the ${values.length} stored values`);
    out[flat] = values[next++]!;
  };

  const walk = (level: number, prev: number): void => {
    if (level === levels) { emit(); return; }
    const meta = sp.dimMetadata[level]!;
    if (meta.format === 0) {
      for (let i = 0; i < meta.denseSize; i++) {
        indices[level] = i;
        walk(level + 1, prev * meta.denseSize + i);
      }
      return;
    }
    const segments = meta.arraySegments?.values;
    const idx = meta.arrayIndices?.values;
    if (!segments || !idx || prev + 1 >= segments.length) {
      throw new ModelError(`${where}: sparse level ${level} lacks segments or indices`);
    }
    for (let i = segments[prev]!; i < segments[prev + 1]!; i++) {
      indices[level] = idx[i]!;
      walk(level + 1, i);
    }
  };
  walk(0, 0);
  if (next !== values.length) throw new ModelError(`${where}: ${values.length - next} stored values are not reached by the sparse structure`);
  return out;
}
