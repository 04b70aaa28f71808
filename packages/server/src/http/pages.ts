import { createHash } from 'node:crypto';
import type { HttpResponse } from './types';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** Headers for every page: no caching, no referrer (a ticket URL must not leak), no scripts. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
} as const;

/** The one page layout; `title` is escaped here, `head` and `body` are markup the caller escaped. */
function pageDocument(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">${head}
    <title>${escapeHtml(title)} · tessera</title>
    <style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
  </head>
  <body>
    <h1>${escapeHtml(title)}</h1>
    ${body}
  </body>
</html>
`;
}

/** A small self-contained page; `paragraphs` are plain text and get escaped here. */
export function htmlPage(status: number, title: string, paragraphs: readonly string[]): HttpResponse {
  const body = paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('\n    ');
  return { status, headers: PAGE_HEADERS, body: pageDocument(title, body) };
}

/** Submits the page's one form as soon as it is parsed; allowed by its hash, not by 'unsafe-inline'. */
const AUTO_SUBMIT_SCRIPT = 'document.forms[0].submit();';
const AUTO_SUBMIT_HASH = createHash('sha256').update(AUTO_SUBMIT_SCRIPT).digest('base64');

/**
 * Headers for the ticket page: the pages' CSP plus the one script, by hash. `same-origin` rather than
 * `no-referrer`, so the form's POST carries a real `Origin` (with `no-referrer` it is `null`); a
 * cross-origin request, the final redirect included, still gets no referrer.
 */
const TICKET_PAGE_HEADERS = {
  ...PAGE_HEADERS,
  'referrer-policy': 'same-origin',
  'content-security-policy': `default-src 'none'; script-src 'sha256-${AUTO_SUBMIT_HASH}'; style-src 'unsafe-inline'; frame-ancestors 'none'`,
} as const;

/**
 * What a GET of a ticket URL answers: a page that accepts the ticket with a POST, by script at once or
 * by its button without script. A GET never accepts, so link scanners and unfurlers, which fetch
 * every URL they see but run no script and press no button, leave the ticket pending.
 */
export function ticketPage(action: string, ticket: string): HttpResponse {
  const form = `<form method="post" action="${escapeHtml(action)}">
      <input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
      <button type="submit">Continue</button>
    </form>
    <script>${AUTO_SUBMIT_SCRIPT}</script>`;
  return {
    status: 200,
    headers: TICKET_PAGE_HEADERS,
    body: pageDocument('Signing in', form, '\n    <meta name="robots" content="noindex">'),
  };
}
