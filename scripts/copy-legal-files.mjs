// `prepack` of each published package: copies the repository's LICENSE and NOTICE into the package folder,
// so every tarball carries them (npm's `files` cannot reach outside the package). The copies are ignored
// by git; the repository root holds the only edited versions.
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const name of ['LICENSE', 'NOTICE']) copyFileSync(`${root}${name}`, name);
