import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { healthRoutes } from '../src/http/routes/health';
import { keyRoutes } from '../src/http/routes/keys';
import { sessionHandoffRoutes } from '../src/http/routes/session-handoffs';

// docs/ARCHITECTURE.md: data flows http -> (tickets | sessions | users) -> store, and routes never
// touch SQL. Route files reach the database only through a service.
const ROUTES_DIR = new URL('../src/http/routes/', import.meta.url);
const routeFiles = readdirSync(ROUTES_DIR).filter((name) => name.endsWith('.ts'));

describe('the http/routes layout', () => {
  it.each(routeFiles)('%s imports neither the store nor kysely', (name) => {
    const source = readFileSync(new URL(name, ROUTES_DIR), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map(([, from]) => from);
    expect(imports.filter((from) => from?.includes('/store/') || from === 'kysely')).toEqual([]);
  });

  it('keeps health in its own file and the handoff-bound session calls with the handoffs', () => {
    expect(healthRoutes.map((route) => route.path)).toEqual(['/v1/health']);
    expect(keyRoutes.map((route) => route.path)).not.toContain('/v1/health');
    expect(sessionHandoffRoutes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /v1/session_handoffs/redeem',
      'POST /v1/sessions/refresh',
      'POST /v1/sessions/{id}/end',
    ]);
  });
});
