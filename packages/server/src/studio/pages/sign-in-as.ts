import type { OrganizationMembershipJSON, TestSessionTokenJSON, UserJSON } from '@tessera/wire';
import { StudioApiError } from '../api';
import { formatTime, userLabel } from '../format';
import { html } from '../html';
import { csrfField, studioPage } from '../layout';
import { qrCodeSvg } from '../qr-code';
import type { StudioRequest, StudioRoute } from '../route';
import { ticketStatusPath } from './tokens';

/** The session lengths offered, in seconds; 30 minutes is a test session token's own default. */
const SESSION_LENGTHS: readonly (readonly [number, string])[] = [
  [900, '15 minutes'],
  [1800, '30 minutes'],
  [3600, '1 hour'],
  [28_800, '8 hours'],
  [86_400, '24 hours'],
  [604_800, '7 days'],
];
const DEFAULT_LENGTH = '1800';

/** The parameters whose refusals are shown next to their field; any other refusal is a notice. */
const FIELD_PARAMS = new Set(['redirect_url', 'session_max_duration_in_seconds', 'organization_id']);

interface SignInAsForm {
  /** An origin from the list, or '' for tessera's signed-in page. */
  readonly landing: string;
  /** Any URL typed in (development instances only); wins over `landing`. */
  readonly otherUrl: string;
  readonly length: string;
  readonly organizationId: string;
}

const EMPTY_FORM: SignInAsForm = { landing: '', otherUrl: '', length: DEFAULT_LENGTH, organizationId: '' };

function formValues(form: URLSearchParams): SignInAsForm {
  return {
    landing: form.get('landing')?.trim() ?? '',
    otherUrl: form.get('other_url')?.trim() ?? '',
    length: form.get('session_max_duration_in_seconds')?.trim() || DEFAULT_LENGTH,
    organizationId: form.get('organization_id')?.trim() ?? '',
  };
}

function pagePath(userId: string): string {
  return `/studio/users/${encodeURIComponent(userId)}/sign-in-as`;
}

/** The user and their memberships, both through the Backend API (a missing user is its 404). */
async function loadUser({ api, params }: StudioRequest) {
  const userPath = `/v1/users/${encodeURIComponent(params.id ?? '')}`;
  const user = await api.get<UserJSON>(userPath);
  const memberships = await api.get<{ data: OrganizationMembershipJSON[] }>(
    `${userPath}/organization_memberships`,
    { limit: 500, paginated: true },
  );
  return { user, memberships: memberships.data };
}

/** Where the browser may land, for display: the configured origins (the API decides at create). */
function landingChoices({ ctx }: StudioRequest): { origin: string; clerk: boolean }[] {
  const clerk = new Set(ctx.settings.clerkAppOrigins);
  const origins = [...new Set([...ctx.settings.allowedRedirectOrigins, ...ctx.settings.clerkAppOrigins])];
  return origins.map((origin) => ({ origin, clerk: clerk.has(origin) }));
}

function testSessionTokensRefused({ ctx }: StudioRequest): boolean {
  return ctx.environment === 'production' && !ctx.settings.testSessionTokensEnabled;
}

const SIGN_IN_TOKEN_HINT =
  'On a production instance, a sign-in token (POST /v1/sign_in_tokens) is the way to sign in as a user.';

