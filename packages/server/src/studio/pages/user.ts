import type { UserJSON } from '@tessera/wire';
import { StudioApiError } from '../api';
import { badge, formatTime, userLabel } from '../format';
import { html, type SafeHtml } from '../html';
import { csrfField, seeOther, studioPage } from '../layout';
import type { StudioRequest, StudioRoute } from '../route';
import { readUserSections, renderUserSections } from './user-sections';

// A user's page (facts, actions, sessions, tokens, organizations, audit events, metadata), the edit
// form, ban/unban/lock/unlock, and delete behind a confirmation page. Every read and change is one
// Backend API call.

/** Where Studio shows the user, and where the Backend API keeps them. */
const studioPath = (id: string) => `/studio/users/${encodeURIComponent(id)}`;
const apiPath = (id: string) => `/v1/users/${encodeURIComponent(id)}`;

/** What `?notice=` may say: fixed texts, never the query's own. */
const NOTICES = new Map<string, string>([
  ['created', 'The user was created.'],
  ['updated', 'The changes were saved.'],
  ['unchanged', 'Nothing had changed: nothing was saved.'],
  ['banned', 'The user was banned: their sessions were revoked and their tokens will be refused.'],
  ['unbanned', 'The ban was lifted: the user can sign in again.'],
  ['locked', 'The user was locked: no token signs them in until unlocked; their sessions go on.'],
  ['unlocked', 'The user was unlocked.'],
]);

const getUser = (request: StudioRequest) => request.api.get<UserJSON>(apiPath(request.params.id ?? ''));

function orDash(value: string | null): string {
  return value === null || value === '' ? '—' : value;
}

function emailList(user: UserJSON): SafeHtml[] | string {
  if (user.email_addresses.length === 0) return '—';
  return user.email_addresses.map(
    (address) =>
      html`<div>${address.email_address}${
        address.id === user.primary_email_address_id ? html` <span class="muted">(primary)</span>` : ''
      }${address.verification ? html` <span class="muted">${address.verification.status}</span>` : ''}</div>`,
  );
}

function facts(user: UserJSON): SafeHtml {
  const status =
    user.banned || user.locked
      ? html`${user.banned ? badge('banned') : ''} ${user.locked ? badge('locked') : ''}`
      : badge('active');
  return html`<div class="card"><dl class="facts">
<dt>Id</dt><dd><code>${user.id}</code></dd>
<dt>Email addresses</dt><dd>${emailList(user)}</dd>
<dt>Username</dt><dd>${orDash(user.username)}</dd>
<dt>First name</dt><dd>${orDash(user.first_name)}</dd>
<dt>Last name</dt><dd>${orDash(user.last_name)}</dd>
<dt>External id</dt><dd>${orDash(user.external_id)}</dd>
<dt>Status</dt><dd>${status}</dd>
<dt>Created</dt><dd>${formatTime(user.created_at)}</dd>
<dt>Updated</dt><dd>${formatTime(user.updated_at)}</dd>
<dt>Last sign-in</dt><dd>${formatTime(user.last_sign_in_at)}</dd>
<dt>Last active</dt><dd>${formatTime(user.last_active_at)}</dd>
<dt>Password</dt><dd>${user.password_enabled ? 'set' : 'not set'}</dd>
</dl></div>`;
}

/** A one-button form posting to one of the user's actions. */
function actionForm(user: UserJSON, csrfToken: string, action: string, label: string): SafeHtml {
  return html`<form method="post" action="${studioPath(user.id)}/${action}" class="inline">${csrfField(csrfToken)}<button type="submit" class="secondary">${label}</button></form>`;
}

function actions(user: UserJSON, csrfToken: string): SafeHtml {
  const base = studioPath(user.id);
  return html`<div class="actions">
<a class="button" href="${base}/sign-in-as">Sign in as this user</a>
<a class="button secondary" href="${base}/edit">Edit</a>
${user.banned ? actionForm(user, csrfToken, 'unban', 'Unban') : actionForm(user, csrfToken, 'ban', 'Ban')}
${user.locked ? actionForm(user, csrfToken, 'unlock', 'Unlock') : actionForm(user, csrfToken, 'lock', 'Lock')}
<a class="button secondary" href="${base}/delete">Delete…</a>
</div>
<p class="muted">Ban revokes the user's sessions and refuses their tokens. Lock refuses their tokens and leaves their sessions running.</p>`;
}

