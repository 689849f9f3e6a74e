import type { Builder, Offset } from 'flatbuffers';

/**
 * Writes `bytes` as a flatbuffer `[ubyte]` vector whose first data byte sits at a multiple of `alignment`
 * from the start of the finished file.
 *
 * Why: interpreters map constant tensors straight out of the model bytes (mmap, or one wasm heap copy) and
 * read them as float32/int32/int64 arrays; XNNPACK and the reference kernels expect those arrays aligned to
 * at least their element size, and TFLite's own converter aligns buffer data to 16 bytes. The generated
 * `Buffer.createDataVector` aligns to 1 byte only.
 *
 * How: `startVector(1, n, alignment)` pads so that the vector's data ends up aligned (flatbuffers build
 * back to front and `finish` pads the whole file to the largest alignment seen, so alignment measured from
 * the end holds from the start too). `createByteVector` then copies the bytes in one `set`; its own
 * `startVector(1, n, 1)` adds no padding because the position is already aligned. The check below makes
 * sure that stays true should the library change.
 */
export function createAlignedByteVector(builder: Builder, bytes: Uint8Array, alignment = 16): Offset {
  builder.startVector(1, bytes.length, alignment);
  const offset = builder.createByteVector(bytes);
  // `offset` counts from the end of the buffer to the vector's 4-byte length prefix; the data follows it.
  if ((offset - 4) % alignment !== 0) {
    throw new Error(`internal: constant data not aligned to ${alignment} bytes (flatbuffers changed?)`);
  }
  return offset;
}
