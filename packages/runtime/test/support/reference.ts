// Plain-JS reference loops, written from the TFLite reference kernels' definitions, independent of tfjs.

export interface Nhwc { n: number; h: number; w: number; c: number; data: number[] }

export function at(t: Nhwc, b: number, y: number, x: number, c: number): number {
  return t.data[((b * t.h + y) * t.w + x) * t.c + c]!;
}

/** TF/TFLite padding: output size and the padding before (top/left). */
export function samePadding(inSize: number, k: number, stride: number, dilation: number, pad: 'same' | 'valid') {
  const eff = (k - 1) * dilation + 1;
  const out = pad === 'same' ? Math.ceil(inSize / stride) : Math.ceil((inSize - eff + 1) / stride);
  const total = Math.max((out - 1) * stride + eff - inSize, 0);
  return { out, before: pad === 'same' ? Math.floor(total / 2) : 0 };
}

/** CONV_2D with OHWI weights [o][kh][kw][i]. */
export function conv2d(
  x: Nhwc, w: number[], wShape: [number, number, number, number], bias: number[] | undefined,
  stride: [number, number], pad: 'same' | 'valid', dilation: [number, number] = [1, 1],
): Nhwc {
  const [oc, kh, kw, ic] = wShape;
  const ph = samePadding(x.h, kh, stride[0], dilation[0], pad);
  const pw = samePadding(x.w, kw, stride[1], dilation[1], pad);
  const out: number[] = [];
  for (let b = 0; b < x.n; b++) for (let oy = 0; oy < ph.out; oy++) for (let ox = 0; ox < pw.out; ox++) {
    for (let o = 0; o < oc; o++) {
      let acc = bias?.[o] ?? 0;
      for (let fy = 0; fy < kh; fy++) for (let fx = 0; fx < kw; fx++) {
        const iy = oy * stride[0] - ph.before + fy * dilation[0];
        const ix = ox * stride[1] - pw.before + fx * dilation[1];
        if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
        for (let i = 0; i < ic; i++) acc += at(x, b, iy, ix, i) * w[((o * kh + fy) * kw + fx) * ic + i]!;
      }
      out.push(acc);
    }
  }
  return { n: x.n, h: ph.out, w: pw.out, c: oc, data: out };
}

/** DEPTHWISE_CONV_2D with weights [1][kh][kw][c*mult], output channel c*mult+m. */
export function depthwise(
  x: Nhwc, w: number[], kh: number, kw: number, mult: number, bias: number[] | undefined,
  stride: [number, number], pad: 'same' | 'valid',
): Nhwc {
  const ph = samePadding(x.h, kh, stride[0], 1, pad);
  const pw = samePadding(x.w, kw, stride[1], 1, pad);
  const oc = x.c * mult;
  const out: number[] = [];
  for (let b = 0; b < x.n; b++) for (let oy = 0; oy < ph.out; oy++) for (let ox = 0; ox < pw.out; ox++) {
    for (let o = 0; o < oc; o++) {
      const c = Math.floor(o / mult);
      let acc = bias?.[o] ?? 0;
      for (let fy = 0; fy < kh; fy++) for (let fx = 0; fx < kw; fx++) {
        const iy = oy * stride[0] - ph.before + fy;
        const ix = ox * stride[1] - pw.before + fx;
        if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
        acc += at(x, b, iy, ix, c) * w[(fy * kw + fx) * oc + o]!;
      }
      out.push(acc);
    }
  }
  return { n: x.n, h: ph.out, w: pw.out, c: oc, data: out };
}

/** Transposed conv as the TFLite/MediaPipe reference scatters it (OHWI weights). */
export function transposeConv(
  x: Nhwc, w: number[], wShape: [number, number, number, number], bias: number[] | undefined,
  stride: [number, number], padTop: number, padLeft: number, outH: number, outW: number,
): Nhwc {
  const [oc, kh, kw, ic] = wShape;
  const out = new Array<number>(x.n * outH * outW * oc).fill(0);
  for (let b = 0; b < x.n; b++) {
    for (let y = 0; y < outH; y++) for (let xx = 0; xx < outW; xx++) for (let o = 0; o < oc; o++) {
      out[((b * outH + y) * outW + xx) * oc + o] = bias?.[o] ?? 0;
    }
    for (let iy = 0; iy < x.h; iy++) for (let ix = 0; ix < x.w; ix++) for (let i = 0; i < ic; i++) {
      for (let fy = 0; fy < kh; fy++) for (let fx = 0; fx < kw; fx++) for (let o = 0; o < oc; o++) {
        const oy = iy * stride[0] - padTop + fy;
        const ox = ix * stride[1] - padLeft + fx;
        if (oy < 0 || oy >= outH || ox < 0 || ox >= outW) continue;
        out[((b * outH + oy) * outW + ox) * oc + o]! += at(x, b, iy, ix, i) * w[((o * kh + fy) * kw + fx) * ic + i]!;
      }
    }
  }
  return { n: x.n, h: outH, w: outW, c: oc, data: out };
}

