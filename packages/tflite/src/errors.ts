/**
 * Errors of @borde/tflite. Every error has a stable `code` that programs can switch on; messages name the
 * place in the model at fault (a path such as `subgraphs[0].operators[12].inputs[1]`) and what would fix it.
 */
export type TfliteErrorCode = 'INVALID_MODEL' | 'INVALID_GRAPH' | 'INVALID_OPERATOR';

export class TfliteError extends Error {
  /** Set by name, not from the class: minifiers rename classes (`InputError` became `G`). */
  override readonly name: string = 'TfliteError';
  readonly code: TfliteErrorCode;
  constructor(code: TfliteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** What kind of defect a model file has; stable, for programs that react differently to each. */
export type InvalidModelReason =
  | 'empty'
  | 'truncated'
  | 'identifier'
  | 'version'
  | 'bounds'
  | 'index'
  | 'shape'
  | 'dtype'
  | 'buffer-size'
  | 'order'
  | 'limit'
  | 'structure';

/** The bytes are not a valid TFLite model. `path` locates the defect inside the model. */
export class InvalidModelError extends TfliteError {
  override readonly name: string = 'InvalidModelError';
  readonly reason: InvalidModelReason;
  readonly path: string;
  constructor(reason: InvalidModelReason, path: string, detail: string, options?: { cause?: unknown }) {
    super('INVALID_MODEL', path ? `${path}: ${detail}` : detail, options);
    this.reason = reason;
    this.path = path;
  }
}

/** A Graph built in code cannot be written: it would not make a valid model. */
export class InvalidGraphError extends TfliteError {
  override readonly name: string = 'InvalidGraphError';
  readonly path: string;
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super('INVALID_GRAPH', path ? `${path}: ${detail}` : detail, options);
    this.path = path;
  }
}

/**
 * An operator breaks a semantic rule of its op (found by `verifyGraph`): wrong operand count, dtype, shape,
 * option, quantization or constant size, or an op no rule knows. Interpreters would refuse it, compute
 * garbage, or never finish, so no engine is given the model.
 */
export class InvalidOperatorError extends TfliteError {
  override readonly name: string = 'InvalidOperatorError';
  readonly subgraph: number;
  /** Operator index in its subgraph. */
  readonly operator: number;
  /** Builtin name, or `custom:<code>` for a custom operator. */
  readonly opcode: string;
  /** The rule broken, stable for programs (e.g. `inputs.count`, `options.stride`, `quantization.bias-scale`). */
  readonly rule: string;
  /** The values that broke it. */
  readonly values: Record<string, unknown>;
  constructor(at: { subgraph: number; operator: number; opcode: string }, rule: string, detail: string, values: Record<string, unknown> = {}) {
    super('INVALID_OPERATOR', `subgraphs[${at.subgraph}].operators[${at.operator}] (${at.opcode}): ${rule}: ${detail}`);
    this.subgraph = at.subgraph;
    this.operator = at.operator;
    this.opcode = at.opcode;
    this.rule = rule;
    this.values = values;
  }
}
