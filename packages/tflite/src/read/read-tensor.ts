import { dtypeFromTensorType } from '../dtypes.js';
import { QuantizationDetails } from '../generated/tflite/quantization-details.js';
import type { QuantizationParameters } from '../generated/tflite/quantization-parameters.js';
import type { Tensor as TensorTable } from '../generated/tflite/tensor.js';
import type { Quantization, Tensor } from '../graph.js';
import { MAX_RANK } from '../validate-graph.js';
import type { ReadContext, Region } from './read-context.js';
import { readSparsity } from './read-sparsity.js';

/**
 * Decodes one tensor. Checks here what the Graph cannot carry (the buffer index, the rank before reading
 * the dimensions); the shape, dtype and data size are checked by validateGraph afterwards.
 * `buffers` holds the verified region of each model buffer (undefined when empty).
 */
export function readTensor(ctx: ReadContext, table: TensorTable, path: string, buffers: (Region | undefined)[]): Tensor {
  ctx.where = path;
  const type = table.type();
  const dtype = dtypeFromTensorType(type);
  if (dtype === undefined) ctx.fail('dtype', `${path}.type`, `unknown tensor type ${type}`);

  const tensor: Tensor = {
    name: table.name() ?? '',
    dtype,
    shape: readDimensions(ctx, () => table.shapeLength(), `${path}.shape`) ?? [],
  };
  // An empty signature means "none": writers using the object API always emit the vector.
  const shapeSignature = readDimensions(ctx, () => table.shapeSignatureLength(), `${path}.shape_signature`);
  if (shapeSignature && shapeSignature.length > 0) tensor.shapeSignature = shapeSignature;

  ctx.where = `${path}.buffer`;
  const bufferIndex = table.buffer();
  if (bufferIndex >= buffers.length) {
    ctx.fail('index', `${path}.buffer`, `buffer ${bufferIndex} out of range (0..${buffers.length - 1})`);
  }
  const region = buffers[bufferIndex];
  if (region) tensor.data = ctx.copy(region);

  ctx.where = `${path}.external_buffer`;
  const external = table.externalBuffer();
  if (external !== 0) {
    ctx.fail('structure', `${path}.external_buffer`, `constant data in an external file (external buffer ${external}) is not supported; embed the data in the model`);
  }

  ctx.where = `${path}.quantization`;
  const quantization = table.quantization();
  if (quantization) {
    const decoded = readQuantization(ctx, quantization, `${path}.quantization`);
    if (decoded) tensor.quantization = decoded;
  }

  ctx.where = path;
  if (table.isVariable()) tensor.isVariable = true;
  if (table.hasRank()) tensor.hasRank = true;

  ctx.where = `${path}.sparsity`;
  const sparsity = table.sparsity();
  if (sparsity) tensor.sparsity = readSparsity(ctx, sparsity, `${path}.sparsity`);
  return tensor;
}

/** Reads a shape vector (undefined when absent), refusing an absurd rank before reading any dimension. */
function readDimensions(ctx: ReadContext, measure: () => number, path: string): number[] | undefined {
  ctx.where = path;
  const region = ctx.vector(measure, 4);
  if (region.start < 0) return undefined;
  if (region.length > MAX_RANK) ctx.fail('shape', path, `rank ${region.length} exceeds the maximum rank ${MAX_RANK}`);
  return ctx.scalarsAt(region, 4, (position) => ctx.bb.readInt32(position));
}

function readQuantization(ctx: ReadContext, q: QuantizationParameters, path: string): Quantization | undefined {
  const detailsType = q.detailsType();
  if (detailsType !== QuantizationDetails.NONE) {
    const name = QuantizationDetails[detailsType] ?? `type ${detailsType}`;
    ctx.fail('structure', `${path}.details`, `quantization details (${name}) are not supported; only scale/zero-point quantization is`);
  }
  ctx.where = `${path}.scale`;
  const scale = ctx.float32s(() => q.scaleLength());
  ctx.where = `${path}.zero_point`;
  const zeroPoint = ctx.scalars(() => q.zeroPointLength(), 8, (position) => {
    const value = ctx.bb.readInt64(position);
    const asNumber = Number(value);
    if (!Number.isSafeInteger(asNumber)) ctx.fail('structure', `${path}.zero_point`, `zero point ${value} is out of range`);
    return asNumber;
  });
  ctx.where = `${path}.min`;
  const min = ctx.float32s(() => q.minLength());
  ctx.where = `${path}.max`;
  const max = ctx.float32s(() => q.maxLength());
  ctx.where = path;
  const quantizedDimension = q.quantizedDimension();
  if (scale.length === 0 && zeroPoint.length === 0 && min.length === 0 && max.length === 0) return undefined;
  const quantization: Quantization = { scale, zeroPoint, quantizedDimension };
  if (min.length > 0) quantization.min = min;
  if (max.length > 0) quantization.max = max;
  return quantization;
}