/** AVERAGE_POOL_2D / MAX_POOL_2D; padded cells are not counted. */
export function pool(x: Nhwc, k: [number, number], stride: [number, number], pad: 'same' | 'valid', kind: 'avg' | 'max'): Nhwc {
  const ph = samePadding(x.h, k[0], stride[0], 1, pad);
  const pw = samePadding(x.w, k[1], stride[1], 1, pad);
  const out: number[] = [];
  for (let b = 0; b < x.n; b++) for (let oy = 0; oy < ph.out; oy++) for (let ox = 0; ox < pw.out; ox++) {
    for (let c = 0; c < x.c; c++) {
      let acc = kind === 'max' ? -Infinity : 0;
      let count = 0;
      for (let fy = 0; fy < k[0]; fy++) for (let fx = 0; fx < k[1]; fx++) {
        const iy = oy * stride[0] - ph.before + fy;
        const ix = ox * stride[1] - pw.before + fx;
        if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
        const v = at(x, b, iy, ix, c);
        acc = kind === 'max' ? Math.max(acc, v) : acc + v;
        count++;
      }
      out.push(kind === 'max' ? acc : acc / count);
    }
  }
  return { n: x.n, h: ph.out, w: pw.out, c: x.c, data: out };
}

/** TFLite ResizeBilinear (reference_ops.h ComputeInterpolationValues). */
export function resizeBilinear(x: Nhwc, outH: number, outW: number, alignCorners: boolean, halfPixel: boolean): Nhwc {
  const scale = (inS: number, outS: number) => (alignCorners && outS > 1 ? (inS - 1) / (outS - 1) : inS / outS);
  const coord = (o: number, s: number, size: number) => {
    const v = halfPixel ? (o + 0.5) * s - 0.5 : o * s;
    return { v, lo: Math.max(Math.floor(v), 0), hi: Math.min(Math.ceil(v), size - 1) };
  };
  const sh = scale(x.h, outH);
  const sw = scale(x.w, outW);
  const out: number[] = [];
  for (let b = 0; b < x.n; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    const yy = coord(oy, sh, x.h);
    const xx = coord(ox, sw, x.w);
    for (let c = 0; c < x.c; c++) {
      const dy = yy.v - yy.lo;
      const dx = xx.v - xx.lo;
      out.push(
        at(x, b, yy.lo, xx.lo, c) * (1 - dy) * (1 - dx) + at(x, b, yy.hi, xx.lo, c) * dy * (1 - dx) +
          at(x, b, yy.lo, xx.hi, c) * (1 - dy) * dx + at(x, b, yy.hi, xx.hi, c) * dy * dx,
      );
    }
  }
  return { n: x.n, h: outH, w: outW, c: x.c, data: out };
}

/** TFLite ResizeNearestNeighbor (GetNearestNeighbor). */
export function resizeNearest(x: Nhwc, outH: number, outW: number, alignCorners: boolean, halfPixel: boolean): Nhwc {
  const src = (o: number, inS: number, outS: number) => {
    const s = alignCorners && outS > 1 ? (inS - 1) / (outS - 1) : inS / outS;
    const off = halfPixel ? 0.5 : 0;
    let v = Math.min(alignCorners ? Math.round((o + off) * s) : Math.floor((o + off) * s), inS - 1);
    if (halfPixel) v = Math.max(0, v);
    return v;
  };
  const out: number[] = [];
  for (let b = 0; b < x.n; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    for (let c = 0; c < x.c; c++) out.push(at(x, b, src(oy, x.h, outH), src(ox, x.w, outW), c));
  }
  return { n: x.n, h: outH, w: outW, c: x.c, data: out };
}
