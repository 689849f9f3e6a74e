// deploy(): a candidate model beside the current one, on the device. Shadow runs both and answers with the
// current model; canary sends a stable share of users (by a persistent local key) to the candidate. Both keep
// a local report and end with one call: promote() or rollback(), remembered in local storage when there is one.
import { RuntimeError } from '../errors.js';
import type { Model, ModelInputs, ModelOutput, ModelRunOptions } from '../model.js';
import { AgreementStats, type OutputAgreement } from './agreement.js';
import { ArmStats, type ArmReport } from './arm-stats.js';

/** The part of Web Storage a deployment uses (localStorage in a browser). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface DeployOptions {
  current: Model;
  candidate: Model;
  mode: 'shadow' | 'canary';
  /** Canary: share of users (0..1) whose runs go to the candidate (default 0.1). */
  share?: number;
  /**
   * Canary: the user's stable key (e.g. an account id). Default: a random key created once and kept in
   * `storage` under `borde-deploy-key`.
   */
  key?: string;
  /** Names this rollout, so that several can run and their decisions are stored apart (default 'default'). */
  name?: string;
  /** Where the key and the promote/rollback decision persist (default: globalThis.localStorage when present). */
  storage?: KeyValueStorage;
}

export type Arm = 'current' | 'candidate';
export type DeployState = 'running' | 'promoted' | 'rolled-back';

export interface DeployReport {
  format: 'borde_deploy_report';
  version: 1;
  name: string;
  mode: 'shadow' | 'canary';
  state: DeployState;
  /** Canary: the arm this device is in; shadow: 'current' (the answer given). */
  arm: Arm;
  share?: number;
  current: ArmReport;
  candidate: ArmReport;
  /** Shadow only: the candidate's answers against the current ones (a canary device has one answer per run). */
  agreement?: OutputAgreement[];
}

const KEY_ENTRY = 'borde-deploy-key';

export class Deployment {
  readonly mode: 'shadow' | 'canary';
  readonly name: string;
  readonly share: number;
  /** The arm this device is in (canary), or 'current' (shadow). */
  readonly arm: Arm;
  private decision: DeployState;
  private readonly stats = { current: new ArmStats(), candidate: new ArmStats() };
  private readonly agreement = new AgreementStats();
  private readonly pending = new Set<Promise<void>>();
  private readonly storage: KeyValueStorage | undefined;

