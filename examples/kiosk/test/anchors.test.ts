import { describe, expect, it } from 'vitest';
import { FACE_SHORT_RANGE_ANCHORS, generateAnchors } from '../src/anchors.js';

describe('face_detection_short_range anchors', () => {
  const anchors = generateAnchors();

  it('are 896: 16x16 cells x 2 at stride 8, then 8x8 cells x 6 for the three stride-16 layers', () => {
    expect(anchors).toHaveLength(896);
    expect(anchors.slice(0, 512).every((a) => Math.round(a.xCenter * 16 - 0.5) === a.xCenter * 16 - 0.5)).toBe(true);
    expect(anchors.slice(512).every((a) => Math.round(a.xCenter * 8 - 0.5) === a.xCenter * 8 - 0.5)).toBe(true);
  });

  it('go row by row, both anchors of a cell side by side, centred in their cells', () => {
    expect(anchors[0]).toEqual({ xCenter: 0.5 / 16, yCenter: 0.5 / 16, width: 1, height: 1 });
    expect(anchors[1]).toEqual(anchors[0]);
    expect(anchors[2]).toEqual({ xCenter: 1.5 / 16, yCenter: 0.5 / 16, width: 1, height: 1 });
    expect(anchors[32]).toEqual({ xCenter: 0.5 / 16, yCenter: 1.5 / 16, width: 1, height: 1 });
    expect(anchors[511]).toEqual({ xCenter: 15.5 / 16, yCenter: 15.5 / 16, width: 1, height: 1 });
    // First 8x8 cell: six identical anchors, then the next cell.
    for (let k = 512; k < 518; k++) expect(anchors[k]).toEqual({ xCenter: 0.5 / 8, yCenter: 0.5 / 8, width: 1, height: 1 });
    expect(anchors[518]!.xCenter).toBe(1.5 / 8);
    expect(anchors[895]).toEqual({ xCenter: 7.5 / 8, yCenter: 7.5 / 8, width: 1, height: 1 });
  });

  it('carry scaled sizes when fixed_anchor_size is off (the calculator, not just a grid)', () => {
    const sized = generateAnchors({ ...FACE_SHORT_RANGE_ANCHORS, fixedAnchorSize: false });
    expect(sized).toHaveLength(896);
    // Layer 0: min_scale, then the interpolated sqrt(scale0 * scale1).
    const scale0 = 0.1484375;
    const scale1 = 0.1484375 + (0.75 - 0.1484375) / 3;
    expect(sized[0]!.width).toBeCloseTo(scale0, 6);
    expect(sized[1]!.width).toBeCloseTo(Math.sqrt(scale0 * scale1), 6);
    // The last stride-16 layer's interpolated anchor uses scale 1 as its neighbour.
    expect(sized[517]!.width).toBeCloseTo(Math.sqrt(0.75 * 1), 6);
  });
});
