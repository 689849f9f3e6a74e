import { InvalidModelError } from './errors.js';
import { elementCount } from './graph.js';

/**
 * The TFLite sparse tensor format (schema `SparsityParameters`, generated object-API field names). Levels
 * are listed in traversal order: the tensor's own dimensions permuted by `traversalOrder`, then one level
 * per block dimension (`blockMap[k]` names the original dimension that block k subdivides).
 */
interface DimensionMetadata {
  format: number; // 0 DENSE, 1 SPARSE_CSR
  denseSize: number;
  arraySegments: { values: ArrayLike<number> } | null;
  arrayIndices: { values: ArrayLike<number> } | null;
}
interface Sparsity {
  traversalOrder: ArrayLike<number>;
  blockMap: ArrayLike<number> | null;
  dimMetadata: DimensionMetadata[];
}

/**
 * Expands the `stored` elements of a sparse constant into a dense row-major array of `shape`, as TFLite's
 * FormatConverter does: DENSE levels enumerate 0..denseSize-1, a SPARSE_CSR level reads the indices of the
 * segment its parent position selects. Elements are copied as `elementBytes`-wide units, so float16, float32
 * and int8 data expand alike. `where` names the tensor in errors. Shared by the converter (which densifies
 * sparse constants at import) and the runtime (which runs DENSIFY once at load).
 */
export function densifyBytes(stored: Uint8Array, elementBytes: number, shape: readonly number[], sparsityValue: unknown, where: string): Uint8Array {
  const sp = sparsityValue as Partial<Sparsity> | null | undefined;
  const fail = (why: string): never => {
    throw new InvalidModelError('structure', where, `sparse constant: ${why}; the model is corrupt or uses a sparse layout TFLite does not define`);
  };
  if (!sp?.traversalOrder || !sp.dimMetadata) return fail('no sparsity parameters');
  const order = Array.from(sp.traversalOrder);
  const blockMap = Array.from(sp.blockMap ?? []);
  const meta = sp.dimMetadata;
  const rank = shape.length;
  const levels = order.length;
  if (meta.length !== levels || levels !== rank + blockMap.length) fail(`${meta.length} dimension entries for ${levels} traversal levels`);
  if ([...order].sort((a, b) => a - b).some((v, i) => v !== i)) fail('traversal order is not a permutation');
  const blockSize = blockMap.map((_dim, k) => meta[order.indexOf(rank + k)]!.denseSize);
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= shape[d]!; }
  const storedCount = stored.length / elementBytes;
  const out = new Uint8Array(elementCount(shape) * elementBytes);
  const position = new Array<number>(levels).fill(0);
  let next = 0;

  const emit = (): void => {
    const index = new Array<number>(rank).fill(0);
    for (let l = 0; l < rank; l++) index[order[l]!] = position[l]!;
    for (let l = rank; l < levels; l++) {
      const k = order[l]! - rank;
      const dim = blockMap[k]!;
      index[dim] = index[dim]! * blockSize[k]! + position[l]!;
    }
    let flat = 0;
    for (let d = 0; d < rank; d++) {
      if (index[d]! >= shape[d]!) fail(`index ${index[d]} out of range for dimension ${d} of [${shape.join(', ')}]`);
      flat += index[d]! * strides[d]!;
    }
    if (next >= storedCount) fail(`the sparse structure needs more than the ${storedCount} stored values`);
    out.set(stored.subarray(next * elementBytes, (next + 1) * elementBytes), flat * elementBytes);
    next++;
  };

  // Depth-first over levels; `parent` is the position in the previous level's enumeration.
  const walk = (level: number, parent: number): void => {
    if (level === levels) return emit();
    const m = meta[level]!;
    if (m.format === 0) {
      for (let i = 0; i < m.denseSize; i++) {
        position[level] = i;
        walk(level + 1, parent * m.denseSize + i);
      }
      return;
    }
    if (m.format !== 1) fail(`dimension format ${m.format} is neither DENSE nor SPARSE_CSR`);
    const segments = m.arraySegments?.values;
    const indices = m.arrayIndices?.values;
    if (!segments || !indices || parent + 1 >= segments.length) return fail(`level ${level} lacks its segments or indices`);
    for (let j = segments[parent]!; j < segments[parent + 1]!; j++) {
      if (j >= indices.length) fail(`segment end ${segments[parent + 1]} runs past ${indices.length} indices`);
      position[level] = indices[j]!;
      walk(level + 1, j);
    }
  };
  walk(0, 0);
  if (next !== storedCount) fail(`${storedCount} values stored but the structure uses ${next}`);
  return out;
}
