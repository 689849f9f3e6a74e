import { InvalidArgumentError } from 'commander';

/** `0.5,0.5,0.5` or `0.5` -> numbers; anything else is a usage error naming the flag. */
export function parseNumberList(text: string, flag: string): number[] | number {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new InvalidArgumentError(`${flag} expects a number or a comma-separated list of numbers, got '${text}'`);
  }
  return values.length === 1 ? values[0]! : values;
}

/** An option parser for a positive number; commander reports the error as a usage error. */
export function positiveNumber(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`${flag} expects a positive number, got '${text}'`);
    return value;
  };
}

/** `224` or `224,160` (height, width). */
export function parseInputSize(text: string): number | [number, number] {
  const size = parseNumberList(text, '--input-size');
  const dims = Array.isArray(size) ? size : [size];
  if (dims.length > 2 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new InvalidArgumentError(`--input-size expects one or two positive integers (height,width), got '${text}'`);
  }
  return dims.length === 1 ? dims[0]! : [dims[0]!, dims[1]!];
}

/** `2=0,4=1` -> { '2': 0, '4': 1 }. */
export function parseLabelMap(text: string): Record<string, number> {
  const map: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const [raw, target] = pair.split('=');
    const index = Number(target);
    if (!raw || target === undefined || !Number.isInteger(index) || index < 0) {
      throw new InvalidArgumentError(`--label-map expects raw=class pairs such as 2=0,4=1, got '${text}'`);
    }
    map[raw.trim()] = index;
  }
  return map;
}
