import { clear, createStore, get, set } from 'idb-keyval';
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

/**
 * Where choices are kept: IndexedDB where the platform has it (pages and workers alike: localStorage does not
 * exist in workers, where loadModelInWorker measures), else the process memory (Node).
 */
interface ChoiceStore {
  get(key: string): Promise<RememberedChoice | undefined>;
  set(key: string, value: RememberedChoice): Promise<void>;
  clear(): Promise<void>;
}

const memory = new Map<string, RememberedChoice>();
const memoryStore: ChoiceStore = {
  get: async (key) => memory.get(key),
  set: async (key, value) => void memory.set(key, value),
  clear: async () => memory.clear(),
};

let indexedDbStore: ChoiceStore | undefined;

function store(): ChoiceStore {
  if (typeof indexedDB === 'undefined') return memoryStore;
  if (!indexedDbStore) {
    const db = createStore('borde', 'plans');
    indexedDbStore = {
      get: (key) => get<RememberedChoice>(key, db),
      set: (key, value) => set(key, value, db),
      clear: () => clear(db),
    };
  }
  return indexedDbStore;
}

function storageKey(modelHash: string, device: string): string {
  return `${modelHash}:${device}`;
}

export async function recallChoice(modelHash: string, device: string): Promise<RememberedChoice | undefined> {
  try {
    const value = await store().get(storageKey(modelHash, device));
    return value && typeof value.engine === 'string' && typeof value.backend === 'string' ? value : undefined;
  } catch {
    // IndexedDB refused (privacy mode, blocked): measure again.
    return undefined;
  }
}

export async function rememberChoice(modelHash: string, device: string, choice: RememberedChoice): Promise<void> {
  try {
    await store().set(storageKey(modelHash, device), choice);
  } catch {
    // Quota or privacy mode: the choice is simply measured again next time.
  }
}

/** Forgets every remembered choice: the process memory (Node) and the IndexedDB store `borde`/`plans` (browsers, workers). */
export async function forgetRememberedChoices(): Promise<void> {
  memory.clear();
  try {
    if (typeof indexedDB !== 'undefined') await store().clear();
  } catch {
    // IndexedDB unavailable: nothing was remembered there.
  }
}
