import type { TensorValue } from '../verify/tensor-value.js';
import { selectIndices } from '../calibration/selection.js';
import type { QuantizedEvaluation } from './evaluate.js';

/**
 * What a quantized file may cost, per output (issue #10): the mean and the 99th percentile of
 * |quantized - float| / output range, and for class-score outputs the share of decisions kept.
 */
export interface QualityBudget {
  maxMeanError: number;
  maxP99Error: number;
  minAgreement: number;
  /** Largest step of a probability near 0.5 for score and logit outputs (decision resolution). */
  maxDecisionStep: number;
}

export const DEFAULT_BUDGET: QualityBudget = { maxMeanError: 0.02, maxP99Error: 0.1, minAgreement: 0.95, maxDecisionStep: 0.02 };

export interface BudgetMiss {
  output: string;
  measure: 'meanError' | 'p99Error' | 'agreement' | 'decisionStep';
  value: number;
  limit: number;
}

export interface BudgetVerdict {
  budget: QualityBudget;
  passed: boolean;
  misses: BudgetMiss[];
}

/** Judges every output of an evaluation against the budget. */
export function judgeBudget(evaluation: QuantizedEvaluation, budget: QualityBudget): BudgetVerdict {
  const misses: BudgetMiss[] = [];
  for (const o of evaluation.outputs) {
    if (!(o.meanError <= budget.maxMeanError)) misses.push({ output: o.name, measure: 'meanError', value: o.meanError, limit: budget.maxMeanError });
    if (!(o.p99Error <= budget.maxP99Error)) misses.push({ output: o.name, measure: 'p99Error', value: o.p99Error, limit: budget.maxP99Error });
    // One flipped decision is allowed whatever the count: on 20 held-out samples it is already 5%.
    const flipped = Math.round((1 - (o.agreement ?? 1)) * (o.decisions ?? 0));
    if (o.agreement !== undefined && !(o.agreement >= budget.minAgreement) && !(flipped <= 1 && o.decisions !== undefined)) {
      misses.push({ output: o.name, measure: 'agreement', value: o.agreement, limit: budget.minAgreement });
    }
    if (o.decisionStep !== undefined && !(o.decisionStep <= budget.maxDecisionStep)) {
      misses.push({ output: o.name, measure: 'decisionStep', value: o.decisionStep, limit: budget.maxDecisionStep });
    }
  }
  return { budget, passed: misses.length === 0, misses };
}

/** One line per miss, for error messages. */
export function describeMisses(verdict: BudgetVerdict): string {
  return verdict.misses.map((m) => m.measure === 'agreement'
    ? `  - ${m.output}: agreement ${(100 * m.value).toFixed(2)}% < ${(100 * m.limit).toFixed(2)}% (--min-agreement)`
    : m.measure === 'decisionStep'
    ? `  - ${m.output}: a probability near 0.5 moves in steps of ${m.value.toFixed(4)} > ${m.limit} (--max-decision-step)`
    : `  - ${m.output}: ${m.measure === 'meanError' ? 'mean' : 'p99'} |error| ${(100 * m.value).toFixed(2)}% of the output range > ` +
      `${(100 * m.limit).toFixed(2)}% (--max-error)`).join('\n');
}

/** Seed of the calibration/judging split, fixed so a conversion is reproducible. */
export const HOLDOUT_SEED = 20_260_110;

/**
 * Splits calibration samples 80/20 with a fixed seed: the quantizer calibrates on the first part and is
 * judged on the second, which it never saw. A single sample cannot be split: it is both.
 */
export function holdOut(samples: TensorValue[][]): { calibrate: TensorValue[][]; judge: TensorValue[][]; split: boolean } {
  if (samples.length < 2) return { calibrate: samples, judge: samples, split: false };
  const order = selectIndices(samples.length, Infinity, HOLDOUT_SEED);
  const judged = Math.max(1, Math.round(samples.length * 0.2));
  const judgeSet = new Set(order.slice(0, judged));
  return {
    calibrate: samples.filter((_, i) => !judgeSet.has(i)),
    judge: samples.filter((_, i) => judgeSet.has(i)),
    split: true,
  };
}