  constructor(private readonly options: DeployOptions) {
    const { current, candidate, mode } = options;
    if (mode !== 'shadow' && mode !== 'canary') {
      throw new RuntimeError('DEPLOY', `deploy: mode must be 'shadow' or 'canary', got ${JSON.stringify(mode)}`);
    }
    if (!current || !candidate || typeof current.run !== 'function' || typeof candidate.run !== 'function') {
      throw new RuntimeError('DEPLOY', 'deploy: pass two loaded models, { current, candidate } (from loadModel())');
    }
    checkSameInterface(current, candidate);
    this.mode = mode;
    this.name = options.name ?? 'default';
    this.share = options.share ?? 0.1;
    if (!(this.share >= 0 && this.share <= 1)) throw new RuntimeError('DEPLOY', `deploy: share must be between 0 and 1, got ${options.share}`);
    this.storage = options.storage ?? (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    const stored = this.storage?.getItem(`borde-deploy:${this.name}`);
    this.decision = stored === 'promoted' || stored === 'rolled-back' ? stored : 'running';
    this.arm = mode === 'canary' ? armOf(this.stableKey(), this.name, this.share) : 'current';
  }

  get state(): DeployState {
    return this.decision;
  }

  /** The model whose answers the app gets now. */
  get serving(): Model {
    if (this.decision === 'promoted') return this.options.candidate;
    if (this.decision === 'rolled-back') return this.options.current;
    return this.mode === 'canary' && this.arm === 'candidate' ? this.options.candidate : this.options.current;
  }

  async run(inputs: ModelInputs, options?: ModelRunOptions): Promise<ModelOutput[]> {
    const { current, candidate } = this.options;
    if (this.decision !== 'running') return this.serving.run(inputs, options);
    if (this.mode === 'canary') {
      if (this.arm === 'current') return this.timed('current', current, inputs, options);
      try {
        return await this.timed('candidate', candidate, inputs, options);
      } catch {
        // A failing candidate must not fail the user: the error is recorded, the current model answers.
        return this.timed('current', current, inputs, options);
      }
    }
    // Shadow: inputs are copied at the call, so both runs see the same values; the answer waits only for current.
    const shadow = this.timed('candidate', candidate, inputs, { ...options, copy: true }).then((o) => o, () => undefined);
    const answer = await this.timed('current', current, inputs, { ...options, copy: true });
    const done = shadow.then((o) => {
      if (o) this.agreement.record(answer, o);
    });
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
    return answer;
  }

  /** Resolves when every shadow run started so far has been recorded. */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  report(): DeployReport {
    return {
      format: 'borde_deploy_report',
      version: 1,
      name: this.name,
      mode: this.mode,
      state: this.decision,
      arm: this.arm,
      ...(this.mode === 'canary' ? { share: this.share } : {}),
      current: this.stats.current.report(),
      candidate: this.stats.candidate.report(),
      ...(this.mode === 'shadow' ? { agreement: this.agreement.report() } : {}),
    };
  }

  toJSON(): DeployReport {
    return this.report();
  }

  /** Every user gets the candidate from now on (and after a reload, when storage exists). */
  promote(): Model {
    this.decide('promoted');
    return this.options.candidate;
  }

  /** Every user gets the current model from now on (and after a reload, when storage exists). */
  rollback(): Model {
    this.decide('rolled-back');
    return this.options.current;
  }

  private decide(state: DeployState): void {
    this.decision = state;
    this.storage?.setItem(`borde-deploy:${this.name}`, state);
  }

  private async timed(arm: Arm, model: Model, inputs: ModelInputs, options?: ModelRunOptions): Promise<ModelOutput[]> {
    const start = performance.now();
    try {
      const outputs = await model.run(inputs, options);
      this.stats[arm].recordRun(performance.now() - start, outputs);
      return outputs;
    } catch (error) {
      this.stats[arm].recordError(error);
      throw error;
    }
  }

  private stableKey(): string {
    if (this.options.key !== undefined) {
      if (typeof this.options.key !== 'string' || this.options.key === '') throw new RuntimeError('DEPLOY', 'deploy: key must be a non-empty string');
      return this.options.key;
    }
    if (!this.storage) {
      throw new RuntimeError('DEPLOY', "deploy: canary needs a stable key per user: pass `key` (e.g. a user id), or `storage` " +
        '(localStorage in a browser) where a random key is kept');
    }
    let key = this.storage.getItem(KEY_ENTRY);
    if (!key) {
      key = globalThis.crypto.randomUUID();
      this.storage.setItem(KEY_ENTRY, key);
    }
    return key;
  }
}

/** Runs `candidate` beside `current` in shadow or canary mode; see Deployment. */
export function deploy(options: DeployOptions): Deployment {
  return new Deployment(options);
}

/** A key's arm: FNV-1a of key and rollout name (mixed), as a fraction of 2^32, below `share` -> candidate. */
export function armOf(key: string, name: string, share: number): Arm {
  let h = 0x811c9dc5;
  for (const ch of `${name}\u0000${key}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // FNV's high bits barely change between keys that differ in their last character (user-1, user-2...):
  // murmur3's finaliser spreads them.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32 < share ? 'candidate' : 'current';
}

/** Inputs and outputs are matched by name: a candidate that renames one is refused at once. */
function checkSameInterface(current: Model, candidate: Model): void {
  for (const side of ['inputs', 'outputs'] as const) {
    const names = (m: Model) => m[side].map((t) => t.name).sort().join(', ');
    if (names(current) !== names(candidate)) {
      throw new RuntimeError('DEPLOY', `deploy: the candidate's ${side} (${names(candidate)}) differ from the current model's ` +
        `(${names(current)}); both must have the same named ${side}`);
    }
  }
}