function formPage(
  request: StudioRequest,
  user: UserJSON,
  memberships: readonly OrganizationMembershipJSON[],
  values: SignInAsForm,
  refusal?: StudioApiError,
) {
  const development = request.ctx.environment === 'development';
  const fieldRefusal = refusal?.paramName !== undefined && FIELD_PARAMS.has(refusal.paramName);
  // A refused redirect is shown at the field it came from: the typed URL, else the list.
  const errorAt = (field: string) => {
    if (!refusal || !fieldRefusal) return false;
    if (refusal.paramName === 'redirect_url') {
      return field === (development && values.otherUrl ? 'other_url' : 'landing');
    }
    return refusal.paramName === field;
  };
  const fieldError = (field: string) =>
    errorAt(field) ? html`<span class="error" id="${field}-error">${refusal?.message}</span>` : '';
  const described = (field: string, hint?: string) => {
    const ids = [hint, errorAt(field) ? `${field}-error` : undefined].filter(Boolean).join(' ');
    return html`${errorAt(field) ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
  };
  const selected = (on: boolean) => (on ? html` selected` : '');
  const choices = landingChoices(request);
  const lengthKnown = SESSION_LENGTHS.some(([seconds]) => String(seconds) === values.length);
  const notice =
    refusal && !fieldRefusal
      ? {
          kind: 'refused' as const,
          text:
            refusal.code === 'test_session_tokens_disabled'
              ? `${refusal.message} ${SIGN_IN_TOKEN_HINT}`
              : refusal.message,
        }
      : undefined;
  const label = userLabel(user);
  return studioPage({
    title: `Sign in as ${label}`,
    section: 'users',
    status: refusal ? refusal.status : 200,
    csrfToken: request.csrfToken,
    gated: request.gated,
    notice,
    body: html`<form method="post" action="${pagePath(user.id)}" class="card">
${csrfField(request.csrfToken)}
<p class="muted">Creates a test session token for <a href="/studio/users/${encodeURIComponent(user.id)}">${label}</a>: a link that signs whoever opens it in as this user, once.</p>
${testSessionTokensRefused(request) ? html`<p class="hint muted">This is a production instance that refuses test session tokens (TESSERA_ENABLE_TEST_SESSION_TOKENS is not set). ${SIGN_IN_TOKEN_HINT}</p>` : ''}
<div class="field"><label for="landing">Where the browser lands</label>
<select id="landing" name="landing"${described('landing')}>
<option value=""${selected(values.landing === '')}>tessera's signed-in page</option>
${choices.map(
  ({ origin, clerk }) =>
    html`<option value="${origin}"${selected(values.landing === origin)}>${origin}${clerk ? ' (Clerk app)' : ''}</option>`,
)}
</select>${fieldError('landing')}</div>
${
  development
    ? html`<div class="field"><label for="other_url">or another URL <span class="hint">(optional)</span></label>
<input id="other_url" name="other_url" inputmode="url" autocomplete="off" value="${values.otherUrl}" placeholder="http://localhost:3000/dashboard"${described('other_url', 'other_url-hint')}>
<span class="hint" id="other_url-hint">Used instead of the choice above. A development instance also allows any http(s) URL on localhost, 127.0.0.1 or [::1].</span>${fieldError('other_url')}</div>`
    : ''
}
<div class="field"><label for="session_max_duration_in_seconds">Session length</label>
<select id="session_max_duration_in_seconds" name="session_max_duration_in_seconds"${described('session_max_duration_in_seconds')}>
${SESSION_LENGTHS.map(
  ([seconds, text]) =>
    html`<option value="${seconds}"${selected(String(seconds) === values.length || (!lengthKnown && String(seconds) === DEFAULT_LENGTH))}>${text}</option>`,
)}
</select>${fieldError('session_max_duration_in_seconds')}</div>
${
  memberships.length > 0
    ? html`<div class="field"><label for="organization_id">Organization</label>
<select id="organization_id" name="organization_id"${described('organization_id')}>
<option value=""${selected(values.organizationId === '')}>No organization</option>
${memberships.map(
  ({ organization, role_name }) =>
    html`<option value="${organization.id}"${selected(values.organizationId === organization.id)}>${organization.name} (${role_name})</option>`,
)}
</select>${fieldError('organization_id')}</div>`
    : ''
}
<div class="actions"><button type="submit">Create sign-in link</button><a href="/studio/users/${encodeURIComponent(user.id)}">Cancel</a></div>
</form>`,
  });
}

async function resultPage(
  request: StudioRequest,
  user: UserJSON,
  memberships: readonly OrganizationMembershipJSON[],
  token: TestSessionTokenJSON,
) {
  const label = userLabel(user);
  const url = token.url ?? '';
  const length =
    SESSION_LENGTHS.find(([seconds]) => seconds === token.session_max_duration_in_seconds)?.[1] ??
    `${token.session_max_duration_in_seconds} seconds`;
  const organization = memberships.find(({ organization }) => organization.id === token.organization_id)
    ?.organization.name;
  const qrCode = await qrCodeSvg(url, `QR code of the sign-in link for ${label}`);
  return studioPage({
    title: `Sign in as ${label}`,
    section: 'users',
    csrfToken: request.csrfToken,
    gated: request.gated,
    notice: {
      kind: 'done',
      text: 'Test session token created. Its link is shown only here: copy it now.',
    },
    body: html`<section class="card" aria-labelledby="link-heading">
<h2 id="link-heading">Sign-in link</h2>
<p class="muted">Whoever opens it is signed in as ${label}, once, until ${formatTime(token.expires_at)}.</p>
<div class="link-box"><code id="sign-in-link">${url}</code><button type="button" data-copy="#sign-in-link" hidden>Copy link</button></div>
<div class="actions"><a class="button" href="${url}" target="_blank" rel="noopener noreferrer">Open in a new window</a><a class="button secondary" href="${pagePath(user.id)}">Create another</a></div>
<div class="qr">${qrCode}</div>
<dl class="facts">
<dt>Status</dt><dd><span class="badge ${token.status}" data-live-status="${ticketStatusPath('test_session_tokens', token.id)}" data-while="pending">${token.status}</span></dd>
<dt>Link expires</dt><dd>${formatTime(token.expires_at)}</dd>
<dt>Lands on</dt><dd>${token.redirect_url ?? "tessera's signed-in page"}</dd>
<dt>Session length</dt><dd>${length}</dd>
<dt>Organization</dt><dd>${organization ?? token.organization_id ?? 'None'}</dd>
<dt>Token</dt><dd><code>${token.id}</code></dd>
</dl>
</section>
<p><a href="/studio/tokens?kind=test_session_tokens&amp;user_id=${encodeURIComponent(user.id)}">This user's test session tokens</a></p>`,
  });
}

async function showForm(request: StudioRequest) {
  const { user, memberships } = await loadUser(request);
  return formPage(request, user, memberships, EMPTY_FORM);
}

/**
 * Creates the test session token and answers with its link (200, not a redirect: the link exists
 * only in this reply, the API keeping only its hash).
 */
async function createLink(request: StudioRequest) {
  const { user, memberships } = await loadUser(request);
  const values = formValues(request.form);
  const development = request.ctx.environment === 'development';
  const redirectUrl = (development && values.otherUrl) || values.landing;
  const seconds = Number(values.length);
  let token: TestSessionTokenJSON;
  try {
    token = await request.api.post<TestSessionTokenJSON>('/v1/test_session_tokens', {
      user_id: user.id,
      ...(redirectUrl && { redirect_url: redirectUrl }),
      // A value not from the list goes as it came, for the API to refuse by name.
      session_max_duration_in_seconds: Number.isInteger(seconds) ? seconds : values.length,
      ...(values.organizationId && { organization_id: values.organizationId }),
    });
  } catch (error) {
    if (error instanceof StudioApiError && error.status < 500) {
      return formPage(request, user, memberships, values, error);
    }
    throw error;
  }
  return resultPage(request, user, memberships, token);
}

export const signInAsPages: readonly StudioRoute[] = [
  { method: 'GET', path: '/studio/users/{id}/sign-in-as', handler: showForm },
  { method: 'POST', path: '/studio/users/{id}/sign-in-as', handler: createLink },
];
