import { describe, expect, it } from 'vitest';
import { explainProbability } from '../src/explain.js';

describe('explainProbability', () => {
  it('reads the number in words, from both ends and the middle', () => {
    expect(explainProbability(0.02)).toMatch(/at 2\.0 %: very unlikely to be malignant/);
    expect(explainProbability(0.5)).toMatch(/at 50\.0 %: uncertain/);
    expect(explainProbability(0.97)).toMatch(/at 97\.0 %: very likely to be malignant/);
    expect(explainProbability(0.97)).toMatch(/not a diagnosis/);
  });

  it('refuses a value that is not a probability', () => {
    expect(() => explainProbability(Number.NaN)).toThrow(RangeError);
    expect(() => explainProbability(1.5)).toThrow(/between 0 and 1, got 1.5/);
  });
});
