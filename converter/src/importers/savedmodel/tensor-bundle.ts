import { InvalidSourceError } from '../../errors.js';
import type { DecodedWeight } from '../tfjs-artifacts.js';
import { ByteReader, truncated } from './byte-reader.js';
import { crc32c, maskCrc } from './crc32c.js';
import { decodeMessage } from './decode.js';
import { readSsTable } from './sstable.js';
import { tensorValues, type TfDataType } from './tensor-values.js';

/** The files of a SavedModel folder by path relative to it, with `/` separators (`variables/variables.index`). */
export type SavedModelFiles = ReadonlyMap<string, Uint8Array>;

interface BundleEntry {
  dtype?: TfDataType;
  shape?: { dim?: { size?: number }[]; unknownRank?: boolean };
  shardId?: number;
  offset?: number;
  size?: number;
  crc32c?: number;
  slices?: unknown[];
}

/**
 * A TensorFlow checkpoint in the TensorBundle format: `<prefix>.index` (a table from checkpoint key to
 * BundleEntryProto, the empty key holding the BundleHeaderProto) and the data shards
 * `<prefix>.data-00000-of-0000N` that the entries point into.
 */
export class TensorBundle {
  private readonly entries = new Map<string, BundleEntry>();
  private readonly numShards: number;

  constructor(private readonly files: SavedModelFiles, private readonly prefix = 'variables/variables') {
    const indexPath = `${prefix}.index`;
    const index = files.get(indexPath);
    if (index === undefined) {
      throw new InvalidSourceError(`The SavedModel has no ${indexPath}: copy its variables/ folder next to saved_model.pb.`);
    }
    let header: { numShards?: number; endianness?: string } | undefined;
    for (const { key, value } of readSsTable(index, indexPath)) {
      if (key === '') header = decodeMessage('BundleHeaderProto', value, indexPath);
      else this.entries.set(key, decodeMessage('BundleEntryProto', value, `${indexPath} entry '${key}'`));
    }
    if (header === undefined) throw new InvalidSourceError(`${indexPath} has no header entry: it is not a TensorFlow checkpoint index.`);
    if (header.endianness !== undefined && header.endianness !== 'LITTLE') {
      throw new InvalidSourceError(`${indexPath} was written on a big-endian machine; Borde reads little-endian checkpoints only.`);
    }
    this.numShards = header.numShards ?? 1;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** A numeric tensor, checked against its CRC-32C; int64 and float64 narrow to int32 and float32. */
  read(key: string): DecodedWeight {
    const { entry, bytes } = this.bytesOf(key);
    checkCrc(entry, crc32c(bytes), key);
    const shape = (entry.shape?.dim ?? []).map((d) => d.size ?? 0);
    const decoded = tensorValues(entry.dtype ?? 'DT_INVALID', shape, bytes, `checkpoint tensor '${key}'`);
    return { name: key, shape, ...decoded };
  }

  /** A string tensor's elements: varint64 lengths, a CRC-32C of those lengths, then the bytes. */
  readStrings(key: string): Uint8Array[] {
    const { entry, bytes } = this.bytesOf(key);
    if (entry.dtype !== 'DT_STRING') throw new InvalidSourceError(`Checkpoint tensor '${key}' is ${entry.dtype}, not a string tensor.`);
    const count = (entry.shape?.dim ?? []).reduce((n, d) => n * (d.size ?? 0), 1);
    const reader = new ByteReader(bytes, 0, bytes.byteLength, `Checkpoint string tensor '${key}'`);
    if (count > bytes.byteLength) throw truncated(`Checkpoint string tensor '${key}'`); // a length takes a byte at least
    const lengths = Array.from({ length: count }, () => reader.varint());
    // TensorFlow checksums a string tensor's lengths as little-endian uint32 (uint64 past 2^32), not
    // as the varints it stores, then the 4 stored bytes of the lengths' own checksum, then the strings.
    let crc = 0;
    for (const n of lengths) {
      const raw = new DataView(new ArrayBuffer(n <= 0xffffffff ? 4 : 8));
      if (n <= 0xffffffff) raw.setUint32(0, n, true);
      else raw.setBigUint64(0, BigInt(n), true);
      crc = crc32c(new Uint8Array(raw.buffer), crc);
    }
    crc = crc32c(reader.take(4), crc);
    const out = lengths.map((n) => {
      const value = reader.take(n);
      crc = crc32c(value, crc);
      return value;
    });
    checkCrc(entry, crc, key);
    return out;
  }

  private bytesOf(key: string): { entry: BundleEntry; bytes: Uint8Array } {
    const entry = this.entries.get(key);
    if (entry === undefined) throw new InvalidSourceError(`The checkpoint in ${this.prefix}.index has no tensor '${key}'.`);
    if (entry.slices?.length) {
      throw new InvalidSourceError(`Checkpoint tensor '${key}' is saved in slices (a partitioned variable); Borde reads whole tensors only.`);
    }
    const shardId = entry.shardId ?? 0;
    const shardPath = `${this.prefix}.data-${pad5(shardId)}-of-${pad5(this.numShards)}`;
    const shard = this.files.get(shardPath);
    if (shard === undefined) {
      throw new InvalidSourceError(`Checkpoint tensor '${key}' lives in ${shardPath}, which is missing: copy every variables.data-* file.`);
    }
    const offset = entry.offset ?? 0;
    const size = entry.size ?? 0;
    if (offset + size > shard.byteLength) {
      throw new InvalidSourceError(`${shardPath} is truncated: tensor '${key}' needs bytes ${offset}..${offset + size} of ${shard.byteLength}.`);
    }
    return { entry, bytes: shard.subarray(offset, offset + size) };
  }
}

function checkCrc(entry: BundleEntry, crc: number, key: string): void {
  if (entry.crc32c !== undefined && maskCrc(crc) !== entry.crc32c >>> 0) {
    throw new InvalidSourceError(`Checkpoint tensor '${key}' fails its CRC-32C check: a variables.data-* file is corrupt.`);
  }
}

function pad5(n: number): string {
  return String(n).padStart(5, '0');
}
