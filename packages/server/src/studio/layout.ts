import type { HttpResponse } from '../http/types';
import { html, type SafeHtml } from './html';

/**
 * Every Studio page: scripts and styles only from Studio's own files (no inline script, no inline
 * style), forms only to Studio, never framed, never cached, no referrer (a page may show a ticket URL).
 */
export const STUDIO_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

export type StudioSection = 'users' | 'tokens' | 'sessions' | 'audit' | 'keys' | 'instance' | 'none';

const SECTIONS: readonly [Exclude<StudioSection, 'none'>, string][] = [
  ['users', 'Users'],
  ['tokens', 'Tokens'],
  ['sessions', 'Sessions'],
  ['audit', 'Audit log'],
  ['keys', 'Keys'],
  ['instance', 'Instance'],
];

export interface StudioPage {
  readonly title: string;
  readonly section: StudioSection;
  readonly body: SafeHtml;
  readonly status?: number | undefined;
  /** The form token, for the sign-out form; absent on pages before the gate (sign-in). */
  readonly csrfToken?: string | undefined;
  /** Show "Sign out": Studio asked for the secret key. */
  readonly gated?: boolean | undefined;
  /** A line saying what the last action did, or why it was refused. */
  readonly notice?: { readonly kind: 'done' | 'refused'; readonly text: string } | undefined;
  readonly headers?: Readonly<Record<string, string | string[]>>;
}

/** The hidden field every Studio form carries (see csrf.ts). */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function studioPage(page: StudioPage): HttpResponse {
  const nav =
    page.section === 'none'
      ? ''
      : html`<nav aria-label="Studio"><ul>${SECTIONS.map(
          ([section, label]) =>
            html`<li><a href="/studio/${section}"${section === page.section ? html` aria-current="page"` : ''}>${label}</a></li>`,
        )}</ul></nav>`;
  const signOut =
    page.gated && page.csrfToken
      ? html`<form class="sign-out" method="post" action="/studio/logout">${csrfField(page.csrfToken)}<button type="submit">Sign out</button></form>`
      : '';
  const notice = page.notice
    ? html`<p class="notice ${page.notice.kind}" role="${page.notice.kind === 'refused' ? 'alert' : 'status'}">${page.notice.text}</p>`
    : '';
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · tessera Studio</title>
<link rel="stylesheet" href="/studio/assets/studio.css">
<script src="/studio/assets/studio.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/studio/users">tessera <span>Studio</span></a>
${nav}
${signOut}
</header>
<main id="main">
<h1>${page.title}</h1>
${notice}
${page.body}
</main>
<p id="studio-live" class="sr-only" aria-live="polite"></p>
</body>
</html>
`;
  return {
    status: page.status ?? 200,
    headers: { ...STUDIO_HEADERS, ...page.headers },
    body: document.markup,
  };
}

/** A JSON reply for Studio's script, with Studio's headers: never cached, never framed. */
export function studioJson(status: number, body: object): HttpResponse {
  return {
    status,
    headers: { ...STUDIO_HEADERS, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}

/** A 303 to another Studio page, the answer to every form that changed something. */
export function seeOther(location: string): HttpResponse {
  return { status: 303, headers: { location, 'cache-control': 'no-store' }, body: '' };
}
