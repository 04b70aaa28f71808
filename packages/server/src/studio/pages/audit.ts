import { AUDIT_EVENT_TYPES, type AuditActorJSON, type AuditEventJSON } from '@tessera/wire';
import type { HttpResponse } from '../../http/types';
import { type Query, StudioApiError } from '../api';
import { formatTime, pageOf, pager, tableRegion } from '../format';
import { html, type SafeHtml } from '../html';
import { studioJson, studioPage } from '../layout';
import type { StudioRequest, StudioRoute } from '../route';

const PER_PAGE = 50;
/** The most events one poll of the live log brings (the API's largest page). */
const LIVE_LIMIT = 500;
const NONE = '—';

/** The filters as typed in the form (kept to show them again) and as the API takes them. */
interface AuditFilters {
  readonly type: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly ticketId: string;
}

/** Filter fields in form order: the query parameter, which is also the API's, and its label. */
const FILTER_FIELDS = [
  ['user_id', 'User id', 'user_...'],
  ['session_id', 'Session id', 'sess_...'],
  ['ticket_id', 'Ticket id', 'the token or task id'],
] as const;

function filtersOf(query: URLSearchParams): AuditFilters {
  const type = query.get('type')?.trim() ?? '';
  return {
    type: type === 'all' ? '' : type,
    userId: query.get('user_id')?.trim() ?? '',
    sessionId: query.get('session_id')?.trim() ?? '',
    ticketId: query.get('ticket_id')?.trim() ?? '',
  };
}

function apiFilters(filters: AuditFilters): Query {
  return {
    type: filters.type || undefined,
    user_id: filters.userId || undefined,
    session_id: filters.sessionId || undefined,
    ticket_id: filters.ticketId || undefined,
  };
}

/** The filters as query parameters, the empty ones left out: for links and the live log's URL. */
function filterParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(apiFilters(filters))) {
    if (typeof value === 'string') params.set(key, value);
  }
  return params;
}

function actorText(actor: AuditActorJSON): string {
  if (actor.name !== null && actor.id !== null) return `${actor.type} · ${actor.name} (${actor.id})`;
  const who = actor.name ?? actor.id;
  return who === null ? actor.type : `${actor.type} · ${who}`;
}

function ticketText(event: AuditEventJSON): string | null {
  if (event.ticket_id === null) return null;
  return event.ticket_kind === null ? event.ticket_id : `${event.ticket_kind} ${event.ticket_id}`;
}

/** One event as text, in the table's column order: what the live log inserts. */
function cellsOf(event: AuditEventJSON): string[] {
  return [
    formatTime(event.created_at),
    event.type,
    actorText(event.actor),
    event.user_id ?? NONE,
    event.session_id ?? NONE,
    ticketText(event) ?? NONE,
    event.reason ?? NONE,
    event.ip ?? NONE,
  ];
}

function rowOf(event: AuditEventJSON): SafeHtml {
  const [time, type, actor, , session, ticket, reason, ip] = cellsOf(event);
  const user =
    event.user_id === null
      ? NONE
      : html`<a href="/studio/users/${encodeURIComponent(event.user_id)}">${event.user_id}</a>`;
  return html`<tr data-event-id="${event.id}">
<td><time datetime="${new Date(event.created_at).toISOString()}">${time}</time></td>
<td>${type}</td>
<td>${actor}</td>
<td>${user}</td>
<td>${session}</td>
<td>${ticket}</td>
<td>${reason}</td>
<td>${ip}</td>
</tr>`;
}

