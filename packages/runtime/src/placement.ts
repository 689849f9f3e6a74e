import type { KernelCheck } from './backends.js';

/** Where one operator runs, and why. `backend` is a tfjs backend name, or `load` for ops folded at load. */
export interface OpPlacement {
  index: number;
  opcode: string;
  backend: string;
  reason: string;
}

/**
 * The first preferred backend that registers every kernel the op needs; otherwise `cpu` when it has them all;
 * otherwise undefined (the op cannot run) with the reason listing what each backend lacks.
 */
export function placeOp(
  kernels: readonly string[],
  preferred: readonly string[],
  hasKernel: KernelCheck,
): { backend?: string; reason: string } {
  const lacks: string[] = [];
  for (const backend of preferred) {
    const missing = kernels.filter((k) => !hasKernel(backend, k));
    if (missing.length === 0) {
      const why = kernels.length ? `registers ${kernels.join(', ')}` : 'needs no kernel';
      return { backend, reason: lacks.length ? `${lacks.join('; ')}; ${backend} ${why}` : `${backend} ${why}` };
    }
    lacks.push(`${backend} lacks ${missing.join(', ')}`);
  }
  if (!preferred.includes('cpu')) {
    const missing = kernels.filter((k) => !hasKernel('cpu', k));
    if (missing.length === 0) return { backend: 'cpu', reason: `${lacks.join('; ')}; fell back to cpu` };
    lacks.push(`cpu lacks ${missing.join(', ')}`);
  }
  return { reason: lacks.join('; ') };
}
