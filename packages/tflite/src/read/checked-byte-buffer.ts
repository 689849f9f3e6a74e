import * as flatbuffers from 'flatbuffers';

/**
 * A read outside the file, or an offset no valid flatbuffer can hold. `kind` is `truncated` when the read
 * runs past the last byte (a cut-short file, or a corrupt offset/length pointing there) and `bounds` when
 * the offset or length is invalid in itself (negative, a malformed vtable). Internal: the reader turns it
 * into an InvalidModelError that names the place in the model.
 */
export class BoundsError extends Error {
  constructor(
    readonly kind: 'truncated' | 'bounds',
    message: string,
  ) {
    super(message);
    this.name = 'BoundsError';
  }
}

/** The file made the reader do more work than its size can justify (structures shared many times over). */
export class ReadLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadLimitError';
  }
}

/**
 * A flatbuffers ByteBuffer that verifies every read. The stock ByteBuffer reads `bytes[offset]` and turns an
 * out-of-range read into 0 or NaN silently, so the generated accessors would decode garbage from a hostile
 * file; here every primitive read, offset, vtable, vector and string is checked against the file first.
 *
 * Every read also spends one unit of a work budget fixed from the file size: a flatbuffer may legally
 * point many tables at one shared vector, and without a budget a small file could make decoding quadratic.
 */
export class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private readonly view: DataView;
  private readonly size: number;
  private budget: number;
  private readonly initialBudget: number;
  private readonly decoder = new TextDecoder('utf-8');
  /** Start and length of the vector `__vector_len` last measured; -1 when none since `forgetVector()`. */
  lastVectorStart = -1;
  lastVectorLength = 0;

  constructor(bytes: Uint8Array, budget: number) {
    super(bytes);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.size = bytes.byteLength;
    this.budget = budget;
    this.initialBudget = budget;
  }

  /** Work units spent so far (for tests and tuning). */
  spent(): number {
    return this.initialBudget - this.budget;
  }

  /** Spend `units` of the budget (the reader charges bulk work, such as decoding long strings). */
  charge(units: number): void {
    this.budget -= units;
    if (this.budget < 0) {
      throw new ReadLimitError(
        `decoding needs more than ${this.initialBudget} reads for a ${this.size}-byte file: ` +
          'its tables share structures so many times over that reading it would take disproportionate time',
      );
    }
  }

  /** Throws unless bytes [offset, offset + width) lie inside the file; `what` names them in the message. */
  require(offset: number, width: number, what: string | (() => string)): void {
    if (offset >= 0 && offset + width <= this.size) return;
    if (typeof what === 'function') what = what();
    if (!(offset >= 0) || !Number.isSafeInteger(offset)) {
      throw new BoundsError('bounds', `${what} at offset ${offset} lies before the start of the file`);
    }
    if (offset + width > this.size) {
      throw new BoundsError(
        'truncated',
        `${what} needs bytes ${offset}..${offset + width} but the file has only ${this.size} bytes ` +
          '(the file is truncated, or an offset or length in it is corrupt)',
      );
    }
  }

  /** Checks one primitive read; the hot path, so messages are only built on failure. */
  private at(offset: number, width: number): number {
    if (--this.budget < 0) this.charge(0);
    if (!(offset >= 0 && offset + width <= this.size)) this.require(offset, width, `a ${width}-byte value`);
    return offset;
  }

  override readInt8(offset: number): number {
    return this.view.getInt8(this.at(offset, 1));
  }
  override readUint8(offset: number): number {
    return this.view.getUint8(this.at(offset, 1));
  }
  override readInt16(offset: number): number {
    return this.view.getInt16(this.at(offset, 2), true);
  }
  override readUint16(offset: number): number {
    return this.view.getUint16(this.at(offset, 2), true);
  }
  override readInt32(offset: number): number {
    return this.view.getInt32(this.at(offset, 4), true);
  }
  override readUint32(offset: number): number {
    return this.view.getUint32(this.at(offset, 4), true);
  }
  override readInt64(offset: number): bigint {
    return this.view.getBigInt64(this.at(offset, 8), true);
  }
  override readUint64(offset: number): bigint {
    return this.view.getBigUint64(this.at(offset, 8), true);
  }
  override readFloat32(offset: number): number {
    return this.view.getFloat32(this.at(offset, 4), true);
  }
  override readFloat64(offset: number): number {
    return this.view.getFloat64(this.at(offset, 8), true);
  }

  /** Field lookup through the vtable; the vtable must be well formed and inside the file. */
  override __offset(bb_pos: number, vtable_offset: number): number {
    const vtable = bb_pos - this.readInt32(bb_pos);
    const vtableSize = this.readUint16(vtable);
    if (vtableSize < 4 || vtableSize % 2 !== 0) {
      throw new BoundsError('bounds', `the table at offset ${bb_pos} has a malformed vtable (size ${vtableSize})`);
    }
    this.require(vtable, vtableSize, () => `the vtable of the table at offset ${bb_pos}`);
    // Field offsets are unsigned 16-bit (the stock reader takes them as signed).
    return vtable_offset < vtableSize ? this.readUint16(vtable + vtable_offset) : 0;
  }

  /** Follows an unsigned 32-bit offset; it always points forward in a valid flatbuffer under 2 GiB. */
  override __indirect(offset: number): number {
    const relative = this.readInt32(offset);
    if (relative < 0) {
      throw new BoundsError('bounds', `the offset stored at byte ${offset} (${relative >>> 0}) points outside the file`);
    }
    return offset + relative;
  }

  override __union(t: flatbuffers.Table, offset: number): flatbuffers.Table {
    t.bb_pos = this.__indirect(offset);
    t.bb = this;
    return t;
  }

  override __vector(offset: number): number {
    return this.__indirect(offset) + 4;
  }

  /** A vector's length, checked to fit in the bytes after its start (each element takes at least one byte). */
  override __vector_len(offset: number): number {
    const vector = this.__indirect(offset);
    const length = this.readInt32(vector);
    const start = vector + 4;
    if (length < 0) {
      throw new BoundsError('bounds', `the vector at offset ${vector} has a negative length (${length})`);
    }
    this.require(start, length, () => `a vector of ${length} elements`);
    this.lastVectorStart = start;
    this.lastVectorLength = length;
    return length;
  }

  /** Resets the record of the last measured vector (see `lastVectorStart`). */
  forgetVector(): void {
    this.lastVectorStart = -1;
    this.lastVectorLength = 0;
  }

  override __string(offset: number, opt_encoding?: flatbuffers.Encoding): string | Uint8Array {
    const position = this.__indirect(offset);
    const length = this.readInt32(position);
    if (length < 0) {
      throw new BoundsError('bounds', `the string at offset ${position} has a negative length (${length})`);
    }
    const start = position + 4;
    this.require(start, length, () => `a string of ${length} bytes`);
    // Decoding costs time proportional to the length; a file may point many tables at one long string.
    this.charge(Math.ceil(length / 4));
    const bytes = this.bytes().subarray(start, start + length);
    return opt_encoding === flatbuffers.Encoding.UTF8_BYTES ? bytes : this.decoder.decode(bytes);
  }

  override __has_identifier(ident: string): boolean {
    this.require(4, 4, 'the file identifier');
    return super.__has_identifier(ident);
  }
}