function filterForm(filters: AuditFilters, refusal: StudioApiError | undefined): SafeHtml {
  const errorFor = (param: string) =>
    refusal?.paramName === param
      ? html`<span class="error" id="${param}-error">${refusal.message}</span>`
      : '';
  const invalid = (param: string) =>
    refusal?.paramName === param ? html` aria-invalid="true" aria-describedby="${param}-error"` : '';
  const values: Record<(typeof FILTER_FIELDS)[number][0], string> = {
    user_id: filters.userId,
    session_id: filters.sessionId,
    ticket_id: filters.ticketId,
  };
  const filtered = filterParams(filters).size > 0;
  return html`<form method="get" action="/studio/audit" role="search" class="toolbar" aria-label="Filter the audit log">
<label for="audit-type">Type<select id="audit-type" name="type"${invalid('type')}>
<option value="all"${filters.type === '' ? html` selected` : ''}>all</option>
${AUDIT_EVENT_TYPES.map((type) => html`<option value="${type}"${filters.type === type ? html` selected` : ''}>${type}</option>`)}
</select>${errorFor('type')}</label>
${FILTER_FIELDS.map(
  ([param, label, placeholder]) =>
    html`<label for="audit-${param}">${label}<input id="audit-${param}" name="${param}" value="${values[param]}" placeholder="${placeholder}" autocomplete="off" spellcheck="false"${invalid(param)}>${errorFor(param)}</label>`,
)}
<button type="submit">Filter</button>
${filtered ? html`<a href="/studio/audit">Clear filters</a>` : ''}
</form>`;
}

const HEADINGS = ['Time', 'Type', 'Actor', 'User', 'Session', 'Ticket', 'Reason', 'IP'] as const;

async function auditLog(request: StudioRequest): Promise<HttpResponse> {
  const { api, query, csrfToken, gated, ctx } = request;
  const filters = filtersOf(query);
  const page = pageOf(query);
  let list: { data: AuditEventJSON[]; total_count: number };
  try {
    list = await api.get('/v1/audit_events', {
      ...apiFilters(filters),
      limit: PER_PAGE,
      offset: (page - 1) * PER_PAGE,
      order_by: '-created_at',
      paginated: true,
    });
  } catch (error) {
    // A filter the API refuses (a malformed id, an unknown type): shown next to that field.
    if (error instanceof StudioApiError && error.status < 500) {
      return studioPage({
        title: 'Audit log',
        section: 'audit',
        status: error.status,
        csrfToken,
        gated,
        notice: error.paramName ? undefined : { kind: 'refused', text: error.message },
        body: filterForm(filters, error),
      });
    }
    throw error;
  }
  const filtered = filterParams(filters);
  // Only the first page shows new events as they happen; later pages stay as they were.
  const live =
    page === 1
      ? html` data-live-audit="/studio/audit/events.json${filtered.size > 0 ? `?${filtered.toString()}` : ''}" data-after="${list.data[0]?.created_at ?? ctx.clock.now()}"`
      : '';
  const empty =
    filtered.size > 0
      ? 'No event matches these filters.'
      : 'No events yet. Every sign-in and change shows here.';
  return studioPage({
    title: 'Audit log',
    section: 'audit',
    csrfToken,
    gated,
    body: html`${filterForm(filters, undefined)}
${tableRegion(
  'Audit events',
  html`<table>
<caption class="sr-only">Audit events, newest first${page === 1 ? ', new events added at the top as they happen' : ''}</caption>
<thead><tr>${HEADINGS.map((heading) => html`<th scope="col">${heading}</th>`)}</tr></thead>
<tbody${live}>${list.data.length > 0 ? list.data.map(rowOf) : html`<tr class="empty"><td colspan="${HEADINGS.length}">${empty}</td></tr>`}</tbody>
</table>`,
)}
${pager('/studio/audit', query, { page, perPage: PER_PAGE, total: list.total_count })}`,
  });
}

/** The events after `?after=<ms>` matching the filters, newest first, as cells for the live log. */
async function liveEvents({ api, query }: StudioRequest): Promise<HttpResponse> {
  const after = query.get('after') ?? '';
  if (!/^\d{1,16}$/.test(after) || !Number.isSafeInteger(Number(after))) {
    return studioJson(400, { error: 'after must be a time in Unix milliseconds' });
  }
  try {
    const events = await api.get<AuditEventJSON[]>('/v1/audit_events', {
      ...apiFilters(filtersOf(query)),
      created_after: Number(after),
      limit: LIVE_LIMIT,
      order_by: '-created_at',
    });
    return studioJson(200, {
      events: events.map((event) => ({ id: event.id, created_at: event.created_at, cells: cellsOf(event) })),
    });
  } catch (error) {
    if (error instanceof StudioApiError) {
      return studioJson(error.status, { error: error.message });
    }
    throw error;
  }
}

export const auditPages: readonly StudioRoute[] = [
  { method: 'GET', path: '/studio/audit', handler: auditLog },
  { method: 'GET', path: '/studio/audit/events.json', handler: liveEvents },
];
