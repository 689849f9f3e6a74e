// Checks a written int8 model against the TFLite int8 quantization spec, tensor by tensor, so a silent
// drift from the spec fails a test. Returns the list of violations (empty when the model conforms).
import { readModel, type Quantization, type Subgraph, type Tensor } from '@borde/tflite';

const FIXED_OUTPUT: Record<string, [number, number]> = {
  SOFTMAX: [1 / 256, -128],
  LOGISTIC: [1 / 256, -128],
  TANH: [1 / 128, 0],
};
const SAME_AS_INPUT = new Set([
  'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'PAD', 'PADV2', 'TRANSPOSE', 'SLICE',
  'STRIDED_SLICE', 'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'GATHER', 'REDUCE_MAX', 'SPLIT',
]);
const INPUTS_AS_OUTPUT = new Set(['CONCATENATION', 'MAXIMUM', 'MINIMUM', 'PACK']);
const WEIGHTED: Record<string, { weights: number; bias: number; data: number; axis: number }> = {
  CONV_2D: { weights: 1, bias: 2, data: 0, axis: 0 },
  DEPTHWISE_CONV_2D: { weights: 1, bias: 2, data: 0, axis: 3 },
  FULLY_CONNECTED: { weights: 1, bias: 2, data: 0, axis: 0 },
  TRANSPOSE_CONV: { weights: 1, bias: 3, data: 2, axis: 0 },
};

function int8Values(t: Tensor): Int8Array {
  return new Int8Array(t.data!.buffer, t.data!.byteOffset, t.data!.byteLength);
}

function sameParams(a?: Quantization, b?: Quantization): boolean {
  return !!a && !!b && a.scale.length === 1 && b.scale.length === 1 && a.scale[0] === b.scale[0] && a.zeroPoint[0] === b.zeroPoint[0];
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

export interface SpecOptions {
  io: 'float' | 'int8';
  perChannelDense?: boolean;
}

export function int8SpecViolations(bytes: Uint8Array, options: SpecOptions): string[] {
  const graph = readModel(bytes);
  const sg: Subgraph = graph.subgraphs[0]!;
  const problems: string[] = [];
  const fail = (where: string, what: string) => problems.push(`${where}: ${what}`);
  const t = (i: number) => sg.tensors[i]!;

  for (const [n, tensor] of sg.tensors.entries()) {
    const q = tensor.quantization;
    if (tensor.dtype === 'int8' && !tensor.data) {
      if (!q || q.scale.length !== 1) fail(`tensors[${n}] ${tensor.name}`, 'int8 activation must be quantized per tensor');
      else {
        if (!(q.scale[0]! > 0)) fail(`tensors[${n}] ${tensor.name}`, `scale ${q.scale[0]} must be > 0`);
        if (q.zeroPoint[0]! < -128 || q.zeroPoint[0]! > 127) fail(`tensors[${n}] ${tensor.name}`, `zero point ${q.zeroPoint[0]} outside int8`);
      }
    }
  }

  for (const [n, op] of sg.operators.entries()) {
    const where = `operators[${n}] ${op.opcode}`;
    const out = op.outputs[0] !== undefined ? t(op.outputs[0]) : undefined;
    if (!out || out.dtype !== 'int8') continue; // float ops are allowed (they are reported)
    const weighted = WEIGHTED[op.opcode];
    if (weighted) {
      const w = t(op.inputs[weighted.weights]!);
      const wq = w.quantization;
      if (w.dtype !== 'int8' || !w.data || !wq) {
        fail(where, 'weights must be constant int8');
        continue;
      }
      if (wq.zeroPoint.some((z) => z !== 0)) fail(where, 'weight zero points must be 0 (symmetric)');
      if (int8Values(w).some((v) => v < -127)) fail(where, 'weights must lie in [-127, 127]');
      const perChannel = op.opcode !== 'FULLY_CONNECTED' || options.perChannelDense;
      const channels = w.shape[weighted.axis]!;
      if (perChannel && (wq.scale.length !== channels || wq.quantizedDimension !== weighted.axis)) {
        fail(where, `weights must be per-channel along axis ${weighted.axis} (${channels} scales), got ${wq.scale.length} on axis ${wq.quantizedDimension}`);
      }
      if (!perChannel && wq.scale.length !== 1) fail(where, 'FULLY_CONNECTED weights must be per tensor');
      const biasIndex = op.inputs[weighted.bias];
      if (biasIndex !== undefined && biasIndex >= 0) {
        const b = t(biasIndex);
        const inScale = t(op.inputs[weighted.data]!).quantization!.scale[0]!;
        if (b.dtype !== 'int32') fail(where, `bias must be int32, got ${b.dtype}`);
        const bq = b.quantization;
        if (!bq || bq.zeroPoint.some((z) => z !== 0)) fail(where, 'bias zero points must be 0');
        else {
          bq.scale.forEach((s, c) => {
            const expected = inScale * wq.scale[wq.scale.length === 1 ? 0 : c]!;
            if (!close(s, expected)) fail(where, `bias scale[${c}] ${s} != input scale * weight scale ${expected}`);
          });
        }
      }
    }
    const fixed = FIXED_OUTPUT[op.opcode];
    if (fixed) {
      const q = out.quantization!;
      if (q.scale[0] !== fixed[0] || q.zeroPoint[0] !== fixed[1]) {
        fail(where, `output must have scale ${fixed[0]} zero point ${fixed[1]}, got ${q.scale[0]} / ${q.zeroPoint[0]}`);
      }
    }
    if (SAME_AS_INPUT.has(op.opcode) && !sameParams(t(op.inputs[0]!).quantization, out.quantization)) {
      fail(where, 'output must share the input scale and zero point');
    }
    if (INPUTS_AS_OUTPUT.has(op.opcode)) {
      for (const i of op.inputs) {
        if (i >= 0 && t(i).dtype === 'int8' && !sameParams(t(i).quantization, out.quantization)) {
          fail(where, `input ${t(i).name} must share the output scale and zero point`);
        }
      }
    }
  }

  const producers = new Map<number, string>();
  sg.operators.forEach((op) => op.outputs.forEach((o) => producers.set(o, op.opcode)));
  for (const i of sg.inputs) {
    const want = options.io === 'float' ? 'float32' : 'int8';
    if (t(i).dtype !== want) fail(`input ${t(i).name}`, `must be ${want} with --io ${options.io}, got ${t(i).dtype}`);
  }
  for (const o of sg.outputs) {
    const want = options.io === 'float' ? 'float32' : 'int8';
    if (t(o).dtype !== want) fail(`output ${t(o).name}`, `must be ${want} with --io ${options.io}, got ${t(o).dtype}`);
    if (options.io === 'float' && producers.get(o) !== 'DEQUANTIZE') fail(`output ${t(o).name}`, 'must come from DEQUANTIZE');
  }
  return problems;
}
