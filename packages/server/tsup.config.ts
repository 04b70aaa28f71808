import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    cli: 'src/cli.ts',
    index: 'src/index.ts',
    // A worker thread's module, loaded by URL from beside the bundles (store/dialects/sqlite-checkpointer.ts).
    'checkpoint-worker': 'src/store/dialects/checkpoint-worker.ts',
  },
  format: 'esm',
  target: 'node20',
  platform: 'node',
  clean: true,
  // Source maps would triple the published package, whose bundles are readable as they are; only the
  // benchmarks' profiler (bench/lib/profile.mjs) asks for them, through `npm run bench`.
  sourcemap: process.env.TESSERA_BUILD_SOURCE_MAPS === '1',
  dts: {
    // Only `index` is imported by users; the CLI and the worker are run, not typed against.
    entry: { index: 'src/index.ts' },
    // The root tsconfig's `paths` map @tessera/wire to its sources, relative to the repository root;
    // resolving them from there inlines the wire types into the declaration bundle.
    compilerOptions: { baseUrl: '../..' },
  },
  // Bundled: loading kysely's many small modules costs about 100 ms of every cold start; the wire
  // definitions are bundled as the SDK bundles them, so the published server needs no @tessera/wire.
  noExternal: ['kysely', '@tessera/wire'],
});
