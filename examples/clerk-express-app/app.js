// An Express app written as Clerk's docs write one: nothing here knows about tessera. Pointed at
// tessera by its environment (CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY, CLERK_API_URL, CLERK_FAPI_URL),
// it signs in through Clerk's development handshake, which tessera answers. See README.md.
import { clerkClient, clerkMiddleware, getAuth } from '@clerk/express';
import express from 'express';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${escapeHtml(title)} · Clerk example app</title>
  <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
  <body>
    <nav><a href="/">Home</a> · <a href="/dashboard">Dashboard</a> · <a href="/api/me">/api/me</a></nav>
    ${body}
  </body>
</html>`;
}

const signOutForm = '<form method="post" action="/sign-out"><button type="submit">Sign out</button></form>';

/** The app: a public home page, a protected dashboard, `/api/me` and sign-out. */
export function createApp() {
  const app = express();

  // `frontendApiProxy` serves Clerk's Frontend API under /__clerk on this origin, forwarded to
  // CLERK_FAPI_URL: the handshake that renews a session goes through it.
  app.use(clerkMiddleware({ frontendApiProxy: { enabled: true } }));

  app.get('/', (req, res) => {
    const { userId } = getAuth(req);
    if (!userId) {
      res.send(page('Home', '<h1>Home</h1><p id="status">Signed out.</p>'));
      return;
    }
    res.send(
      page(
        'Home',
        `<h1>Home</h1><p id="status">Signed in as <code>${escapeHtml(userId)}</code>.</p>${signOutForm}`,
      ),
    );
  });

  app.get('/dashboard', (req, res) => {
    const { userId, sessionId, orgId, actor } = getAuth(req);
    if (!userId) {
      res
        .status(401)
        .send(page('Signed out', '<h1>Signed out</h1><p>The dashboard needs a signed-in user.</p>'));
      return;
    }
    res.send(
      page(
        'Dashboard',
        `<h1>Dashboard</h1>
    <dl>
      <dt>User</dt><dd><code id="user-id">${escapeHtml(userId)}</code></dd>
      <dt>Session</dt><dd><code id="session-id">${escapeHtml(sessionId)}</code></dd>
      <dt>Organization</dt><dd><code id="org-id">${escapeHtml(orgId ?? 'none')}</code></dd>
      <dt>Actor</dt><dd><pre id="actor">${escapeHtml(JSON.stringify(actor ?? null))}</pre></dd>
    </dl>
    ${signOutForm}`,
      ),
    );
  });

  app.get('/api/me', (req, res) => {
    const { userId, sessionId, orgId, actor } = getAuth(req);
    if (!userId) {
      res.status(401).json({ error: 'Unauthorized' });
      return;
    }
    res.json({ userId, sessionId, orgId: orgId ?? null, actor: actor ?? null });
  });

  // A POST is not renewed by clerkMiddleware (only a GET navigation is): one whose session JWT has
  // expired arrives signed out. It is sent to this page, whose GET renews the JWT, to sign out from.
  app.get('/sign-out', (req, res) => {
    if (!getAuth(req).userId) {
      res.redirect(303, '/');
      return;
    }
    res.send(page('Sign out', `<h1>Sign out</h1>${signOutForm}`));
  });

  // Revokes the session. The browser's session JWT stays valid until it expires, as with any
  // Clerk backend: the app sees the revocation within one JWT lifetime.
  app.post('/sign-out', async (req, res) => {
    const { sessionId } = getAuth(req);
    if (!sessionId) {
      res.redirect(303, '/sign-out');
      return;
    }
    await clerkClient.sessions.revokeSession(sessionId);
    res.redirect(303, '/');
  });

  return app;
}

/**
 * Starts the app on `port` (0 picks a free one), on every interface as Express does by default;
 * resolves to the listening server.
 *
 * @param {{ port?: number }} [options]
 * @returns {Promise<import('node:http').Server>}
 */
export function startApp({ port = Number(process.env.PORT ?? 3100) } = {}) {
  return new Promise((resolve, reject) => {
    const server = createApp().listen(port);
    server.once('listening', () => resolve(server)).once('error', reject);
  });
}
