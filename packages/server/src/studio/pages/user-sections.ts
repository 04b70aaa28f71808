import type {
  ActorTokenJSON,
  AgentTaskJSON,
  AuditEventJSON,
  OrganizationMembershipJSON,
  SessionJSON,
  SignInTokenJSON,
  TestSessionTokenJSON,
  UserJSON,
} from '@tessera/wire';
import type { StudioApi } from '../api';
import { badge, formatTime, tableRegion, userLabel } from '../format';
import { html, type SafeHtml } from '../html';

// The sections of a user's page below the facts: small tables of the newest items, each read through
// the Backend API with the user's filter, each linking to the full list where Studio has one.

/** Rows each section shows; the audit log shows more, as its events are short. */
const SHOWN = 10;
const AUDIT_SHOWN = 20;

interface Page<T> {
  readonly data: T[];
  readonly total_count: number;
}

type AnyTicket = TestSessionTokenJSON | SignInTokenJSON | ActorTokenJSON | AgentTaskJSON;

/** The four kinds of ticket, as a person names them, with the list each is read from. */
const TICKET_LISTS = [
  ['/v1/test_session_tokens', 'Test session token'],
  ['/v1/sign_in_tokens', 'Sign-in token'],
  ['/v1/actor_tokens', 'Actor token'],
  ['/v1/agents/tasks', 'Agent task'],
] as const;

export interface UserSections {
  readonly sessions: Page<SessionJSON>;
  readonly tickets: { readonly shown: { kind: string; ticket: AnyTicket }[]; readonly total: number };
  readonly memberships: Page<OrganizationMembershipJSON>;
  readonly audit: Page<AuditEventJSON>;
}

/** Everything the sections show, read in parallel once the user is known to exist. */
export async function readUserSections(api: StudioApi, userId: string): Promise<UserSections> {
  const newest = { user_id: userId, limit: SHOWN, order_by: '-created_at', paginated: true } as const;
  const [sessions, ticketPages, memberships, audit] = await Promise.all([
    api.get<Page<SessionJSON>>('/v1/sessions', newest),
    Promise.all(TICKET_LISTS.map(([path]) => api.get<Page<AnyTicket>>(path, newest))),
    api.get<Page<OrganizationMembershipJSON>>(
      `/v1/users/${encodeURIComponent(userId)}/organization_memberships`,
      { limit: SHOWN, paginated: true },
    ),
    api.get<Page<AuditEventJSON>>('/v1/audit_events', { ...newest, limit: AUDIT_SHOWN }),
  ]);
  const allTickets = ticketPages.flatMap((page, index) =>
    page.data.map((ticket) => ({ kind: TICKET_LISTS[index]?.[1] ?? 'Token', ticket })),
  );
  allTickets.sort((a, b) => b.ticket.created_at - a.ticket.created_at);
  return {
    sessions,
    tickets: {
      shown: allTickets.slice(0, SHOWN),
      total: ticketPages.reduce((sum, page) => sum + page.total_count, 0),
    },
    memberships,
    audit,
  };
}

const th = (label: string) => html`<th scope="col">${label}</th>`;

/** A section: its heading, its table (or a line saying there is nothing), and where to see all. */
function section(
  id: string,
  title: string,
  table: { caption: string; columns: readonly string[]; rows: readonly SafeHtml[] },
  empty: string,
  more: SafeHtml | string,
): SafeHtml {
  const body =
    table.rows.length === 0
      ? html`<p class="muted">${empty}</p>`
      : html`${tableRegion(
          table.caption,
          html`<table>
<caption class="sr-only">${table.caption}</caption>
<thead><tr>${table.columns.map(th)}</tr></thead>
<tbody>${table.rows}</tbody>
</table>`,
        )}`;
  return html`<section aria-labelledby="${id}">
<h2 id="${id}">${title}</h2>
${body}
${more}
</section>`;
}

/** "Showing 10 of 42 · All sessions of this user" under a table. */
/** The tokens page lists one kind at a time: a link to each, filtered to the user. */
const TOKEN_LIST_LINKS = [
  ['test_session_tokens', 'test session tokens'],
  ['sign_in_tokens', 'sign-in tokens'],
  ['actor_tokens', 'actor tokens'],
  ['agent_tasks', 'agent tasks'],
] as const;

function moreLink(shown: number, total: number, href: string | undefined, what: string): SafeHtml {
  const count =
    total > shown ? html`<span class="muted">Showing the newest ${shown} of ${total}.</span> ` : '';
  if (!count && !href) return html``;
  return html`<p>${count}${href ? html`<a href="${href}">All ${what} of this user</a>` : ''}</p>`;
}

