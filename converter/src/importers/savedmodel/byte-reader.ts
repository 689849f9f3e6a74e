import { InvalidSourceError } from '../../errors.js';

/** A cursor over bytes that refuses to read past `end`: varints (LevelDB/protobuf style) and slices. */
export class ByteReader {
  constructor(private readonly bytes: Uint8Array, public pos: number, private readonly end: number, private readonly what: string) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw truncated(this.what);
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(value)) throw new InvalidSourceError(`${this.what}: a length or offset is larger than 2^53.`);
        return value;
      }
      scale *= 128;
    }
    throw new InvalidSourceError(`${this.what}: a varint runs longer than 10 bytes.`);
  }

  take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw truncated(this.what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

export function truncated(what: string): InvalidSourceError {
  return new InvalidSourceError(`${what} is truncated or corrupt: an entry runs past its end. Copy the SavedModel's variables/ folder again.`);
}
