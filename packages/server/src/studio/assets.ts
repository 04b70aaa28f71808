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

export function loadStudioAssets(): StudioAssets {
  const bodies = new Map<string, HttpResponse>();
  for (const [name, contentType] of Object.entries(ASSETS)) {
    bodies.set(name, {
      status: 200,
      headers: {
        'content-type': contentType,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      },
      body: readFileSync(assetUrl(name as AssetName), 'utf8'),
    });
  }
  return (name) => bodies.get(name);
}
