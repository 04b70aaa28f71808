import { ConfigurationError } from '@tessera/backend';
import { createRouteMatcher } from '@tessera/backend/next';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { patternToRegExp } from '../src/adapters/next/route-matcher';

const at = (path: string) => new NextRequest(`http://localhost:3000${path}`);

describe('createRouteMatcher', () => {
  it.each([
    [
      '/dashboard(.*)',
      ['/dashboard', '/dashboard/', '/dashboard/a/b', '/dashboardx', '/DASHBOARD'],
      ['/', '/a/dashboard'],
    ],
    ['/orgs/:slug', ['/orgs/acme', '/orgs/acme/'], ['/orgs', '/orgs/acme/members']],
    ['/api/:path*', ['/api', '/api/a', '/api/a/b'], ['/apix', '/other/api']],
    ['/api/:path+', ['/api/a', '/api/a/b'], ['/api', '/api/']],
    ['/docs/:page?', ['/docs', '/docs/intro'], ['/docs/a/b']],
    ['/files/:id(\\d+)', ['/files/42'], ['/files/abc']],
    ['/', ['/'], ['/a']],
  ])('%s', (pattern, matching, others) => {
    const matches = createRouteMatcher(pattern);
    for (const path of matching) expect(matches(at(path)), path).toBe(true);
    for (const path of others) expect(matches(at(path)), path).toBe(false);
  });

  it('takes lists, regular expressions, predicates and web Requests', () => {
    const matches = createRouteMatcher(['/a(.*)', /^\/b\/\d+$/]);
    expect([at('/a/1'), at('/b/2'), at('/b/x'), at('/c')].map(matches)).toEqual([true, true, false, false]);
    const global = createRouteMatcher(/^\/g/g);
    expect([at('/g'), at('/g'), at('/g')].map(global)).toEqual([true, true, true]);
    const predicate = createRouteMatcher((request) => 'url' in request && request.url.endsWith('/p'));
    expect(predicate(new Request('http://localhost:3000/p'))).toBe(true);
    expect(createRouteMatcher('/x(.*)')(new Request('http://localhost:3000/x/y?z=1'))).toBe(true);
  });

  it('matches a path percent-encoded or with repeated slashes as Next routes it', () => {
    const matches = createRouteMatcher(['/protected(.*)', '/admin/:page']);
    for (const path of ['/prot%65cted', '/%70rotected/x', '/admin/%75sers', '//protected']) {
      expect(matches(at(path)), path).toBe(true);
    }
    expect(matches(at('/%E0%A4%A'))).toBe(false);
  });

  it('throws a ConfigurationError at once for a pattern it cannot read', () => {
    for (const pattern of ['dashboard', '/a/*', '/a/:', '/a(', '/a()', '/a{b}', '/a/(?:x)']) {
      expect(() => createRouteMatcher(pattern), pattern).toThrow(ConfigurationError);
    }
    expect(() => createRouteMatcher([42 as unknown as string])).toThrow(ConfigurationError);
  });

  it('compiles as path-to-regexp does: a modifier takes the slash before it along', () => {
    expect(patternToRegExp('/api/:path*').source).toBe(
      '^\\/api(?:\\/(?:[^\\/#\\?]+?)(?:\\/(?:[^\\/#\\?]+?))*)?[\\/#\\?]?$',
    );
    expect(patternToRegExp('/a\\(b\\)').test('/a(b)')).toBe(true);
  });
});
