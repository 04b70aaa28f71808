import {
  type ActorTokenJSON,
  type AgentTaskJSON,
  type SignInTokenJSON,
  type TestSessionTokenJSON,
  TICKET_STATUSES,
  type TicketStatus,
} from '@tessera/wire';
import { StudioApiError } from '../api';
import { badge, formatTime, pageOf, pager, tableRegion } from '../format';
import { html } from '../html';
import { csrfField, seeOther, studioJson, studioPage } from '../layout';
import { PER_PAGE, statusAndUserPage } from '../lists';
import type { StudioRequest, StudioRoute } from '../route';
import { userCell, userLabels } from '../user-labels';

/** The four kinds of ticket, by the name Studio's URLs use, with their Backend API paths. */
const TOKEN_KINDS = {
  test_session_tokens: {
    api: '/v1/test_session_tokens',
    plural: 'Test session tokens',
    singular: 'test session token',
  },
  sign_in_tokens: { api: '/v1/sign_in_tokens', plural: 'Sign-in tokens', singular: 'sign-in token' },
  actor_tokens: { api: '/v1/actor_tokens', plural: 'Actor tokens', singular: 'actor token' },
  agent_tasks: { api: '/v1/agents/tasks', plural: 'Agent tasks', singular: 'agent task' },
} as const;

export type TokenKind = keyof typeof TOKEN_KINDS;

const DEFAULT_KIND: TokenKind = 'test_session_tokens';

type TicketJSON = TestSessionTokenJSON | SignInTokenJSON | ActorTokenJSON | AgentTaskJSON;

function tokenKindOf(value: string | null | undefined): TokenKind | undefined {
  return value !== null && value !== undefined && Object.hasOwn(TOKEN_KINDS, value)
    ? (value as TokenKind)
    : undefined;
}

function ticketStatusOf(value: string | null | undefined): TicketStatus | undefined {
  return TICKET_STATUSES.find((status) => status === value);
}

/**
 * Where Studio's script polls a ticket's status (`{ "status": ... }`), for a live badge.
 * @example html`<span data-live-status="${ticketStatusPath('test_session_tokens', token.id)}">`
 */
export function ticketStatusPath(kind: TokenKind, id: string): string {
  return `/studio/tokens/${kind}/${encodeURIComponent(id)}/status.json`;
}

/** `GET /studio/tokens/{kind}/{id}/status.json`: what Studio's live badge polls. */
async function ticketStatus({ api, params }: StudioRequest) {
  const kind = tokenKindOf(params.kind);
  const id = params.id ?? '';
  if (kind === undefined) return studioJson(404, { error: { code: 'resource_not_found' } });
  try {
    const ticket = await api.get<TicketJSON>(`${TOKEN_KINDS[kind].api}/${encodeURIComponent(id)}`);
    return studioJson(200, { status: ticket.status });
  } catch (error) {
    if (error instanceof StudioApiError) {
      return studioJson(error.status, { error: { code: error.code, message: error.message } });
    }
    throw error;
  }
}

interface TokenFilters {
  readonly kind: TokenKind;
  readonly status: TicketStatus | undefined;
  readonly userId: string;
  readonly page: number;
}

function filtersOf(values: URLSearchParams): TokenFilters {
  return {
    kind: tokenKindOf(values.get('kind')) ?? DEFAULT_KIND,
    status: ticketStatusOf(values.get('status')),
    userId: values.get('user_id')?.trim() ?? '',
    page: pageOf(values),
  };
}

/** The list's own parameters (no notice), for its links, its pager and the way back after a revoke. */
function filterParams(filters: TokenFilters, withPage: boolean): URLSearchParams {
  const params = new URLSearchParams({ kind: filters.kind });
  if (filters.status) params.set('status', filters.status);
  if (filters.userId) params.set('user_id', filters.userId);
  if (withPage && filters.page > 1) params.set('page', String(filters.page));
  return params;
}

function whoActs(kind: TokenKind, ticket: TicketJSON): string {
  if (kind === 'actor_tokens' && 'actor' in ticket) {
    const sub = ticket.actor.sub;
    return typeof sub === 'string' ? sub : JSON.stringify(ticket.actor);
  }
  if (kind === 'agent_tasks' && 'agent_name' in ticket) return ticket.agent_name;
  return '';
}

