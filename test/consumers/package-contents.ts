// What an installed @borde package must carry: LICENSE and NOTICE, a README whose relative links all reach
// shipped files, and source maps that carry their sources (a map naming an unshipped .ts makes bundlers warn
// and debuggers show nothing).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Problems found in one installed package folder; empty when it is complete. */
export function packageContentProblems(dir: string): string[] {
  const problems: string[] = [];
  for (const name of ['LICENSE', 'NOTICE', 'README.md']) {
    if (!existsSync(join(dir, name))) problems.push(`no ${name}`);
  }
  if (existsSync(join(dir, 'README.md'))) {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      if (!existsSync(join(dir, target!))) problems.push(`README links to ${target}, which is not in the package`);
    }
  }
  for (const map of files(dir).filter((f) => f.endsWith('.js.map'))) {
    const parsed = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    parsed.sources.forEach((source, i) => {
      if (parsed.sourcesContent?.[i] == null && !existsSync(join(dirname(map), source))) {
        problems.push(`${map.slice(dir.length + 1)} points at ${source}, which is neither shipped nor inlined`);
      }
    });
    if (problems.length > 5) break;
  }
  return problems;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
