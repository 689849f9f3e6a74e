import { BuiltinOperator } from './generated/tflite/builtin-operator.js';

/** TFLite builtin operator name (e.g. `CONV_2D`) for a builtin code, or undefined if the code is unknown. */
export function builtinName(code: number): string | undefined {
  const name = BuiltinOperator[code];
  return typeof name === 'string' ? name : undefined;
}

/** Builtin code for a TFLite operator name; undefined if there is no such builtin. */
export function builtinCode(name: string): number | undefined {
  const code = (BuiltinOperator as unknown as Record<string, number>)[name];
  return typeof code === 'number' ? code : undefined;
}

export { BuiltinOperator };
