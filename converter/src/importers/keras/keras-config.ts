/**
 * Brings a Keras model config of either dialect to the one the shared layers importer reads. Keras 3 wraps
 * dtypes in DTypePolicy objects and may serialize activations as `{class_name: 'function', config: name}`;
 * and it redefined `hard_sigmoid` (relu6(x + 3) / 6, where Keras 2 and tfjs use clip(0.2x + 0.5, 0, 1)).
 * Returns a new object; the input is left as it is.
 */
export function normalizeKerasConfig(config: unknown, kerasVersion: string | undefined): unknown {
  const keras3 = majorVersion(kerasVersion) >= 3;
  const visit = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => visit(v));
    if (!value || typeof value !== 'object') {
      if (keras3 && key === 'activation' && value === 'hard_sigmoid') return 'hard_sigmoid_relu6';
      return value;
    }
    const object = value as Record<string, unknown>;
    if (key === 'dtype' && isPolicy(object)) return (object['config'] as { name: string }).name;
    if (key === 'activation' && object['class_name'] === 'function' && typeof object['config'] === 'string') {
      return visit(object['config'], key);
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, visit(v, k)]));
  };
  return visit(config);
}

function isPolicy(object: Record<string, unknown>): boolean {
  const config = object['config'] as { name?: unknown } | undefined;
  return typeof object['class_name'] === 'string' && /Policy$/.test(object['class_name']) && typeof config?.name === 'string';
}

/** 2 for "2.15.0", 3 for "3.15.1"; Keras 2 when the file does not say (tf.keras wrote no metadata.json). */
export function majorVersion(version: string | undefined): number {
  const major = Number.parseInt(version ?? '', 10);
  return Number.isFinite(major) ? major : 2;
}
