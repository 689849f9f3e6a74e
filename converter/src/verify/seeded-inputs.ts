// Deterministic pseudo-random model inputs: the same seed gives the same bytes on every machine and
// in every interpreter, so two runs of two models can be compared element by element.

import { elementCount, typedArrayConstructor, type TensorDType, type TensorValue } from '@borde/runtime/litert';

export interface InputSpec {
  readonly dtype: TensorDType;
  /** Concrete shape; a -1 (dynamic) dimension must be fixed by the caller first. */
  readonly shape: readonly number[];
  readonly name?: string;
  /**
   * Value range. Float inputs: real values, default [-1, 1]. Integer inputs without quantization:
   * integer range (inclusive), default the type's full range (int32/int64: [-100, 100]).
   */
  readonly range?: readonly [number, number];
  /** For quantized integer inputs: real values in `range` (default [-1, 1]) are quantized with these. */
  readonly quantization?: { readonly scale: number; readonly zeroPoint: number };
}

const INTEGER_LIMITS: Partial<Record<TensorDType, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  int32: [-100, 100],
  int64: [-100, 100],
  bool: [0, 1],
};

/**
 * A uniform generator in [0, 1) (mulberry32: 32-bit state, fast, and identical everywhere because it
 * uses only 32-bit integer arithmetic).
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes the seed with the input's position so each input has its own stream. */
function streamSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One tensor of seeded values for `spec`. */
export function seededTensor(spec: InputSpec, seed: number): TensorValue {
  const label = spec.name ?? 'input';
  if (spec.shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    throw new RangeError(`${label}: shape [${spec.shape.join(', ')}] has a dynamic dimension; pass a concrete shape`);
  }
  const count = elementCount(spec.shape);
  const rng = createRng(seed);
  const data = new (typedArrayConstructor(spec.dtype))(count);

  if (spec.dtype === 'float32' || spec.dtype === 'float64') {
    const [lo, hi] = checkedRange(spec.range ?? [-1, 1], label);
    const out = data as Float32Array | Float64Array;
    for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * rng();
  } else {
    const limits = INTEGER_LIMITS[spec.dtype];
    if (!limits) throw new TypeError(`${label}: no seeded values for dtype ${spec.dtype}`);
    const [qmin, qmax] = spec.dtype === 'int32' || spec.dtype === 'int64' ? [-(2 ** 31), 2 ** 31 - 1] : limits;
    const draw = spec.quantization
      ? quantizedDraw(rng, checkedRange(spec.range ?? [-1, 1], label), spec.quantization, qmin, qmax, label)
      : integerDraw(rng, checkedRange(spec.range ?? limits, label), qmin, qmax, label);
    if (data instanceof BigInt64Array) {
      for (let i = 0; i < count; i++) data[i] = BigInt(draw());
    } else {
      const out = data as Exclude<typeof data, BigInt64Array>;
      for (let i = 0; i < count; i++) out[i] = draw();
    }
  }
  return spec.name === undefined
    ? { dtype: spec.dtype, shape: [...spec.shape], data }
    : { dtype: spec.dtype, shape: [...spec.shape], data, name: spec.name };
}

/** Seeded tensors for every spec; input i depends only on (seed, i). */
export function seededInputs(specs: readonly InputSpec[], seed: number): TensorValue[] {
  return specs.map((spec, index) => seededTensor(spec, streamSeed(seed, index)));
}

function checkedRange(range: readonly [number, number], label: string): [number, number] {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new RangeError(`${label}: range [${lo}, ${hi}] must be finite with min <= max`);
  }
  return [lo, hi];
}

function integerDraw(rng: () => number, [lo, hi]: [number, number], qmin: number, qmax: number, label: string): () => number {
  const min = Math.ceil(lo);
  const max = Math.floor(hi);
  if (min < qmin || max > qmax || min > max) {
    throw new RangeError(`${label}: integer range [${lo}, ${hi}] does not fit the dtype's [${qmin}, ${qmax}]`);
  }
  const span = max - min + 1;
  return () => min + Math.floor(rng() * span);
}

function quantizedDraw(
  rng: () => number,
  [lo, hi]: [number, number],
  { scale, zeroPoint }: { scale: number; zeroPoint: number },
  qmin: number,
  qmax: number,
  label: string,
): () => number {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`${label}: quantization scale ${scale} must be positive`);
  return () => {
    const q = Math.round((lo + (hi - lo) * rng()) / scale) + zeroPoint;
    return Math.min(qmax, Math.max(qmin, q));
  };
}