async function renderTokenList(
  request: StudioRequest,
  filters: TokenFilters,
  notice?: { kind: 'done' | 'refused'; text: string },
  status?: number,
) {
  const { api, ctx, csrfToken, gated } = request;
  const kind = TOKEN_KINDS[filters.kind];
  const extra =
    filters.kind === 'actor_tokens' ? 'Actor' : filters.kind === 'agent_tasks' ? 'Agent' : undefined;
  const { list, userIdError } = await statusAndUserPage<TicketJSON>(api, kind.api, filters);
  const labels = await userLabels(
    api,
    list.data.map((ticket) => ticket.user_id),
  );
  const now = ctx.clock.now();
  const hidden = filterParams(filters, true);
  const revokeFields = [...hidden].map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  const rows = list.data.map(
    (ticket) => html`<tr>
<td><code>${ticket.id}</code></td>
<td>${userCell(ticket.user_id, labels)}</td>
<td>${badge(ticket.status)}</td>
${extra ? html`<td>${whoActs(filters.kind, ticket) || '—'}</td>` : ''}
<td>${ticket.redirect_url ?? html`<span class="muted">tessera's signed-in page</span>`}</td>
<td>${formatTime(ticket.created_at)}</td>
<td>${formatTime(ticket.expires_at)}${ticket.status === 'pending' && ticket.expires_at <= now ? html` <span class="muted">(expired)</span>` : ''}</td>
<td>${
      ticket.status === 'pending'
        ? html`<form class="inline" method="post" action="/studio/tokens/${filters.kind}/${encodeURIComponent(ticket.id)}/revoke">${csrfField(csrfToken)}${revokeFields}<button type="submit" class="secondary" aria-label="Revoke ${ticket.id}">Revoke</button></form>`
        : ''
    }</td>
</tr>`,
  );
  const filtered = filters.status !== undefined || filters.userId !== '';
  const columns = extra ? 8 : 7;
  const fieldError = userIdError
    ? html`<span class="error" id="user_id-error">${userIdError.message}</span>`
    : '';
  return studioPage({
    title: 'Tokens',
    section: 'tokens',
    status: status ?? (userIdError ? userIdError.status : 200),
    csrfToken,
    gated,
    notice,
    body: html`<form method="get" action="/studio/tokens" class="toolbar">
<label for="token-kind">Kind<select id="token-kind" name="kind">${Object.entries(TOKEN_KINDS).map(
      ([value, { plural }]) =>
        html`<option value="${value}"${value === filters.kind ? html` selected` : ''}>${plural}</option>`,
    )}</select></label>
<label for="token-status">Status<select id="token-status" name="status"><option value="">All</option>${TICKET_STATUSES.map(
      (value) =>
        html`<option value="${value}"${value === filters.status ? html` selected` : ''}>${value}</option>`,
    )}</select></label>
<label for="token-user">User id<input id="token-user" name="user_id" value="${filters.userId}" placeholder="user_..." autocomplete="off"${userIdError ? html` aria-invalid="true" aria-describedby="user_id-error"` : ''}></label>${fieldError}
<button type="submit">Show</button>
</form>
${tableRegion(
  kind.plural,
  html`<table>
<caption class="sr-only">${kind.plural}, newest first</caption>
<thead><tr><th scope="col">Id</th><th scope="col">User</th><th scope="col">Status</th>${extra ? html`<th scope="col">${extra}</th>` : ''}<th scope="col">Redirect URL</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="${columns}">${filtered ? `No ${kind.singular} matches these filters.` : `No ${kind.singular} yet.`}</td></tr>`}</tbody>
</table>`,
)}
${pager('/studio/tokens', filterParams(filters, false), { page: filters.page, perPage: PER_PAGE, total: list.total_count })}`,
  });
}

async function listTokens(request: StudioRequest) {
  const filters = filtersOf(request.query);
  const notice =
    request.query.get('notice') === 'revoked'
      ? { kind: 'done' as const, text: `The ${TOKEN_KINDS[filters.kind].singular} was revoked.` }
      : undefined;
  return renderTokenList(request, filters, notice);
}

/** `POST /studio/tokens/{kind}/{id}/revoke`: the Backend API's revoke, then back to the same list. */
async function revokeToken(request: StudioRequest) {
  const kind = tokenKindOf(request.params.kind);
  if (kind === undefined) {
    return studioPage({
      title: 'Not found',
      section: 'tokens',
      status: 404,
      csrfToken: request.csrfToken,
      gated: request.gated,
      body: html`<p>Studio has no such kind of token.</p><p><a href="/studio/tokens">Back to tokens</a></p>`,
    });
  }
  const filters = { ...filtersOf(request.form), kind };
  const id = request.params.id ?? '';
  try {
    await request.api.post(`${TOKEN_KINDS[kind].api}/${encodeURIComponent(id)}/revoke`);
  } catch (error) {
    if (error instanceof StudioApiError && error.status < 500) {
      return renderTokenList(request, filters, { kind: 'refused', text: error.message }, error.status);
    }
    throw error;
  }
  const back = filterParams(filters, true);
  back.set('notice', 'revoked');
  return seeOther(`/studio/tokens?${back.toString()}`);
}

export const tokenPages: readonly StudioRoute[] = [
  { method: 'GET', path: '/studio/tokens', handler: listTokens },
  { method: 'GET', path: '/studio/tokens/{kind}/{id}/status.json', handler: ticketStatus },
  { method: 'POST', path: '/studio/tokens/{kind}/{id}/revoke', handler: revokeToken },
];
