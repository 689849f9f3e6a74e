import { InvalidSourceError } from '../../errors.js';
import { ByteReader, truncated } from './byte-reader.js';
import { crc32c, maskCrc } from './crc32c.js';

// Reader of the immutable sorted table ("SSTable", LevelDB's table format) that TensorFlow writes as a
// checkpoint's `.index` file: data blocks of prefix-compressed key/value entries, an index block pointing
// at them, and a fixed 48-byte footer ending in a magic number. Every offset and length is checked
// against the file before use.

const FOOTER_BYTES = 48;
const MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]; // 0xdb4775248b80fb57, little endian
const BLOCK_TRAILER_BYTES = 5; // compression type + masked CRC-32C

interface BlockHandle { offset: number; size: number }

function uint32At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** Every key/value pair of the table in key order (the order the data blocks hold them). */
export function readSsTable(bytes: Uint8Array, file: string): { key: string; value: Uint8Array }[] {
  if (bytes.byteLength < FOOTER_BYTES) {
    throw new InvalidSourceError(`${file} is ${bytes.byteLength} bytes, shorter than a table footer (48): the file is truncated.`);
  }
  const footerAt = bytes.byteLength - FOOTER_BYTES;
  if (MAGIC.some((b, i) => bytes[footerAt + 40 + i] !== b)) {
    throw new InvalidSourceError(`${file} does not end in the table magic number: it is truncated or not a TensorFlow checkpoint index.`);
  }
  const footer = new ByteReader(bytes, footerAt, footerAt + 40, `${file} footer`);
  readHandle(footer); // metaindex block: TensorFlow writes it empty
  const index = readBlock(bytes, readHandle(footer), footerAt, `${file} index block`);
  const entries: { key: string; value: Uint8Array }[] = [];
  for (const { value } of blockEntries(index, `${file} index block`)) {
    const handle = readHandle(new ByteReader(value, 0, value.byteLength, `${file} index block`));
    const block = readBlock(bytes, handle, footerAt, `${file} data block at ${handle.offset}`);
    entries.push(...blockEntries(block, `${file} data block at ${handle.offset}`));
  }
  return entries;
}

function readHandle(r: ByteReader): BlockHandle {
  return { offset: r.varint(), size: r.varint() };
}

/** A block's contents after checking its bounds, checksum and compression. */
function readBlock(bytes: Uint8Array, handle: BlockHandle, limit: number, what: string): Uint8Array {
  if (handle.offset + handle.size + BLOCK_TRAILER_BYTES > limit) throw truncated(what);
  const contents = bytes.subarray(handle.offset, handle.offset + handle.size);
  const type = bytes[handle.offset + handle.size]!;
  const stored = uint32At(bytes, handle.offset + handle.size + 1);
  if (maskCrc(crc32c(bytes.subarray(handle.offset, handle.offset + handle.size + 1))) !== stored) {
    throw new InvalidSourceError(`${what} fails its CRC-32C check: the checkpoint index is corrupt.`);
  }
  if (type === 1) {
    throw new InvalidSourceError(
      `${what} is Snappy-compressed; TensorFlow writes checkpoint indexes uncompressed and Borde does not read compressed ones. Re-save the model with TensorFlow's default options.`,
    );
  }
  if (type !== 0) throw new InvalidSourceError(`${what} has unknown compression type ${type}.`);
  return contents;
}

/** Decodes a block's prefix-compressed entries (the restart array at its end only speeds up seeks). */
function blockEntries(block: Uint8Array, what: string): { key: string; value: Uint8Array }[] {
  if (block.byteLength < 4) throw truncated(what);
  const restarts = uint32At(block, block.byteLength - 4);
  const dataEnd = block.byteLength - 4 - restarts * 4;
  if (restarts === 0 || dataEnd < 0) throw truncated(what);
  const r = new ByteReader(block, 0, dataEnd, what);
  const decoder = new TextDecoder();
  const out: { key: string; value: Uint8Array }[] = [];
  let key = new Uint8Array(0); // keys share byte prefixes, so they are rebuilt as bytes, then read as UTF-8
  while (r.pos < dataEnd) {
    const shared = r.varint();
    const unshared = r.varint();
    const valueLength = r.varint();
    if (shared > key.byteLength) throw truncated(what);
    const next = new Uint8Array(shared + unshared);
    next.set(key.subarray(0, shared));
    next.set(r.take(unshared), shared);
    key = next;
    out.push({ key: decoder.decode(key), value: r.take(valueLength) });
  }
  return out;
}
