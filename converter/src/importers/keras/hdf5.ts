import { Dataset, File, Group } from 'jsfive';
import { InvalidSourceError } from '../../errors.js';
import type { DecodedWeight } from '../tfjs-artifacts.js';

/** The 8-byte signature every HDF5 file starts with (at offset 0, or 512, 1024... after a user block). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(bytes: Uint8Array): boolean {
  return signatureOffset(bytes) !== undefined;
}

function signatureOffset(bytes: Uint8Array): number | undefined {
  return [0, 512, 1024, 2048].find((offset) => bytes.byteLength >= offset + 8 && HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b));
}

/**
 * The file length the superblock declares (its end-of-file address), so a truncated file is refused up
 * front: jsfive reads only what it is asked for, and a cut through unread parts (optimizer state) would
 * otherwise pass. Field positions from the HDF5 format spec, superblock versions 0-3.
 */
function declaredLength(bytes: Uint8Array, start: number): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[start + 8];
  const sizeOfOffsets = version === undefined ? undefined : bytes[start + (version <= 1 ? 13 : 9)];
  if (sizeOfOffsets !== 8 && sizeOfOffsets !== 4) return undefined;
  const fieldsAt = start + (version === 0 ? 24 : version === 1 ? 28 : 12);
  const read = (at: number) => {
    if (at + sizeOfOffsets > bytes.byteLength) return undefined;
    return sizeOfOffsets === 8 ? Number(view.getBigUint64(at, true)) : view.getUint32(at, true);
  };
  const base = read(fieldsAt);
  const eof = read(fieldsAt + 2 * sizeOfOffsets);
  return base === undefined || eof === undefined ? undefined : base + eof;
}

/**
 * An HDF5 file read with jsfive (pure JavaScript, works from bytes in Node and browsers). jsfive throws
 * RangeErrors (and plain strings) on damaged files; every access here turns them into InvalidSourceError
 * naming the file and the object being read.
 */
export class Hdf5Reader {
  readonly root: Group;

  constructor(bytes: Uint8Array, readonly label: string) {
    const start = signatureOffset(bytes);
    if (start === undefined) throw new InvalidSourceError(`${label} is not an HDF5 file (no HDF5 signature).`);
    const expected = declaredLength(bytes, start);
    if (expected === undefined || expected > bytes.byteLength) {
      throw new InvalidSourceError(
        `${label} is a truncated HDF5 file: ${bytes.byteLength} bytes where its header declares ${expected ?? 'more'}; copy or save it again.`,
      );
    }
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    this.root = this.guard('the file header', () => new File(buffer, label));
  }

  /** Runs a jsfive access, turning its failures on damaged files into a typed error. */
  guard<T>(what: string, read: () => T): T {
    try {
      return read();
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new InvalidSourceError(`${this.label}: cannot read ${what} (${reason}); the file is truncated or damaged, save it again.`, { cause });
    }
  }

  group(parent: Group, path: string): Group | undefined {
    const found = this.child(parent, path);
    return found instanceof Group ? found : undefined;
  }

  dataset(parent: Group, path: string): Dataset | undefined {
    const found = this.child(parent, path);
    return found instanceof Dataset ? found : undefined;
  }

  keys(group: Group): string[] {
    return this.guard('a group listing', () => group.keys.slice());
  }

  /**
   * A string attribute. jsfive decodes fixed and variable-length strings but keeps the NUL padding of
   * fixed-length ones (h5py stores tf.keras 2's byte strings that way), so it is dropped here.
   */
  stringAttr(node: Group | Dataset, name: string): string | undefined {
    const value = this.guard(`attribute "${name}"`, () => node.attrs[name]);
    const list = Array.isArray(value) && value.length === 1 ? value : [value];
    return typeof list[0] === 'string' || list[0] instanceof Uint8Array ? unpad(list[0]) : undefined;
  }

  stringListAttr(node: Group | Dataset, name: string): string[] {
    const value = this.guard(`attribute "${name}"`, () => node.attrs[name]);
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<unknown>) : [value];
    // h5py writes an empty list as an empty float array.
    return list.filter((v) => typeof v === 'string' || v instanceof Uint8Array).map((v) => unpad(v as string | Uint8Array));
  }

  /**
   * A numeric dataset as float32 values, checked against its shape. Integer variables (Normalization's
   * sample `count`, int64) are read too; the converters use only float ones.
   */
  floatDataset(dataset: Dataset, name: string): DecodedWeight {
    const { shape, dtype, raw } = this.guard(`dataset ${name}`, () => ({ shape: dataset.shape.slice(), dtype: dataset.dtype, raw: dataset.value }));
    if (typeof dtype !== 'string' || !/^[<>|]?([f][248]|[iu][1248])$/.test(dtype)) {
      throw new InvalidSourceError(`${this.label}: weight ${name} has HDF5 type ${JSON.stringify(dtype)}; only float and integer weights are read.`);
    }
    const count = shape.reduce((n, d) => n * d, 1);
    const array = raw as ArrayLike<number>;
    if (!array || typeof array.length !== 'number' || array.length !== count) {
      throw new InvalidSourceError(`${this.label}: weight ${name} should hold ${count} values for shape [${shape}] but holds ${array?.length ?? 0}; the file is damaged.`);
    }
    // int64 datasets come back as bigints; `new Float32Array(array)` is the fast path for plain numbers.
    const values = typeof array[0] === 'bigint' ? Float32Array.from(array as ArrayLike<number | bigint>, Number) : new Float32Array(array);
    return { name, shape, dtype: 'float32', values };
  }

  private child(parent: Group, path: string): Group | Dataset | undefined {
    const keys = this.keys(parent);
    const [first, ...rest] = path.split('/').filter((p) => p !== '');
    if (first === undefined) return parent;
    if (!keys.includes(first)) return undefined;
    const node = this.guard(`"${first}"`, () => parent.get(first));
    if (rest.length === 0) return node;
    return node instanceof Group ? this.child(node, rest.join('/')) : undefined;
  }
}

function unpad(value: string | Uint8Array): string {
  const text = typeof value === 'string' ? value : new TextDecoder().decode(value);
  return text.replace(/\0+$/, '');
}
