/**
 * SSD anchors of MediaPipe's face_detection_short_range (BlazeFace, 128x128 input): the options of
 * MediaPipe's SsdAnchorsCalculator in face_detection_short_range.pbtxt, computed the way the calculator does.
 * Layers with the same stride share one feature map, so strides [8, 16, 16, 16] give a 16x16 grid with
 * 2 anchors per cell and an 8x8 grid with 6: 512 + 384 = 896 anchors, in the order of the model's outputs
 * (row by row, then anchor by anchor within a cell).
 */

export interface Anchor {
  /** Centre, normalized to the input (0..1). */
  xCenter: number;
  yCenter: number;
  /** Size, normalized; 1 with fixed_anchor_size (the regressors then carry absolute sizes). */
  width: number;
  height: number;
}

export interface SsdAnchorOptions {
  inputWidth: number;
  inputHeight: number;
  minScale: number;
  maxScale: number;
  anchorOffsetX: number;
  anchorOffsetY: number;
  strides: readonly number[];
  aspectRatios: readonly number[];
  interpolatedScaleAspectRatio: number;
  fixedAnchorSize: boolean;
  reduceBoxesInLowestLayer: boolean;
}

/** face_detection_short_range.pbtxt, SsdAnchorsCalculatorOptions. */
export const FACE_SHORT_RANGE_ANCHORS: SsdAnchorOptions = {
  inputWidth: 128,
  inputHeight: 128,
  minScale: 0.1484375,
  maxScale: 0.75,
  anchorOffsetX: 0.5,
  anchorOffsetY: 0.5,
  strides: [8, 16, 16, 16],
  aspectRatios: [1.0],
  interpolatedScaleAspectRatio: 1.0,
  fixedAnchorSize: true,
  reduceBoxesInLowestLayer: false,
};

function scaleOf(minScale: number, maxScale: number, index: number, count: number): number {
  return count === 1 ? (minScale + maxScale) / 2 : minScale + ((maxScale - minScale) * index) / (count - 1);
}

/** The anchors, as MediaPipe's SsdAnchorsCalculator::GenerateAnchors computes them. */
export function generateAnchors(options: SsdAnchorOptions = FACE_SHORT_RANGE_ANCHORS): Anchor[] {
  const anchors: Anchor[] = [];
  const { strides } = options;
  let layer = 0;
  while (layer < strides.length) {
    const ratios: number[] = [];
    const scales: number[] = [];
    // Consecutive layers with the same stride share one feature map.
    let last = layer;
    while (last < strides.length && strides[last] === strides[layer]) {
      const scale = scaleOf(options.minScale, options.maxScale, last, strides.length);
      if (last === 0 && options.reduceBoxesInLowestLayer) {
        ratios.push(1, 2, 0.5);
        scales.push(0.1, scale, scale);
      } else {
        for (const ratio of options.aspectRatios) {
          ratios.push(ratio);
          scales.push(scale);
        }
        if (options.interpolatedScaleAspectRatio > 0) {
          const next = last === strides.length - 1 ? 1 : scaleOf(options.minScale, options.maxScale, last + 1, strides.length);
          scales.push(Math.sqrt(scale * next));
          ratios.push(options.interpolatedScaleAspectRatio);
        }
      }
      last++;
    }
    const stride = strides[layer]!;
    const rows = Math.ceil(options.inputHeight / stride);
    const cols = Math.ceil(options.inputWidth / stride);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        for (let k = 0; k < ratios.length; k++) {
          const ratioRoot = Math.sqrt(ratios[k]!);
          anchors.push({
            xCenter: (x + options.anchorOffsetX) / cols,
            yCenter: (y + options.anchorOffsetY) / rows,
            width: options.fixedAnchorSize ? 1 : scales[k]! * ratioRoot,
            height: options.fixedAnchorSize ? 1 : scales[k]! / ratioRoot,
          });
        }
      }
    }
    layer = last;
  }
  return anchors;
}
