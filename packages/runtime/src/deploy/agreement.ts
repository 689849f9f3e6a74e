// Shadow mode's comparison of the current and the candidate answer to the same input, output by output.
import { isClassScores } from '../monitor/features.js';
import type { ModelOutput } from '../model.js';
import { realOf, topIndex } from './arm-stats.js';

export interface OutputAgreement {
  name: string;
  compared: number;
  /** Class-score outputs: share of samples with the same top class. */
  topClassAgreement?: number;
  /** Largest absolute difference seen, and its mean per sample. */
  maxAbsDiff: number;
  meanMaxAbsDiff: number;
}

export class AgreementStats {
  private readonly byOutput = new Map<string, { compared: number; same: number; classes: boolean; maxAbs: number; sumMaxAbs: number }>();

  record(current: readonly ModelOutput[], candidate: readonly ModelOutput[]): void {
    for (const c of current) {
      const k = candidate.find((o) => o.name === c.name);
      if (!k) continue;
      const a = realOf(c);
      const b = realOf(k);
      let d = this.byOutput.get(c.name);
      if (!d) this.byOutput.set(c.name, (d = { compared: 0, same: 0, classes: isClassScores(c.shape), maxAbs: 0, sumMaxAbs: 0 }));
      let worst = 0;
      for (let i = 0; i < Math.min(a.length, b.length); i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      d.compared++;
      d.maxAbs = Math.max(d.maxAbs, worst);
      d.sumMaxAbs += worst;
      if (d.classes && topIndex(a) === topIndex(b)) d.same++;
    }
  }

  report(): OutputAgreement[] {
    return [...this.byOutput].map(([name, d]) => ({
      name,
      compared: d.compared,
      ...(d.classes ? { topClassAgreement: d.same / (d.compared || 1) } : {}),
      maxAbsDiff: d.maxAbs,
      meanMaxAbsDiff: d.sumMaxAbs / (d.compared || 1),
    }));
  }
}
