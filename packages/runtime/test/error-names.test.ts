// Error classes name themselves with a string literal, never `new.target.name` or the class's own name:
// minifiers rename classes, and a production build then showed `InputError` as `G` (issue #14). The
// consumer suite (test/consumers) proves it on real minified builds; this catches a new class early.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as runtimeErrors from '../src/errors.js';

const ERROR_FILES = ['packages/tflite/src/errors.ts', 'packages/runtime/src/errors.ts', 'converter/src/errors.ts'];
const root = new URL('../../../', import.meta.url);

describe('error class names survive minification', () => {
  for (const file of ERROR_FILES) {
    it(`${file}: every exported error class sets its name as a literal`, () => {
      const source = readFileSync(new URL(file, root), 'utf8');
      const classes = [...source.matchAll(/export class (\w+) extends \w+ \{([^]*?)\n  constructor/g)];
      expect(classes.length).toBeGreaterThan(2);
      for (const [, name, head] of classes) {
        expect(head, `${name} needs \`override readonly name: string = '${name}';\``).toContain(`override readonly name: string = '${name}';`);
      }
      expect(source).not.toContain('new.target.name');
    });
  }

  it('a runtime error reports its class name at run time', () => {
    const error = new runtimeErrors.InputError('x', 'float32[4]', 'float32[3]');
    expect(error.name).toBe('InputError');
    expect(new runtimeErrors.DisposedError().name).toBe('DisposedError');
  });
});