async function userPage(request: StudioRequest) {
  const user = await getUser(request);
  const sections = await readUserSections(request.api, user.id);
  const notice = NOTICES.get(request.query.get('notice') ?? '');
  return studioPage({
    title: userLabel(user),
    section: 'users',
    csrfToken: request.csrfToken,
    gated: request.gated,
    notice: notice === undefined ? undefined : { kind: 'done', text: notice },
    body: html`${actions(user, request.csrfToken)}
${facts(user)}
${renderUserSections(user, sections, request.ctx.clock.now())}`,
  });
}

const EDIT_FIELDS = [
  'username',
  'first_name',
  'last_name',
  'public_metadata',
  'private_metadata',
  'unsafe_metadata',
] as const;
type EditField = (typeof EDIT_FIELDS)[number];
type EditValues = Record<EditField, string>;
type FieldErrors = Partial<Record<EditField, string>>;

const METADATA_FIELDS = [
  ['public_metadata', 'Public metadata', "The user's browser can read it, not change it."],
  ['private_metadata', 'Private metadata', 'Only the Backend API sees it.'],
  ['unsafe_metadata', 'Unsafe metadata', "The user's browser can read and change it."],
] as const;

function valuesOf(user: UserJSON): EditValues {
  return {
    username: user.username ?? '',
    first_name: user.first_name ?? '',
    last_name: user.last_name ?? '',
    public_metadata: JSON.stringify(user.public_metadata, null, 2),
    private_metadata: JSON.stringify(user.private_metadata, null, 2),
    unsafe_metadata: JSON.stringify(user.unsafe_metadata, null, 2),
  };
}

function formValues(form: URLSearchParams): EditValues {
  const trimmed = (name: EditField) => form.get(name)?.trim() ?? '';
  return {
    username: trimmed('username'),
    first_name: trimmed('first_name'),
    last_name: trimmed('last_name'),
    // Kept as typed, so a refused one comes back exactly as it was.
    public_metadata: form.get('public_metadata') ?? '',
    private_metadata: form.get('private_metadata') ?? '',
    unsafe_metadata: form.get('unsafe_metadata') ?? '',
  };
}

