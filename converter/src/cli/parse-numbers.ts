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
