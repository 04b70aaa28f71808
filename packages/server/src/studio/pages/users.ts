import type { UserJSON } from '@tessera/wire';
import { StudioApiError } from '../api';
import { badge, formatTime, fullName, pageOf, pager, primaryEmail, tableRegion } from '../format';
import { html } from '../html';
import { csrfField, seeOther, studioPage } from '../layout';
import type { StudioRequest, StudioRoute } from '../route';

const PER_PAGE = 50;

/**
 * The users a search finds, newest first. An id or a whole email address is looked up by its index
 * (milliseconds at 100,000 users); anything else is a substring of id, email, username or name, which
 * scans the table, so it is not counted: the pager shows a next page when one more user exists.
 */
async function findUsers(api: StudioRequest['api'], search: string, page: number) {
  const paging = { limit: PER_PAGE, offset: (page - 1) * PER_PAGE, order_by: '-created_at' } as const;
  if (search === '') {
    const [list, count] = await Promise.all([
      api.get<UserJSON[]>('/v1/users', paging),
      api.get<{ total_count: number }>('/v1/users/count'),
    ]);
    return { list, total: count.total_count, counted: true };
  }
  const exact = /^user_[0-9A-Za-z]+$/.test(search)
    ? { user_id: [search] }
    : /^[^\s@]+@[^\s@]+$/.test(search)
      ? { email_address: [search] }
      : undefined;
  if (exact) {
    const list = await api.get<UserJSON[]>('/v1/users', { ...exact, ...paging });
    if (list.length > 0 || page > 1)
      return { list, total: (page - 1) * PER_PAGE + list.length, counted: true };
  }
  const found = await api.get<UserJSON[]>('/v1/users', { query: search, ...paging, limit: PER_PAGE + 1 });
  const list = found.slice(0, PER_PAGE);
  return { list, total: (page - 1) * PER_PAGE + found.length, counted: false };
}

async function listUsers({ api, query, csrfToken, gated }: StudioRequest) {
  const search = query.get('query')?.trim() ?? '';
  const page = pageOf(query);
  const { list, total, counted } = await findUsers(api, search, page);
  const rows = list.map(
    (user) => html`<tr>
<td><a href="/studio/users/${user.id}">${primaryEmail(user) ?? user.id}</a></td>
<td>${user.username ?? '—'}</td>
<td>${fullName(user) || '—'}</td>
<td>${user.banned ? badge('banned') : ''} ${user.locked ? badge('locked') : ''}${!user.banned && !user.locked ? html`<span class="muted">ok</span>` : ''}</td>
<td>${formatTime(user.created_at)}</td>
<td>${formatTime(user.last_sign_in_at)}</td>
</tr>`,
  );
  return studioPage({
    title: 'Users',
    section: 'users',
    csrfToken,
    gated,
    notice: query.get('notice') === 'deleted' ? { kind: 'done', text: 'The user was deleted.' } : undefined,
    body: html`<div class="toolbar">
<form method="get" action="/studio/users" role="search" class="toolbar">
<label for="user-search">Search users<input id="user-search" type="search" name="query" value="${search}" placeholder="email, username, name or id"></label>
<button type="submit">Search</button>
</form>
<a class="button secondary" href="/studio/users/new">Create user</a>
</div>
${tableRegion(
  'Users',
  html`<table>
<caption class="sr-only">Users, newest first</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Last sign-in</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="6">${search ? 'No user matches this search.' : 'No users yet. Create one to sign in as them.'}</td></tr>`}</tbody>
</table>`,
)}
${pager('/studio/users', query, { page, perPage: PER_PAGE, total, counted })}`,
  });
}

interface UserForm {
  readonly email: string;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
}

function createUserPage(request: StudioRequest, values: UserForm, refusal?: StudioApiError) {
  const fieldError = (param: string) =>
    refusal?.paramName === param
      ? html`<span class="error" id="${param}-error">${refusal.message}</span>`
      : '';
  const invalid = (param: string) =>
    refusal?.paramName === param ? html` aria-invalid="true" aria-describedby="${param}-error"` : '';
  return studioPage({
    title: 'Create user',
    section: 'users',
    status: refusal ? refusal.status : 200,
    csrfToken: request.csrfToken,
    gated: request.gated,
    notice: refusal && !refusal.paramName ? { kind: 'refused', text: refusal.message } : undefined,
    body: html`<form method="post" action="/studio/users/new" class="card">
${csrfField(request.csrfToken)}
<div class="field"><label for="email">Email address</label><input id="email" name="email" type="email" value="${values.email}" autocomplete="off"${invalid('email_address')}>${fieldError('email_address')}</div>
<div class="field"><label for="username">Username <span class="hint">(optional)</span></label><input id="username" name="username" value="${values.username}" autocomplete="off"${invalid('username')}>${fieldError('username')}</div>
<div class="field"><label for="first_name">First name <span class="hint">(optional)</span></label><input id="first_name" name="first_name" value="${values.firstName}"${invalid('first_name')}>${fieldError('first_name')}</div>
<div class="field"><label for="last_name">Last name <span class="hint">(optional)</span></label><input id="last_name" name="last_name" value="${values.lastName}"${invalid('last_name')}>${fieldError('last_name')}</div>
<p class="hint muted">A user needs an email address or a username.</p>
<div class="actions"><button type="submit">Create user</button><a href="/studio/users">Cancel</a></div>
</form>`,
  });
}

function formValues(form: URLSearchParams): UserForm {
  return {
    email: form.get('email')?.trim() ?? '',
    username: form.get('username')?.trim() ?? '',
    firstName: form.get('first_name')?.trim() ?? '',
    lastName: form.get('last_name')?.trim() ?? '',
  };
}

async function createUser(request: StudioRequest) {
  const values = formValues(request.form);
  try {
    const user = await request.api.post<UserJSON>('/v1/users', {
      ...(values.email && { email_address: [values.email] }),
      ...(values.username && { username: values.username }),
      ...(values.firstName && { first_name: values.firstName }),
      ...(values.lastName && { last_name: values.lastName }),
    });
    return seeOther(`/studio/users/${user.id}?notice=created`);
  } catch (error) {
    if (error instanceof StudioApiError && error.status < 500) return createUserPage(request, values, error);
    throw error;
  }
}

export const usersPages: readonly StudioRoute[] = [
  { method: 'GET', path: '/studio/users', handler: listUsers },
  {
    method: 'GET',
    path: '/studio/users/new',
    handler: async (request) =>
      createUserPage(request, { email: '', username: '', firstName: '', lastName: '' }),
  },
  { method: 'POST', path: '/studio/users/new', handler: createUser },
];
