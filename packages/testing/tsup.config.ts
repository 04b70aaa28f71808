import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', fixtures: 'src/fixtures.ts' },
  format: 'esm',
  target: 'node20',
  platform: 'node',
  dts: true,
  clean: true,
  external: ['@playwright/test', '@tessera/backend', '@tessera/server'],
  // The wire constants are bundled, so the package's only dependency is @tessera/backend.
  noExternal: ['@tessera/wire'],
});
