import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What `npm publish` would ship, checked from real tarballs of the built packages (the root `pretest`
 * builds them): the files, the package.json fields npm shows, one shared version, and types that
 * resolve in a project that installed nothing but the tarballs and the declared dependencies.
 */
const repository = fileURLToPath(new URL('../../', import.meta.url));
const REPO_URL = 'https://github.com/tessera-dev/tessera';
/** Folder -> package, and the most each tarball may weigh (packed bytes): a guard against shipping junk. */
const PACKAGES = {
  wire: { name: '@tessera/wire', maxBytes: 60_000 },
  server: { name: '@tessera/server', maxBytes: 400_000 },
  backend: { name: '@tessera/backend', maxBytes: 200_000 },
  testing: { name: '@tessera/testing', maxBytes: 60_000 },
} as const;
type Folder = keyof typeof PACKAGES;
const FOLDERS = Object.keys(PACKAGES) as Folder[];
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

interface Packed {
  readonly name: string;
  readonly filename: string;
  readonly size: number;
  readonly files: readonly { readonly path: string }[];
}
type Manifest = Record<string, unknown> & { name: string; version: string };

const readJson = (path: string) => JSON.parse(readFileSync(join(repository, path), 'utf8'));
const manifest = (folder: Folder): Manifest => readJson(`packages/${folder}/package.json`);

let root: string;
const packed = new Map<string, Packed>();
const shipped = (folder: Folder) => packed.get(PACKAGES[folder].name)!.files.map((file) => file.path);

