import { instancePublishableKey } from '../../clerk/cookie-suffix';
import { CLI_VERSION } from '../../cli/version';
import type { ServerContext } from '../../core/context';
import { MIGRATIONS } from '../../store/migrations/index';
import { StudioApiError } from '../api';
import { html, type SafeHtml } from '../html';
import { studioPage } from '../layout';
import type { StudioRequest, StudioRoute } from '../route';

/** The schema this code knows, which a running node has applied: it refuses a newer one at start. */
const MIGRATION_NAMES = Object.keys(MIGRATIONS);

const DATABASES = { sqlite: 'SQLite', postgres: 'Postgres' } as const;

function origins(list: readonly string[], none: string): SafeHtml {
  return list.length === 0
    ? html`<span class="muted">${none}.</span><br>`
    : html`<ul>${list.map((origin) => html`<li><code>${origin}</code></li>`)}</ul>`;
}

function environmentFacts(ctx: ServerContext): SafeHtml {
  const production = ctx.environment === 'production';
  const meaning = production
    ? 'An sk_live_ key. Redirects must be https to a listed origin; test session tokens are refused unless enabled; testing tokens, Clerk’s development handshake and the Frontend API are off.'
    : 'An sk_test_ key. Redirects may also go to any http(s) origin on localhost, 127.0.0.1 or [::1]; test session tokens, testing tokens and Clerk’s development handshake are on.';
  const testTokens = production
    ? ctx.settings.testSessionTokensEnabled
      ? 'enabled (TESSERA_ENABLE_TEST_SESSION_TOKENS)'
      : 'refused (set TESSERA_ENABLE_TEST_SESSION_TOKENS=true to allow them)'
    : 'always allowed on a development instance';
  return html`<dt>Environment</dt><dd><strong>${ctx.environment}</strong><br><span class="muted">${meaning}</span></dd>
<dt>Test session tokens</dt><dd>${testTokens}</dd>`;
}

async function health(request: StudioRequest): Promise<SafeHtml> {
  try {
    await request.api.get('/v1/health');
    return html`<span class="badge active">ok</span> <span class="muted">the database answers</span>`;
  } catch (error) {
    if (error instanceof StudioApiError) {
      return html`<span class="badge refused">unavailable</span> ${error.message}`;
    }
    throw error;
  }
}

async function instancePage(request: StudioRequest) {
  const { ctx, csrfToken, gated } = request;
  const { settings } = ctx;
  const builtIn =
    ctx.environment === 'development'
      ? 'Also, always: this instance’s own origin and any http(s) origin on localhost, 127.0.0.1 or [::1].'
      : 'Also, always: this instance’s own origin.';
  return studioPage({
    title: 'Instance',
    section: 'instance',
    csrfToken,
    gated,
    body: html`<section class="card" aria-labelledby="instance-heading">
<h2 id="instance-heading">This instance</h2>
<dl class="facts">
${environmentFacts(ctx)}
<dt>Instance id</dt><dd><code>${ctx.instanceId}</code></dd>
<dt>Public URL</dt><dd><code>${settings.publicUrl}</code><br><span class="muted">The base of ticket URLs and the JWT <code>iss</code>.</span></dd>
<dt>Publishable key</dt><dd><code>${instancePublishableKey(ctx)}</code></dd>
<dt>Health</dt><dd>${await health(request)}</dd>
</dl>
</section>
<section class="card" aria-labelledby="redirects-heading">
<h2 id="redirects-heading">Redirects</h2>
<dl class="facts">
<dt>Allowed redirect origins</dt><dd>${origins(settings.allowedRedirectOrigins, 'none listed (TESSERA_ALLOWED_REDIRECT_ORIGINS)')}<span class="muted">${builtIn}</span></dd>
<dt>Clerk app origins</dt><dd>${origins(settings.clerkAppOrigins, 'none (TESSERA_CLERK_APP_ORIGINS)')}<span class="muted">${
      ctx.environment === 'development'
        ? 'Tickets redirecting there land through Clerk’s development handshake.'
        : 'Development instances only: a production instance refuses the setting.'
    }</span></dd>
</dl>
</section>
<section class="card" aria-labelledby="sessions-heading">
<h2 id="sessions-heading">Sessions and storage</h2>
<dl class="facts">
<dt>Session JWT lifetime</dt><dd>${settings.sessionTokenLifetimeSeconds} seconds</dd>
<dt>Audit retention</dt><dd>${settings.auditRetentionDays} days</dd>
<dt>Database</dt><dd>${DATABASES[ctx.dialect.name]}</dd>
</dl>
</section>
<section class="card" aria-labelledby="versions-heading">
<h2 id="versions-heading">Versions</h2>
<dl class="facts">
<dt>tessera</dt><dd>${CLI_VERSION}</dd>
<dt>Node.js</dt><dd>${process.versions.node}</dd>
<dt>Schema</dt><dd><code>${MIGRATION_NAMES.at(-1) ?? '—'}</code> <span class="muted">(${MIGRATION_NAMES.length} migrations)</span></dd>
</dl>
</section>`,
  });
}

export const instancePages: readonly StudioRoute[] = [
  { method: 'GET', path: '/studio/instance', handler: instancePage },
];