/** A metadata textarea as a JSON object (blank means `{}`), or why it is not one. */
function parseMetadata(text: string): { value: Record<string, unknown> } | { error: string } {
  if (text.trim() === '') return { value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `This is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'This must be a JSON object, such as {"plan": "pro"}.' };
  }
  return { value: parsed as Record<string, unknown> };
}

/** The form field a refusal of the API names (`public_metadata`, `public_metadata.plan`, ...), if one. */
function fieldOf(paramName: string | undefined): EditField | undefined {
  if (paramName === undefined) return undefined;
  return EDIT_FIELDS.find(
    (field) => paramName === field || paramName.startsWith(`${field}.`) || paramName.startsWith(`${field}[`),
  );
}

interface EditState {
  readonly values: EditValues;
  readonly errors?: FieldErrors;
  readonly status?: number;
  /** A refusal that names no field of the form. */
  readonly refusal?: string;
}

function editPage(request: StudioRequest, user: UserJSON, state: EditState) {
  const errors = state.errors ?? {};
  const { values } = state;
  const described = (field: EditField, hint?: string) => {
    const ids = [hint ? `${field}-hint` : '', errors[field] ? `${field}-error` : ''].filter(Boolean);
    return html`${errors[field] ? html` aria-invalid="true"` : ''}${ids.length > 0 ? html` aria-describedby="${ids.join(' ')}"` : ''}`;
  };
  const errorOf = (field: EditField) =>
    errors[field] ? html`<span class="error" id="${field}-error">${errors[field]}</span>` : '';
  const input = (field: EditField, label: string) =>
    html`<div class="field"><label for="${field}">${label} <span class="hint">(optional)</span></label><input id="${field}" name="${field}" value="${values[field]}" autocomplete="off"${described(field)}>${errorOf(field)}</div>`;
  const hasFieldErrors = Object.keys(errors).length > 0;
  const notice = state.refusal
    ? { kind: 'refused' as const, text: state.refusal }
    : hasFieldErrors
      ? { kind: 'refused' as const, text: 'Nothing was saved: correct the fields marked below.' }
      : undefined;
  const base = studioPath(user.id);
  return studioPage({
    title: `Edit ${userLabel(user)}`,
    section: 'users',
    status: state.status ?? 200,
    csrfToken: request.csrfToken,
    gated: request.gated,
    notice,
    body: html`<form method="post" action="${base}/edit" class="card">
${csrfField(request.csrfToken)}
${input('username', 'Username')}
${input('first_name', 'First name')}
${input('last_name', 'Last name')}
<p class="hint muted">An empty username or name is removed.</p>
${METADATA_FIELDS.map(
  ([field, label, hint]) =>
    html`<div class="field"><label for="${field}">${label}</label><span class="hint" id="${field}-hint">${hint} A JSON object; empty means {}.</span><textarea id="${field}" name="${field}" rows="6" spellcheck="false"${described(field, hint)}>${values[field]}</textarea>${errorOf(field)}</div>`,
)}
<div class="actions"><button type="submit">Save</button><a href="${base}">Cancel</a></div>
</form>`,
  });
}

async function saveUser(request: StudioRequest) {
  const id = request.params.id ?? '';
  const values = formValues(request.form);
  const errors: FieldErrors = {};
  const metadata: Partial<Record<EditField, Record<string, unknown>>> = {};
  for (const [field] of METADATA_FIELDS) {
    const parsed = parseMetadata(values[field]);
    if ('error' in parsed) errors[field] = parsed.error;
    else metadata[field] = parsed.value;
  }
  if (Object.keys(errors).length > 0) {
    return editPage(request, await getUser(request), { values, errors, status: 422 });
  }
  // Only what the form changed is sent: an untouched field keeps what an app may have set meanwhile,
  // and the audit log's user.updated names only the fields that did change.
  const current = await getUser(request);
  const changes: Record<string, unknown> = {};
  const names = {
    username: values.username || null,
    first_name: values.first_name || null,
    last_name: values.last_name || null,
  };
  for (const [field, value] of Object.entries(names)) {
    if (value !== current[field as keyof typeof names]) changes[field] = value;
  }
  for (const [field] of METADATA_FIELDS) {
    const value = metadata[field];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(current[field]))
      changes[field] = value;
  }
  if (Object.keys(changes).length === 0) return seeOther(`${studioPath(id)}?notice=unchanged`);
  try {
    await request.api.patch<UserJSON>(apiPath(id), changes);
  } catch (error) {
    if (!(error instanceof StudioApiError) || error.status >= 500 || error.status === 404) throw error;
    const field = fieldOf(error.paramName);
    const user = await getUser(request);
    return editPage(request, user, {
      values,
      status: error.status,
      ...(field ? { errors: { [field]: error.message } } : { refusal: error.message }),
    });
  }
  return seeOther(`${studioPath(id)}?notice=updated`);
}

/** Ban, unban, lock or unlock: the Backend API's route of that name, then back to the user's page. */
function userAction(action: 'ban' | 'unban' | 'lock' | 'unlock', notice: string): StudioRoute {
  return {
    method: 'POST',
    path: `/studio/users/{id}/${action}`,
    handler: async (request) => {
      const id = request.params.id ?? '';
      await request.api.post<UserJSON>(`${apiPath(id)}/${action}`);
      return seeOther(`${studioPath(id)}?notice=${notice}`);
    },
  };
}

async function confirmDelete(request: StudioRequest) {
  const user = await getUser(request);
  const label = userLabel(user);
  return studioPage({
    title: 'Delete user',
    section: 'users',
    csrfToken: request.csrfToken,
    gated: request.gated,
    body: html`<div class="card">
<p>You are about to delete <strong>${label}</strong> (<code>${user.id}</code>).</p>
<ul>
<li>The user and their organization memberships are deleted.</li>
<li>Their active sessions are revoked, and their pending tokens (test session tokens, sign-in tokens, actor tokens, agent tasks) are revoked.</li>
<li>The audit log keeps its events about them.</li>
</ul>
<p><strong>This cannot be undone.</strong></p>
<form method="post" action="${studioPath(user.id)}/delete" class="actions">
${csrfField(request.csrfToken)}
<button type="submit" class="danger">Delete ${label}</button>
<a href="${studioPath(user.id)}">Cancel</a>
</form>
</div>`,
  });
}

async function deleteUser(request: StudioRequest) {
  await request.api.delete(apiPath(request.params.id ?? ''));
  return seeOther('/studio/users?notice=deleted');
}

export const userPages: readonly StudioRoute[] = [
  { method: 'GET', path: '/studio/users/{id}', handler: userPage },
  {
    method: 'GET',
    path: '/studio/users/{id}/edit',
    handler: async (request) => {
      const user = await getUser(request);
      return editPage(request, user, { values: valuesOf(user) });
    },
  },
  { method: 'POST', path: '/studio/users/{id}/edit', handler: saveUser },
  userAction('ban', 'banned'),
  userAction('unban', 'unbanned'),
  userAction('lock', 'locked'),
  userAction('unlock', 'unlocked'),
  { method: 'GET', path: '/studio/users/{id}/delete', handler: confirmDelete },
  { method: 'POST', path: '/studio/users/{id}/delete', handler: deleteUser },
];
