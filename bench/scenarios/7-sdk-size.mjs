import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { row } from '../lib/report.mjs';

/**
 * Bundles `code` as an app would ship it to a browser or an edge worker: minified, tree-shaken, from
 * the packages as published (`dist/`). The repository's tsconfig.json is not read: its `paths` map
 * `@tessera/*` to the TypeScript sources, which no app gets.
 */
async function gzippedBundle(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: import.meta.dirname, loader: 'js' },
    tsconfigRaw: '{}',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { minified: bytes.length, gzipped: gzipSync(bytes).length };
}

export default {
  id: 7,
  title: 'SDK size: createBackendApiClient + verifyToken, bundled, minified, gzipped',
  async run() {
    const ours = await gzippedBundle(
      "export { createBackendApiClient, verifyToken } from '@tessera/backend';",
    );
    const peer = await gzippedBundle("export { createClerkClient, verifyToken } from '@clerk/backend';");
    const kb = (bytes) => bytes / 1024;
    const baseline = { value: kb(peer.gzipped), unit: 'KB', name: '@clerk/backend' };
    const ratio = ours.gzipped / peer.gzipped;
    return [
      row({
        scenario: 7,
        metric: 'SDK bundle, gzipped',
        ours: { value: kb(ours.gzipped), unit: 'KB' },
        baseline,
        ratio,
        target: { on: 'ours', op: '<=', value: 15, text: '<= 15 KB' },
        details: { ours, peer },
      }),
      row({
        scenario: 7,
        metric: 'SDK bundle, gzipped, vs the peer',
        ours: { value: kb(ours.gzipped), unit: 'KB' },
        baseline,
        ratio,
        target: { on: 'ratio', op: '<', value: 1, text: '< 1.00x' },
      }),
    ];
  },
};
