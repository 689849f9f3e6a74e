/**
 * Errors of @borde/converter. Each has a stable `code`; messages name the input at fault and the option or
 * step that fixes it. The CLI prints `message` alone (stack only with --debug) and exits 1.
 */
export type ConverterErrorCode =
  | 'UNSUPPORTED_OPS'
  | 'INVALID_SOURCE'
  | 'SOURCE_NOT_FOUND'
  | 'UNSUPPORTED_FORMAT'
  | 'VERIFY_FAILED'
  | 'CALIBRATION'
  | 'INVALID_OPTIONS';

export class ConverterError extends Error {
  readonly code: ConverterErrorCode;
  constructor(code: ConverterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One layer or op of the source model that the converter cannot express in TFLite. */
export interface UnsupportedItem {
  /** The user's name for it (layer name, node name, or `operators[i]`). */
  name: string;
  /** Its type in the source format (Keras class name, TensorFlow op, TFLite opcode). */
  type: string;
  /** Why, when it is more than "no mapping" (e.g. `channels_first`). */
  detail?: string;
}

export const SUPPORTED_OPS_DOC = 'converter/docs/supported-layers.md';

/** Lists every unsupported layer/op of the model at once, so a user fixes them in one pass. */
export class UnsupportedOpsError extends ConverterError {
  readonly items: UnsupportedItem[];
  constructor(format: string, items: UnsupportedItem[]) {
    const list = items.map((i) => `  - ${i.name} (${i.type})${i.detail ? `: ${i.detail}` : ''}`).join('\n');
    super(
      'UNSUPPORTED_OPS',
      `${items.length} unsupported ${format} layer(s)/op(s):\n${list}\nSupported ones are listed in ${SUPPORTED_OPS_DOC}.`,
    );
    this.items = items;
  }
}

export class InvalidSourceError extends ConverterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_SOURCE', message, options);
  }
}
