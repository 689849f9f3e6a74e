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
  | 'INVALID_OPTIONS'
  | 'OUTPUT_MISMATCH'
  | 'QUALITY_BUDGET'
  /** The CLI's -o cannot be written: missing, read-only or full folder, or a folder named as the file. */
  | 'OUTPUT_NOT_WRITABLE';

export class ConverterError extends Error {
  /** Set by name, not from the class: minifiers rename classes (`InputError` became `G`). */
  override readonly name: string = 'ConverterError';
  readonly code: ConverterErrorCode;
  constructor(code: ConverterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
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

/**
 * Lists every unsupported layer/op of the model at once, so a user fixes them in one pass: one line per
 * op type (and reason), with how many nodes have it and two of their names.
 */
export class UnsupportedOpsError extends ConverterError {
  override readonly name: string = 'UnsupportedOpsError';
  readonly items: UnsupportedItem[];
  /** Graph models: the requested outputs that need none of the unsupported ops (what `--outputs` can keep). */
  readonly convertibleOutputs: string[];
  constructor(
    format: string,
    items: UnsupportedItem[],
    more?: { hint?: string; summarized?: (item: UnsupportedItem) => boolean; convertibleOutputs?: string[] },
  ) {
    const groups = new Map<string, UnsupportedItem[]>();
    for (const item of items.filter((i) => !more?.summarized?.(i))) {
      const key = `${item.type}\u0000${item.detail ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    const list = [...groups.values()].map((group) => {
      const { type, detail } = group[0]!;
      const head = group.length === 1
        ? `${group[0]!.name} (${type})`
        : `${type}: ${group.length} nodes (e.g. ${group.slice(0, 2).map((i) => `'${i.name}'`).join(', ')})`;
      return `  - ${head}${detail ? `: ${detail}` : ''}`;
    }).join('\n');
    const types = new Set(items.map((i) => i.type)).size;
    super(
      'UNSUPPORTED_OPS',
      `${items.length} unsupported ${format} layer(s)/op(s), ${types} type(s):\n${list}\n` +
        `${more?.hint ? `${more.hint}\n` : ''}` +
        (more?.convertibleOutputs?.length
          ? `These outputs need none of them and convert: --outputs ${more.convertibleOutputs.join(',')}\n`
          : '') +
        `Supported ones are listed in ${SUPPORTED_OPS_DOC}.`,
    );
    this.items = items;
    this.convertibleOutputs = more?.convertibleOutputs ?? [];
  }
}

/**
 * The converted model and its source do not have the same outputs (by name): comparing them would pair
 * the wrong tensors. Both lists are printed so the user sees which to pass to --outputs.
 */
export class OutputMismatchError extends ConverterError {
  override readonly name: string = 'OutputMismatchError';
  constructor(readonly step: string, readonly candidate: string[], readonly reference: string[], candidateName: string, referenceName: string) {
    super(
      'OUTPUT_MISMATCH',
      `${step}: the outputs do not match by name.\n  ${candidateName}: [${candidate.join(', ')}]\n  ${referenceName}: [${reference.join(', ')}]\n` +
        'Pass --outputs with the tensors to export (names as the source model spells them), or report the model.',
    );
  }
}

/** One TensorFlow loop or conditional of a graph-model: its frame (or scope) name and its nodes. */
export interface ControlFlowRegion {
  name: string;
  kind: 'loop' | 'cond';
  nodes: number;
}

/**
 * The graph-model has TensorFlow control flow (TF1 Enter/Exit/Merge/Switch/NextIteration/LoopCond and
 * TensorArrays, or TF2 While/If), which TFLite would need WHILE/IF subgraphs for. One refusal names each
 * loop and the `--outputs` cut that converts the graph up to it (the last tensors feeding it).
 */
export class ControlFlowError extends UnsupportedOpsError {
  override readonly name: string = 'ControlFlowError';
  constructor(
    format: string,
    items: UnsupportedItem[],
    readonly regions: ControlFlowRegion[],
    readonly suggestedOutputs: string[],
    readonly suggestedInputs: string[],
    isControlFlow: (item: UnsupportedItem) => boolean,
  ) {
    const described = regions.map((r) => `${r.kind} '${r.name}' (${r.nodes} node(s))`).join(', ');
    const lines = [
      `  - control flow: ${described}; TFLite WHILE/IF subgraphs are not generated.`,
      suggestedOutputs.length > 0
        ? `To convert the graph up to it, cut it before the control flow: --outputs ${suggestedOutputs.join(',')}`
        : 'No tensor computed from the model inputs feeds it: the control flow comes first.',
      ...(suggestedInputs.length > 0
        ? [`If it only prepares the inputs, start after it: --inputs ${suggestedInputs.join(',')} (with --input-shape for each)`]
        : []),
    ];
    super(format, items, { hint: lines.join('\n'), summarized: isControlFlow });
  }
}

export class InvalidSourceError extends ConverterError {
  override readonly name: string = 'InvalidSourceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_SOURCE', message, options);
  }
}

/** A weight whose shape (as the source declares it) is not the one its layer needs. */
export class WeightShapeError extends InvalidSourceError {}
