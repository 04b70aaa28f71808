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
  sourcemap: true,
  // Bundled: loading kysely's many small modules costs about 100 ms of every cold start; the wire
  // definitions are bundled as the SDK bundles them, so the published server needs no @tessera/wire.
  noExternal: ['kysely', '@tessera/wire'],
});
