import { existsSync, readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const entries = [
  'src/index.ts',
  'src/adapters/express.ts',
  'src/adapters/hono.ts',
  'src/adapters/fastify.ts',
  'src/adapters/next.ts',
].map((path) => new URL(path, root).pathname);

describe('documentation', () => {
  it('every export of every entry point has JSDoc with an @example', () => {
    const program = ts.createProgram(entries, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Preserve,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      paths: { '@tessera/wire': [new URL('../wire/src/index.ts', root).pathname] },
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const missing: string[] = [];
    let checked = 0;
    for (const entry of entries) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
      for (const exported of checker.getExportsOfModule(module)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const documented = (symbol.declarations ?? []).some((declaration) =>
          ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example'),
        );
        checked++;
        if (!documented) missing.push(`${entry.split('/src/')[1]}: ${exported.name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('the README names every runtime export and every verification reason', async () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const { TOKEN_VERIFICATION_REASONS, ...rest } = await import('@tessera/backend');
    for (const name of Object.keys(rest)) expect(readme, name).toContain(name);
    for (const reason of TOKEN_VERIFICATION_REASONS) expect(readme, reason).toContain(`\`${reason}\``);
  });
});

describe('portability', () => {
  it('the portable core imports nothing from node:', () => {
    const nodeOnly = new Set(['verify/crypto-node.ts', 'verify/platform-crypto.node.ts']);
    const offenders = readdirSync(new URL('src/', root), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !nodeOnly.has(file))
      .filter((file) => /from ['"]node:/.test(readFileSync(new URL(`src/${file}`, root), 'utf8')));
    expect(offenders).toEqual([]);
  });

  // The build exists whenever the root `npm test` runs (its pretest builds every workspace).
  it.skipIf(!existsSync(new URL('dist/node/index.js', root)))(
    'the "node" build verifies with node:crypto, the default build does not',
    () => {
      const chunks = (dir: string) =>
        readdirSync(new URL(`dist/${dir}/`, root))
          .filter((file) => file.endsWith('.js'))
          .map((file) => readFileSync(new URL(`dist/${dir}/${file}`, root), 'utf8'))
          .join('\n');
      expect(chunks('node')).toContain("from 'node:crypto'");
      expect(chunks('web')).not.toMatch(/from ['"](node:)?crypto['"]/);
      expect(chunks('web')).not.toContain('@tessera/wire');
    },
  );
});
