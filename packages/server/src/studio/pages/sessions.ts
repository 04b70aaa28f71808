import { SESSION_STATUSES, type SessionJSON, type SessionStatus } from '@tessera/wire';
import { StudioApiError } from '../api';
import { badge, formatTime, pageOf, pager, tableRegion } from '../format';
import { html } from '../html';
import { csrfField, seeOther, studioPage } from '../layout';
import { PER_PAGE, statusAndUserPage } from '../lists';
import type { StudioRequest, StudioRoute } from '../route';
import { userCell, userLabels } from '../user-labels';

interface SessionFilters {
  readonly status: SessionStatus | undefined;
  readonly userId: string;
  readonly page: number;
}

function filtersOf(values: URLSearchParams): SessionFilters {
  return {
    status: SESSION_STATUSES.find((status) => status === values.get('status')),
    userId: values.get('user_id')?.trim() ?? '',
    page: pageOf(values),
  };
}

/** The list's own parameters (no notice), for its pager and the way back after a revoke. */
function filterParams(filters: SessionFilters, withPage: boolean): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.userId) params.set('user_id', filters.userId);
  if (withPage && filters.page > 1) params.set('page', String(filters.page));
  return params;
}

/** Who acts in the session, if someone does for the user: the actor's `sub` and `type`. */
function actorOf(session: SessionJSON): string {
  if (session.actor === null) return '';
  const { sub, type } = session.actor;
  if (typeof sub !== 'string') return JSON.stringify(session.actor);
  return typeof type === 'string' ? `${sub} (${type})` : sub;
}

async function renderSessionList(
  request: StudioRequest,
  filters: SessionFilters,
  notice?: { kind: 'done' | 'refused'; text: string },
  status?: number,
) {
  const { api, csrfToken, gated } = request;
  const { list, userIdError } = await statusAndUserPage<SessionJSON>(api, '/v1/sessions', filters);
  const labels = await userLabels(
    api,
    list.data.map((session) => session.user_id),
  );
  const revokeFields = [...filterParams(filters, true)].map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  const rows = list.data.map(
    (session) => html`<tr>
<td><code>${session.id}</code></td>
<td>${userCell(session.user_id, labels)}</td>
<td>${badge(session.status)}</td>
<td>${formatTime(session.created_at)}</td>
<td>${formatTime(session.last_active_at)}</td>
<td>${formatTime(session.expire_at)}</td>
<td>${actorOf(session) || '—'}</td>
<td>${
      session.status === 'active'
        ? html`<form class="inline" method="post" action="/studio/sessions/${encodeURIComponent(session.id)}/revoke">${csrfField(csrfToken)}${revokeFields}<button type="submit" class="secondary" aria-label="Revoke ${session.id}">Revoke</button></form>`
        : ''
    }</td>
</tr>`,
  );
  const filtered = filters.status !== undefined || filters.userId !== '';
  return studioPage({
    title: 'Sessions',
    section: 'sessions',
    status: status ?? (userIdError ? userIdError.status : 200),
    csrfToken,
    gated,
    notice,
    body: html`<form method="get" action="/studio/sessions" class="toolbar">
<label for="session-status">Status<select id="session-status" name="status"><option value="">All</option>${SESSION_STATUSES.map(
      (value) =>
        html`<option value="${value}"${value === filters.status ? html` selected` : ''}>${value}</option>`,
    )}</select></label>
<label for="session-user">User id<input id="session-user" name="user_id" value="${filters.userId}" placeholder="user_..." autocomplete="off"${userIdError ? html` aria-invalid="true" aria-describedby="user_id-error"` : ''}></label>${userIdError ? html`<span class="error" id="user_id-error">${userIdError.message}</span>` : ''}
<button type="submit">Show</button>
</form>
${tableRegion(
  'Sessions',
  html`<table>
<caption class="sr-only">Sessions, newest first</caption>
<thead><tr><th scope="col">Id</th><th scope="col">User</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Last active</th><th scope="col">Expires</th><th scope="col">Actor</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="8">${filtered ? 'No session matches these filters.' : 'No sessions yet.'}</td></tr>`}</tbody>
</table>`,
)}
${pager('/studio/sessions', filterParams(filters, false), { page: filters.page, perPage: PER_PAGE, total: list.total_count })}`,
  });
}

async function listSessions(request: StudioRequest) {
  const notice =
    request.query.get('notice') === 'revoked'
      ? { kind: 'done' as const, text: 'The session was revoked.' }
      : undefined;
  return renderSessionList(request, filtersOf(request.query), notice);
}

/** `POST /studio/sessions/{id}/revoke`: the Backend API's revoke, then back to the same list. */
async function revokeSession(request: StudioRequest) {
  const filters = filtersOf(request.form);
  const id = request.params.id ?? '';
  try {
    await request.api.post(`/v1/sessions/${encodeURIComponent(id)}/revoke`);
  } catch (error) {
    if (error instanceof StudioApiError && error.status < 500) {
      return renderSessionList(request, filters, { kind: 'refused', text: error.message }, error.status);
    }
    throw error;
  }
  const back = filterParams(filters, true);
  back.set('notice', 'revoked');
  return seeOther(`/studio/sessions?${back.toString()}`);
}

export const sessionPages: readonly StudioRoute[] = [
  { method: 'GET', path: '/studio/sessions', handler: listSessions },
  { method: 'POST', path: '/studio/sessions/{id}/revoke', handler: revokeSession },
];
