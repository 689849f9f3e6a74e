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

/** `224`, `224,160` or `224x160` (height, width). */
export function parseInputSize(text: string): number | [number, number] {
  const dims = text.split(/[x,]/i).map((part) => Number(part.trim()));
  if (dims.length > 2 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new InvalidArgumentError(`--input-size expects HxW, H,W or one size, as positive integers (e.g. 224x224), got '${text}'`);
  }
  return dims.length === 1 ? dims[0]! : [dims[0]!, dims[1]!];
}

/**
 * `--input-shape name:1,224,224,3` (repeatable; a bare `1,224,224,3` for a one-input model, kept under the
 * key '' until the model's input name is known). -1 is not allowed: the point is to pin the shape.
 */
export function parseInputShape(text: string, previous: Record<string, number[]> = {}): Record<string, number[]> {
  const at = text.lastIndexOf(':');
  const name = at >= 0 ? text.slice(0, at) : '';
  const dims = text.slice(at + 1).split(/[x,]/i).map((part) => Number(part.trim()));
  if ((at >= 0 && name === '') || dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new InvalidArgumentError(`--input-shape expects name:dims or dims, with positive integer dims and the batch first (e.g. images:1,224,224,3), got '${text}'`);
  }
  if (name in previous) throw new InvalidArgumentError(`--input-shape given twice for ${name === '' ? 'the model input' : `'${name}'`}`);
  return { ...previous, [name]: dims };
}

/** `a,b:1,c` -> ['a', 'b:1', 'c']: node outputs for --outputs/--inputs. */
export function parseTensorList(flag: string): (text: string, previous?: string[]) => string[] {
  return (text, previous = []) => {
    const refs = text.split(',').map((r) => r.trim()).filter(Boolean);
    if (refs.length === 0 || refs.some((r) => !/^[^:\s]+(:\d+)?$/.test(r))) {
      throw new InvalidArgumentError(`${flag} expects node names, optionally ':k' for output k, separated by commas (e.g. boxes,scores:0), got '${text}'`);
    }
    return [...previous, ...refs];
  };
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

/**
 * `--max-error <mean>[,<p99>]`: fractions of each output's range. One value sets the mean and scales the
 * p99 limit with it (5x, as the defaults 0.02 and 0.1).
 */
export function parseMaxError(text: string): { maxMeanError: number; maxP99Error: number } {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length > 2 || values.some((v) => !(v > 0) || !Number.isFinite(v))) {
    throw new InvalidArgumentError(`--max-error expects a positive fraction of the output range, or mean,p99 (e.g. 0.02 or 0.02,0.1), got '${text}'`);
  }
  return { maxMeanError: values[0]!, maxP99Error: values[1] ?? 5 * values[0]! };
}

/** A fraction in [0, 1], e.g. `--min-agreement 0.95`. */
export function fraction(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError(`${flag} expects a fraction between 0 and 1, got '${text}'`);
    return value;
  };
}
