import { defineConfig } from 'vitest/config';

// docs/GETTING-STARTED.md, run from the packed packages in a folder of its own. It uses the ports the
// guide shows (3000 and 4000), so it runs alone, after the other suites.
export default defineConfig({
  test: {
    include: ['test/getting-started.test.ts'],
    fileParallelism: false,
  },
});
