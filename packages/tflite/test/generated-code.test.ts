import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('generated flatbuffer accessors', () => {
  it('are exactly what scripts/generate.sh makes from the vendored schema', () => {
    const out = mkdtempSync(join(tmpdir(), 'borde-generated-'));
    try {
      execFileSync('bash', [join(packageDir, 'scripts/generate.sh'), out], { stdio: 'pipe' });
      const committed = join(packageDir, 'src/generated');
      expect(listFiles(out)).toEqual(listFiles(committed));
      for (const file of listFiles(committed)) {
        expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(committed, file), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
