import { InvalidModelError, type InvalidModelReason } from '../errors.js';
import { CheckedByteBuffer, ReadLimitError } from './checked-byte-buffer.js';

/**
 * Primitive reads allowed per byte of file. Decoding the MediaPipe models takes 0.04 to 0.31 reads per byte
 * (most bytes are weights, copied in bulk), and a model made only of small tables needs a few; a file whose
 * tables share structures many times over could otherwise make decoding quadratic in time and memory. Every
 * decoded value costs at least one read, so this also bounds the size of the Graph. The floor lets tiny
 * hand-built models through.
 */
const READS_PER_BYTE = 8;
const MINIMUM_READS = 1 << 20;

/** A region of the file holding raw bytes (constant data, custom options). */
export interface Region {
  start: number;
  length: number;
}

/**
 * State of one readModel call: the checked buffer, the place being decoded (for error messages), and the
 * copies of raw data made so far. Copies are shared per region so that tensors pointing at one buffer cost
 * one copy, and their total is capped at twice the file size (distinct regions of a valid file never
 * overlap, so they add up to less than its size).
 */
export class ReadContext {
  readonly bb: CheckedByteBuffer;
  /** Where decoding is, e.g. `subgraphs[0].tensors[5].shape`; named by errors that have no finer path. */
  where = '';
  private readonly copies = new Map<string, Uint8Array>();
  private copiedBytes = 0;
  private readonly copyLimit: number;

  constructor(readonly bytes: Uint8Array) {
    this.bb = new CheckedByteBuffer(bytes, Math.max(MINIMUM_READS, READS_PER_BYTE * bytes.byteLength));
    this.copyLimit = 2 * bytes.byteLength;
  }

  fail(reason: InvalidModelReason, path: string, detail: string): never {
    throw new InvalidModelError(reason, path, detail);
  }

  /**
   * Measures a vector field through its generated `xxxLength()` accessor and checks that `length` elements of
   * `elementSize` bytes fit in the file. Returns the length and where the elements start (-1 when absent).
   */
  vector(measure: () => number, elementSize: number): Region {
    this.bb.forgetVector();
    const length = measure();
    const start = this.bb.lastVectorStart;
    if (length > 0 && start >= 0) {
      this.bb.require(start, length * elementSize, () => `a vector of ${length} ${elementSize}-byte elements`);
    }
    return { start, length };
  }

  /**
   * Reads a vector of scalars: `measure` (a generated `xxxLength()` accessor) locates and checks the vector,
   * then each element is read with `read` at its position, one checked read per element (never through
   * typed-array views, which throw on misaligned data).
   */
  scalars<T>(measure: () => number, elementSize: number, read: (position: number) => T): T[] {
    return this.scalarsAt(this.vector(measure, elementSize), elementSize, read);
  }

  /** Reads the elements of a vector already located and checked by `vector()`. */
  scalarsAt<T>({ start, length }: Region, elementSize: number, read: (position: number) => T): T[] {
    const values: T[] = [];
    for (let i = 0; i < length; i++) values.push(read(start + i * elementSize));
    return values;
  }

  int32s(measure: () => number): number[] {
    return this.scalars(measure, 4, (position) => this.bb.readInt32(position));
  }

  float32s(measure: () => number): number[] {
    return this.scalars(measure, 4, (position) => this.bb.readFloat32(position));
  }

  /** Reads `length` elements one at a time through an accessor (for vectors of tables). */
  list<T>(length: number, element: (index: number) => T | null): T[] {
    const values: T[] = [];
    for (let i = 0; i < length; i++) {
      const value = element(i);
      if (value === null) this.fail('structure', this.where, `element ${i} of ${length} is missing`);
      values.push(value);
    }
    return values;
  }

  /** A copy of a region already checked to lie in the file; one copy per region. */
  copy(region: Region): Uint8Array {
    const key = `${region.start}:${region.length}`;
    const cached = this.copies.get(key);
    if (cached) return cached;
    this.copiedBytes += region.length;
    if (this.copiedBytes > this.copyLimit) {
      throw new ReadLimitError(
        `the data regions of this ${this.bytes.byteLength}-byte file add up to more than twice its size, ` +
          'so they overlap; a valid model stores each buffer once',
      );
    }
    // The Uint8Array constructor copies; Node's Buffer#slice would return a view of the file instead.
    const copy = new Uint8Array(this.bytes.subarray(region.start, region.start + region.length));
    this.copies.set(key, copy);
    return copy;
  }

  /**
   * Checks a region that a 64-bit offset and size field (data stored after the flatbuffer, as in models over
   * 2 GB) describe, and returns it.
   */
  outsideRegion(offset: bigint, size: bigint, path: string, what: string): Region {
    const fileSize = BigInt(this.bytes.byteLength);
    if (offset + size > fileSize) {
      this.fail('bounds', path, `${what} at offset ${offset} with size ${size} lies outside the ${fileSize}-byte file (truncated file, or a corrupt offset)`);
    }
    return { start: Number(offset), length: Number(size) };
  }
}