/** Every file path an `exports` map names, whatever its nesting of conditions. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

/** `main`, `types`, every `bin` and every `exports` target, without the leading `./`. */
function referencedFiles(pkg: Manifest): string[] {
  const bin = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values((pkg.bin ?? {}) as object);
  return [pkg.main, pkg.types, ...bin, ...exportTargets(pkg.exports)]
    .filter((path): path is string => typeof path === 'string')
    .map((path) => path.replace(/^\.\//, ''));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tessera-pack-'));
  const output = execFileSync(
    'npm',
    ['pack', '--json', '--pack-destination', root, ...FOLDERS.flatMap((f) => ['-w', PACKAGES[f].name])],
    { cwd: repository, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const entry of JSON.parse(output) as Packed[]) packed.set(entry.name, entry);
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.each(FOLDERS)('the %s tarball', (folder) => {
  const pkg = manifest(folder);

  it('ships LICENSE, README.md and package.json, and every file the manifest points to', () => {
    const files = shipped(folder);
    for (const path of ['LICENSE', 'README.md', 'package.json', ...referencedFiles(pkg)]) {
      expect(files, path).toContain(path);
    }
    expect(exportTargets(pkg.exports).some((path) => path.includes('*'))).toBe(false);
  });

  it('ships no sources, tests, build configuration or source maps', () => {
    // The server also ships Studio's stylesheet and script, which it reads at start.
    const allowed =
      /^(?:dist\/|bin\/|LICENSE$|README\.md$|package\.json$|studio-assets\/studio\.(?:css|js)$)/;
    expect(shipped(folder).filter((path) => !allowed.test(path))).toEqual([]);
    expect(
      shipped(folder).filter((path) => /\.map$|(?:^|\/)(?:tsconfig|tsup\.config|vitest)/.test(path)),
    ).toEqual([]);
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
  });

  it('stays within its size bound', () => {
    expect(packed.get(pkg.name)!.size).toBeLessThan(PACKAGES[folder].maxBytes);
  });

  it('names types first in every condition map, so TypeScript picks them', () => {
    const maps = (value: unknown): object[] =>
      value !== null && typeof value === 'object' ? [value, ...Object.values(value).flatMap(maps)] : [];
    for (const conditions of maps(pkg.exports)) {
      if ('types' in conditions) expect(Object.keys(conditions)[0]).toBe('types');
    }
    expect((pkg.exports as Record<string, unknown>)['./package.json']).toBe('./package.json');
  });

  it('tells npm where it comes from, who may install it and on what', () => {
    expect(pkg).toMatchObject({
      license: 'MIT',
      author: 'the tessera authors',
      repository: { type: 'git', url: `git+${REPO_URL}.git`, directory: `packages/${folder}` },
      homepage: `${REPO_URL}/tree/main/packages/${folder}#readme`,
      bugs: { url: `${REPO_URL}/issues` },
      engines: { node: '>=20.19' },
      publishConfig: { access: 'public' },
    });
    expect(pkg.publishConfig).toEqual({ access: 'public' });
    expect((pkg.keywords as string[]).length).toBeGreaterThan(2);
  });

  it('carries the repository LICENSE and a README without relative links (they break on npm)', () => {
    const license = readFileSync(join(repository, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the tessera authors\n/);
    expect(readFileSync(join(repository, `packages/${folder}/LICENSE`), 'utf8')).toBe(license);
    const readme = readFileSync(join(repository, `packages/${folder}/README.md`), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)/g)].map((match) => match[1]!);
    expect(links.filter((link) => !/^(?:https:\/\/|#)/.test(link))).toEqual([]);
  });
});

it('the server ships its CLI: the bin, the bundle it imports, the checkpoint worker and Studio', () => {
  expect(shipped('server')).toEqual(
    expect.arrayContaining([
      'bin/tessera.js',
      'dist/cli.js',
      'dist/checkpoint-worker.js',
      'dist/index.d.ts',
      'studio-assets/studio.css',
      'studio-assets/studio.js',
    ]),
  );
  expect(manifest('server').bin).toEqual({ tessera: 'bin/tessera.js' });
  const bin = readFileSync(join(repository, 'packages/server/bin/tessera.js'), 'utf8');
  expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(bin).toContain("import '../dist/cli.js';");
});

it('every package has one shared version, and every dependency between them names it exactly', () => {
  const { version } = manifest('wire');
  expect(FOLDERS.map((folder) => manifest(folder).version)).toEqual(FOLDERS.map(() => version));
  const workspaces: string[] = readJson('package.json').workspaces;
  const ranges = workspaces.flatMap((workspace) => {
    const pkg = readJson(`${workspace}/package.json`);
    return DEPENDENCY_FIELDS.flatMap((field) =>
      Object.entries((pkg[field] ?? {}) as Record<string, string>)
        .filter(([name]) => name.startsWith('@tessera/'))
        .map(([name, range]) => `${pkg.name} ${field} ${name}@${range}`),
    );
  });
  expect(ranges.length).toBeGreaterThan(5);
  for (const range of ranges) expect(range).toMatch(new RegExp(`@${version.replaceAll('.', '\\.')}$`));
});

it('changesets releases the four packages together, publicly, and leaves the example alone', () => {
  const config = readJson('.changeset/config.json');
  expect(config.fixed).toEqual([FOLDERS.map((folder) => PACKAGES[folder].name)]);
  expect(config.access).toBe('public');
  expect(readJson('examples/express-app/package.json').private).toBe(true);
  expect(config.privatePackages).toEqual({ version: false, tag: false });
});

/**
 * A project that installed the tarballs: each unpacked into node_modules, beside links to the
 * dependencies and peers they declare (and @types/node), nothing else of this repository.
 */
function consumerProject(): string {
  const project = join(root, 'consumer');
  const modules = join(project, 'node_modules');
  const link = (name: string) => {
    const target = join(repository, 'node_modules', name);
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(target, join(modules, name), 'dir');
  };
  const external = new Set(['@types/node']);
  const lines: string[] = [];
  for (const folder of FOLDERS) {
    const { name, exports, dependencies, peerDependencies } = manifest(folder);
    const into = join(modules, name);
    mkdirSync(into, { recursive: true });
    execFileSync('tar', ['-xzf', join(root, packed.get(name)!.filename), '-C', into, '--strip-components=1']);
    for (const dependency of Object.keys({ ...(dependencies as object), ...(peerDependencies as object) })) {
      if (!dependency.startsWith('@tessera/')) external.add(dependency);
    }
    for (const subpath of Object.keys(exports as object).filter((path) => path !== './package.json')) {
      lines.push(`import * as m${lines.length} from '${name}${subpath.slice(1)}';`);
    }
  }
  for (const name of external) link(name);
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(project, 'index.ts'),
    `${lines.join('\n')}
export const all = [${lines.map((_, index) => `m${index}`).join(', ')}];
// Typed, not any: an unresolved declaration would leave these parameters implicitly any.
m${lines.findIndex((line) => line.includes("'@tessera/testing/fixtures'"))}.test('signed in', async ({ page, signedInAs }) => {
  await signedInAs({ email: 'ada@example.com' });
  await page.goto('/');
});
export const started = m${lines.findIndex((line) => line.includes("'@tessera/server'"))}.startTessera({ port: 0 });
`,
  );
  return project;
}

it('the types resolve from the tarballs, under NodeNext and bundler resolution', () => {
  const project = consumerProject();
  const settings = [
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
    { module: ts.ModuleKind.Preserve, moduleResolution: ts.ModuleResolutionKind.Bundler },
  ];
  for (const resolution of settings) {
    const program = ts.createProgram([join(project, 'index.ts')], {
      ...resolution,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      types: ['node'],
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    });
    // Our files only: the consumer and every declaration of ours it reached, checked in full.
    const ours = program
      .getSourceFiles()
      .filter(
        (file) => file.fileName.startsWith(project) && !file.fileName.includes('/node_modules/@types/'),
      );
    expect(ours.filter((file) => file.fileName.endsWith('.d.ts')).length).toBeGreaterThan(8);
    const problems = ours.flatMap((file) => [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]);
    expect(
      problems.map(
        (problem) =>
          `${problem.file?.fileName.slice(project.length)}: ${ts.flattenDiagnosticMessageText(problem.messageText, '\n')}`,
      ),
    ).toEqual([]);
  }
}, 60_000);
