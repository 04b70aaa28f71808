import { readFileSync } from 'node:fs';
import type { HttpResponse } from '../http/types';

/** Studio's stylesheet and script: files of the package, read once when Studio starts. */
const ASSETS = {
  'studio.css': 'text/css; charset=utf-8',
  'studio.js': 'text/javascript; charset=utf-8',
} as const;

type AssetName = keyof typeof ASSETS;

/** `studio-assets/` sits beside `dist/` in the package, and two levels above this file in the sources. */
function assetUrl(name: AssetName): URL {
  const base = import.meta.url.endsWith('.ts') ? '../../studio-assets/' : '../studio-assets/';
  return new URL(`${base}${name}`, import.meta.url);
}

export type StudioAssets = (name: string) => HttpResponse | undefined;

/** Studio's files, read on the first request for one (not at start: a cold start does not need them). */
export function loadStudioAssets(): StudioAssets {
  const bodies = new Map<string, HttpResponse>();
  return (name) => {
    const contentType = Object.hasOwn(ASSETS, name) ? ASSETS[name as AssetName] : undefined;
    if (contentType === undefined) return undefined;
    let body = bodies.get(name);
    if (body === undefined) {
      body = {
        status: 200,
        headers: {
          'content-type': contentType,
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
        },
        body: readFileSync(assetUrl(name as AssetName), 'utf8'),
      };
      bodies.set(name, body);
    }
    return body;
  };
}
