import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

const entry = {
  index: 'src/index.ts',
  express: 'src/adapters/express.ts',
  hono: 'src/adapters/hono.ts',
  fastify: 'src/adapters/fastify.ts',
  next: 'src/adapters/next.ts',
};

const shared: Options = {
  entry,
  format: 'esm',
  target: 'es2022',
  splitting: true,
  treeshake: true,
  // The wire definitions are bundled, so the published package has no runtime dependencies.
  noExternal: ['@tessera/wire'],
  external: ['express', 'hono', 'fastify', 'next', 'node:crypto'],
  removeNodeProtocol: false,
  tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
};

const nodeCrypto = fileURLToPath(new URL('./src/verify/platform-crypto.node.ts', import.meta.url));

export default defineConfig([
  // The portable build (the "default" condition): fetch, crypto.subtle, TextEncoder only.
  {
    ...shared,
    outDir: 'dist/web',
    platform: 'neutral',
    clean: true,
    dts: {
      // The root tsconfig's `paths` map @tessera/wire to its sources, relative to the repository root;
      // resolving them from there lets the declaration bundle inline the wire types it uses.
      compilerOptions: { baseUrl: '../..' },
    },
  },
  // The "node" condition: the same code with node:crypto verification swapped in.
  {
    ...shared,
    outDir: 'dist/node',
    platform: 'node',
    clean: true,
    dts: false,
    esbuildPlugins: [
      {
        name: 'tessera-node-crypto',
        setup(build) {
          build.onResolve({ filter: /\/platform-crypto$/ }, () => ({ path: nodeCrypto }));
        },
      },
    ],
  },
]);
