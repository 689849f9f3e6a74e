/** One form value checked: an integer 1..10 as the cytology scales define, or why not. */
export type FeatureCheck = { ok: true; value: number } | { ok: false; message: string };

export const FEATURE_MIN = 1;
export const FEATURE_MAX = 10;

export function checkFeature(text: string): FeatureCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `Required: enter a whole number from ${FEATURE_MIN} to ${FEATURE_MAX}.` };
  if (!/^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
    return { ok: false, message: `“${trimmed}” is not a number: enter a whole number from ${FEATURE_MIN} to ${FEATURE_MAX}.` };
  }
  const value = Number(trimmed);
  if (!Number.isInteger(value)) return { ok: false, message: `${trimmed} is not a whole number: the scale has steps of 1.` };
  if (value < FEATURE_MIN || value > FEATURE_MAX) {
    return { ok: false, message: `${value} is outside the scale: enter ${FEATURE_MIN} to ${FEATURE_MAX}.` };
  }
  return { ok: true, value };
}
