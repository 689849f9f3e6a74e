// The consumer projects: what each installs from the packed tarballs and the registry, and which fixture
// files it gets. Versions are exact, so a new Vite or webpack release changes nothing until it is pinned here.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Tarball = 'tflite' | 'runtime' | 'converter';

export interface ConsumerProject {
  /** Folder name under the work folder; also the check's prefix. */
  readonly name: string;
  readonly tarballs: readonly Tarball[];
  /** Registry packages, exact versions. */
  readonly registry: Readonly<Record<string, string>>;
  /** Fixture files: destination in the project -> path under fixtures/. */
  readonly files: Readonly<Record<string, string>>;
}

const APP_FILES = { 'index.html': 'app/index.html', 'src/run-model.js': 'app/run-model.js' };
const VITE_FILES = { ...APP_FILES, 'src/main.js': 'vite/main.js', 'vite.config.js': 'vite/vite.config.js' };

export const PROJECTS: readonly ConsumerProject[] = [
  // The converter's CLI and library, and plain Node scripts (ESM and CommonJS) on the runtime.
  {
    name: 'node',
    tarballs: ['tflite', 'runtime', 'converter'],
    registry: {},
    files: { 'esm.mjs': 'node/esm.mjs', 'cjs.cjs': 'node/cjs.cjs' },
  },
  { name: 'vite7', tarballs: ['tflite', 'runtime'], registry: { vite: '7.3.8' }, files: VITE_FILES },
  { name: 'vite8', tarballs: ['tflite', 'runtime'], registry: { vite: '8.3.8' }, files: VITE_FILES },
  {
    name: 'webpack5',
    tarballs: ['tflite', 'runtime'],
    registry: { webpack: '5.113.0', 'webpack-cli': '7.3.1', 'copy-webpack-plugin': '14.0.0' },
    files: {
      ...APP_FILES,
      'src/main.js': 'webpack/main.js',
      'webpack.config.mjs': 'webpack/webpack.config.mjs',
    },
  },
];

/** Writes package.json (tarballs as file: dependencies, registry packages pinned) and the fixture files. */
export function writeProject(project: ConsumerProject, dir: string, fixtures: string, tarballs: Record<Tarball, string>): void {
  mkdirSync(dir, { recursive: true });
  const dependencies: Record<string, string> = {};
  for (const tarball of project.tarballs) dependencies[`@borde/${tarball}`] = `file:${tarballs[tarball]}`;
  const manifest = {
    name: `borde-consumer-${project.name}`,
    private: true,
    version: '0.0.0',
    type: 'module',
    dependencies,
    devDependencies: project.registry,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [to, from] of Object.entries(project.files)) {
    mkdirSync(join(dir, to, '..'), { recursive: true });
    cpSync(join(fixtures, from), join(dir, to));
  }
}
