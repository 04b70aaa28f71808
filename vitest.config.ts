import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against the TypeScript sources, so a stale build can never hide a failure.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tessera\/wire$/, replacement: source('./packages/wire/src/index.ts') },
      { find: /^@tessera\/server$/, replacement: source('./packages/server/src/index.ts') },
      { find: /^@tessera\/backend$/, replacement: source('./packages/backend/src/index.ts') },
      { find: /^@tessera\/backend\/(.+)$/, replacement: source('./packages/backend/src/adapters/$1.ts') },
      { find: /^@tessera\/testing$/, replacement: source('./packages/testing/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/packaging/**/*.test.ts'],
    testTimeout: 20_000,
    // The official Clerk clients under test send nothing anywhere.
    env: { CLERK_TELEMETRY_DISABLED: '1' },
    hookTimeout: 30_000,
  },
});
