import type { BackendName, EngineName } from './engines/engine.js';
import { DEFAULT_TRIAL, type TrialSettings } from './trial.js';

export interface MeasureSettings {
  /** Candidates timed, best-ranked first (default 3). */
  top: number;
  /** Timed rounds at least (each round: one sample of every candidate, in turns; default 5). */
  runs: number;
  /** Time for the rounds once `runs` are done, all candidates together, warm-up excluded (default 300 ms). */
  budgetMs: number;
}

export const DEFAULT_MEASURE: MeasureSettings = { top: 3, runs: 5, budgetMs: 300 };

/** The `measure` option as settings of the interleaved timing (trial.ts). */
export function trialSettings(measure: MeasureSettings): TrialSettings {
  return { ...DEFAULT_TRIAL, budgetMs: measure.budgetMs, minRounds: measure.runs, maxRounds: Math.max(measure.runs, DEFAULT_TRIAL.maxRounds) };
}

/** A measured winner, remembered per model hash and device. */
export interface RememberedChoice {
  engine: EngineName;
  backend: BackendName;
  ms: number;
  /** When it was measured (ISO date). */
  at: string;
  /** Every candidate timed with it (median ms per run), so a recalled plan shows the figures it was chosen on. */
  timed?: { engine: EngineName; backend: BackendName; ms: number }[];
}

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Node (and browsers without localStorage): remembered for the life of the process. */
const memory = new Map<string, string>();

function storage(): StorageLike {
  try {
    const local = (globalThis as { localStorage?: StorageLike }).localStorage;
    if (local) return local;
  } catch {
    // localStorage access throws in some sandboxed iframes: fall back to memory.
  }
  return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
}

const KEY_PREFIX = 'borde:plan:';

function storageKey(modelHash: string, device: string): string {
  return `${KEY_PREFIX}${modelHash}:${device}`;
}

export function recallChoice(modelHash: string, device: string): RememberedChoice | undefined {
  try {
    const text = storage().getItem(storageKey(modelHash, device));
    if (!text) return undefined;
    const value = JSON.parse(text) as RememberedChoice;
    return typeof value.engine === 'string' && typeof value.backend === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function rememberChoice(modelHash: string, device: string, choice: RememberedChoice): void {
  try {
    storage().setItem(storageKey(modelHash, device), JSON.stringify(choice));
  } catch {
    // Quota or privacy mode: the choice is simply measured again next time.
  }
}

/** Forgets every remembered choice: the process memory (Node) and the `borde:plan:` keys of localStorage (browsers). */
export function forgetRememberedChoices(): void {
  memory.clear();
  try {
    const local = (globalThis as { localStorage?: Storage }).localStorage;
    if (!local) return;
    const keys: string[] = [];
    for (let i = 0; i < local.length; i++) {
      const key = local.key(i);
      if (key?.startsWith(KEY_PREFIX)) keys.push(key);
    }
    for (const key of keys) local.removeItem(key);
  } catch {
    // localStorage access throws in some sandboxed iframes: nothing was remembered there.
  }
}
