import { OutputMismatchError } from '../errors.js';
import type { TensorValue } from './tensor-value.js';

/** Who produced each list, for the error message. */
export interface MatchLabels {
  step: string;
  candidate: string;
  reference: string;
}

/**
 * Pairs two models' outputs by name (signature key or tensor name), never by position: interpreters list
 * outputs in signature order, tfjs in graph order. Pairs come in the reference's order. Differing name
 * sets are an OutputMismatchError that prints both lists.
 */
export function matchOutputs(candidate: readonly TensorValue[], reference: readonly TensorValue[], labels: MatchLabels): [TensorValue, TensorValue][] {
  const nameOf = (t: TensorValue, i: number): string => t.name ?? `output ${i}`;
  const byName = new Map(candidate.map((t, i) => [nameOf(t, i), t]));
  const candidateNames = [...byName.keys()];
  const referenceNames = reference.map(nameOf);
  const sameSet = byName.size === candidate.length && candidate.length === reference.length && referenceNames.every((n) => byName.has(n));
  if (!sameSet) throw new OutputMismatchError(labels.step, candidateNames, referenceNames, labels.candidate, labels.reference);
  return reference.map((r, i) => [byName.get(nameOf(r, i))!, r]);
}
