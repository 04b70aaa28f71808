import type { UserJSON } from '@tessera/wire';
import { html, type SafeHtml } from './html';

/** A time as people read it in a table: `2026-12-03 16:20:05 UTC`; a dash for none. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** The user's primary email address, if any. */
export function primaryEmail(user: UserJSON): string | undefined {
  return user.email_addresses.find((address) => address.id === user.primary_email_address_id)?.email_address;
}

/** Who a user is to a person: email, else username, else id. */
export function userLabel(user: UserJSON): string {
  return primaryEmail(user) ?? user.username ?? user.id;
}

export function fullName(user: UserJSON): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ');
}

/**
 * A table in a box that scrolls sideways on a narrow screen: a labelled region that takes the
 * keyboard's focus, so the scroll works without a mouse.
 */
export function tableRegion(label: string, table: SafeHtml): SafeHtml {
  return html`<div class="table-wrap" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}

/** A status word in a coloured pill (`active`, `pending`, `revoked`, `banned`, ...). */
export function badge(status: string): SafeHtml {
  return html`<span class="badge ${status}">${status}</span>`;
}

export interface Paging {
  readonly page: number;
  readonly perPage: number;
  /** Every match when `counted`; otherwise those up to one past this page (enough for "Next"). */
  readonly total: number;
  /** False when the total was not counted (a search that scans): the range is shown without it. */
  readonly counted?: boolean;
}

/** The page number a list asks for (`?page=`), from 1. */
export function pageOf(query: URLSearchParams): number {
  const page = Number(query.get('page') ?? '1');
  return Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
}

/** "Showing 51–100 of 100,000", with Previous and Next links that keep the other parameters. */
export function pager(basePath: string, query: URLSearchParams, paging: Paging): SafeHtml {
  const { page, perPage, total, counted = true } = paging;
  const first = total === 0 ? 0 : (page - 1) * perPage + 1;
  const last = Math.min(total, page * perPage);
  const link = (target: number) => {
    const params = new URLSearchParams(query);
    params.set('page', String(target));
    return `${basePath}?${params.toString()}`;
  };
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  if (counted && page > lastPage) {
    return html`<nav class="pager" aria-label="Pages">
<span>Page ${page.toLocaleString('en-US')} is past the end (${total.toLocaleString('en-US')} in all)</span>
<a href="${link(lastPage)}">Last page</a>
</nav>`;
  }
  return html`<nav class="pager" aria-label="Pages">
<span>Showing ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')}${counted ? ` of ${total.toLocaleString('en-US')}` : ''}</span>
${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">Previous page</a>` : ''}
${page < lastPage ? html`<a href="${link(page + 1)}" rel="next">Next page</a>` : ''}
</nav>`;
}