/** The acting party of a session started by an actor token or an agent task. */
function actorOf(actor: Record<string, unknown> | null): string {
  if (!actor) return '—';
  return typeof actor.sub === 'string' ? actor.sub : JSON.stringify(actor);
}

/** A ticket's status as a person needs it: a pending ticket past its expiry can no longer be used. */
function ticketStatus(ticket: AnyTicket, now: number): string {
  return ticket.status === 'pending' && ticket.expires_at <= now ? 'expired' : ticket.status;
}

function auditActor(event: AuditEventJSON): SafeHtml {
  const who = event.actor.name ?? event.actor.id;
  return html`${event.actor.type}${who ? html` <span class="muted">(${who})</span>` : ''}`;
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function renderUserSections(user: UserJSON, data: UserSections, now: number): SafeHtml {
  const filter = `user_id=${encodeURIComponent(user.id)}`;
  const who = userLabel(user);
  const { sessions, tickets, memberships, audit } = data;
  return html`${section(
    'sessions-heading',
    'Sessions',
    {
      caption: `Sessions of ${who}, newest first`,
      columns: ['Id', 'Status', 'Created', 'Last active', 'Expires', 'Actor'],
      rows: sessions.data.map(
        (session) => html`<tr>
<td><code>${session.id}</code></td>
<td>${badge(session.status)}</td>
<td>${formatTime(session.created_at)}</td>
<td>${formatTime(session.last_active_at)}</td>
<td>${formatTime(session.expire_at)}</td>
<td>${actorOf(session.actor)}</td>
</tr>`,
      ),
    },
    'No sessions.',
    moreLink(sessions.data.length, sessions.total_count, `/studio/sessions?${filter}`, 'sessions'),
  )}
${section(
  'tokens-heading',
  'Tokens',
  {
    caption: `Test session tokens, sign-in tokens, actor tokens and agent tasks of ${who}, newest first`,
    columns: ['Kind', 'Id', 'Status', 'Created', 'Expires'],
    rows: tickets.shown.map(
      ({ kind, ticket }) => html`<tr>
<td>${kind}</td>
<td><code>${ticket.id}</code></td>
<td>${badge(ticketStatus(ticket, now))}</td>
<td>${formatTime(ticket.created_at)}</td>
<td>${formatTime(ticket.expires_at)}</td>
</tr>`,
    ),
  },
  'No tokens.',
  html`${moreLink(tickets.shown.length, tickets.total, undefined, 'tokens')}<p>All of this user's ${TOKEN_LIST_LINKS.map(
    ([kind, label], index) =>
      html`${index === 0 ? '' : index === TOKEN_LIST_LINKS.length - 1 ? ' and ' : ', '}<a href="/studio/tokens?kind=${kind}&amp;${filter}">${label}</a>`,
  )}.</p>`,
)}
${section(
  'organizations-heading',
  'Organizations',
  {
    caption: `Organizations ${who} is a member of`,
    columns: ['Organization', 'Slug', 'Role'],
    rows: memberships.data.map(
      (membership) => html`<tr>
<td>${membership.organization.name}</td>
<td><code>${membership.organization.slug}</code></td>
<td>${membership.role_name} <span class="muted">(${membership.role})</span></td>
</tr>`,
    ),
  },
  'Not a member of any organization.',
  moreLink(memberships.data.length, memberships.total_count, undefined, 'organizations'),
)}
${section(
  'audit-heading',
  'Audit events',
  {
    caption: `Audit events about ${who}, newest first`,
    columns: ['Time', 'Type', 'Actor', 'Reason'],
    rows: audit.data.map(
      (event) => html`<tr>
<td>${formatTime(event.created_at)}</td>
<td>${event.type}</td>
<td>${auditActor(event)}</td>
<td>${event.reason ?? '—'}</td>
</tr>`,
    ),
  },
  'No audit events.',
  moreLink(audit.data.length, audit.total_count, `/studio/audit?${filter}`, 'audit events'),
)}
<section aria-labelledby="metadata-heading">
<h2 id="metadata-heading">Metadata</h2>
<h3>Public</h3>
<pre>${pretty(user.public_metadata)}</pre>
<h3>Private</h3>
<pre>${pretty(user.private_metadata)}</pre>
<h3>Unsafe</h3>
<pre>${pretty(user.unsafe_metadata)}</pre>
</section>`;
}
