import { createBackendApiClient } from '@tessera/backend';
import { signOut, withAuth } from '@tessera/backend/express';
import express from 'express';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${escapeHtml(title)} · example app</title>
  <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
  <body>
    <nav><a href="/">Home</a> · <a href="/protected">Protected page</a> · <a href="/api/me">/api/me</a></nav>
    ${body}
  </body>
</html>`;
}

/**
 * The example app. `withAuth` does all the tessera work: it redeems the one-time handoff a test
 * session token's URL lands with, keeps the session in this origin's cookies, renews its short-lived
 * JWT, and sets `req.auth` on every request.
 *
 * @param {{ apiUrl: string, secretKey: string }} tessera where tessera is, and this app's secret key
 */
export function createExampleApp({ apiUrl, secretKey }) {
  const client = createBackendApiClient({ apiUrl, secretKey });
  const app = express();
  app.use(withAuth({ apiUrl, secretKey }));

  // The JWT may outlive its user by up to one lifetime (a deleted user): show the id then.
  const describeUser = async (auth) => {
    const user = await client.users.get(auth.userId).catch(() => null);
    if (!user) return auth.userId;
    const email = user.emailAddresses.find(
      (address) => address.id === user.primaryEmailAddressId,
    )?.emailAddress;
    return email ?? user.username ?? user.id;
  };

  app.get('/', async (req, res) => {
    if (!req.auth.isSignedIn) {
      res.send(page('Signed out', '<h1>Signed out</h1><p>Open a test session token URL to sign in.</p>'));
      return;
    }
    const who = await describeUser(req.auth);
    const marking = req.auth.actor?.type === 'test_session_token' ? ' (by a test session token)' : '';
    res.send(
      page(
        `Signed in as ${who}`,
        `<h1>Signed in as ${escapeHtml(who)}</h1>
    <p>User <code>${escapeHtml(req.auth.userId)}</code>, session <code>${escapeHtml(req.auth.sessionId)}</code>${escapeHtml(marking)}.</p>
    <form method="post" action="/sign-out"><button type="submit">Sign out</button></form>`,
      ),
    );
  });

  app.get('/protected', async (req, res) => {
    if (!req.auth.isSignedIn) {
      res.status(401).send(page('Signed out', '<h1>Signed out</h1><p>This page needs a signed-in user.</p>'));
      return;
    }
    const who = await describeUser(req.auth);
    res.send(page('Protected', `<h1>Protected page</h1><p>Only ${escapeHtml(who)} can see this.</p>`));
  });

  app.get('/api/me', (req, res) => {
    if (!req.auth.isSignedIn) {
      res.status(401).json({ signedIn: false, reason: req.auth.reason });
      return;
    }
    res.json({
      signedIn: true,
      userId: req.auth.userId,
      sessionId: req.auth.sessionId,
      actor: req.auth.actor,
    });
  });

  app.post('/sign-out', signOut({ apiUrl, secretKey, redirectTo: '/' }));
  return app;
}
