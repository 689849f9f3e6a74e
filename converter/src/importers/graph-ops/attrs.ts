import type { AttrValue, NodeDef, TensorShapeJson, ValueDType } from './types.js';

// Readers of NodeDef attributes in the protobuf JSON form tfjs-converter writes: int64 as decimal
// strings, strings as base64 (or arrays of char codes in some hand-written graphs).

function decodeString(s: string | number[]): string {
  if (Array.isArray(s)) return String.fromCharCode(...s);
  return atob(s); // binary string: one char per byte, as TensorFlow's bytes are
}

function attr(node: NodeDef, name: string): AttrValue | undefined {
  return node.attr?.[name];
}

export function attrString(node: NodeDef, name: string, fallback: string): string {
  const a = attr(node, name);
  return a?.s !== undefined ? decodeString(a.s) : fallback;
}

export function attrInt(node: NodeDef, name: string, fallback: number): number {
  const a = attr(node, name);
  if (a?.i !== undefined) return Number(a.i);
  if (a?.f !== undefined) return a.f;
  return fallback;
}

export function attrFloat(node: NodeDef, name: string, fallback: number): number {
  const a = attr(node, name);
  if (a?.f !== undefined) return Number(a.f);
  if (a?.i !== undefined) return Number(a.i);
  return fallback;
}

export function attrBool(node: NodeDef, name: string, fallback: boolean): boolean {
  const a = attr(node, name);
  return a?.b !== undefined ? Boolean(a.b) : fallback;
}

export function attrInts(node: NodeDef, name: string, fallback: number[]): number[] {
  const list = attr(node, name)?.list;
  if (list === undefined) return fallback;
  return (list.i ?? []).map((v) => Number(v));
}

export function attrStrings(node: NodeDef, name: string): string[] {
  return (attr(node, name)?.list?.s ?? []).map(decodeString);
}

/** The shape of a `shape` attribute; undefined for an unknown rank. -1 marks an unknown dimension. */
export function parseShape(shape: TensorShapeJson | undefined): number[] | undefined {
  if (shape === undefined || shape.unknownRank) return undefined;
  return (shape.dim ?? []).map((d) => (d.size === undefined ? 1 : Number(d.size)));
}

export function attrShape(node: NodeDef, name: string): number[] | undefined {
  return parseShape(attr(node, name)?.shape);
}

/** TensorFlow DataType (enum name or number) as the dtype tfjs reads it as; undefined if tfjs cannot. */
export function parseDType(type: string | number | undefined): ValueDType | undefined {
  switch (type) {
    case 'DT_FLOAT': case 1: case 'DT_HALF': case 19: case 'DT_DOUBLE': case 2:
      return 'float32';
    case 'DT_INT32': case 3: case 'DT_INT64': case 9: case 'DT_INT8': case 6: case 'DT_UINT8': case 4:
    case 'DT_INT16': case 5:
      return 'int32';
    case 'DT_BOOL': case 10:
      return 'bool';
    default:
      return undefined;
  }
}

export function attrDType(node: NodeDef, name: string): ValueDType | undefined {
  return parseDType(attr(node, name)?.type);
}

/** Splits a NodeDef input reference into the producing node and its output index; null for `^control`. */
export function parseInputRef(ref: string): { node: string; output: number } | null {
  if (ref.startsWith('^')) return null;
  const colon = ref.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(ref.slice(colon + 1))) {
    return { node: ref.slice(0, colon), output: Number(ref.slice(colon + 1)) };
  }
  return { node: ref, output: 0 };
}
