// What a test and an app do with each peer, written as each one's docs write it. A driver runs in a
// client process of its own (client-child.mjs), never in the server's: `users(count)` makes users to
// become (not timed), `become[path](userId)` goes from a user id to a credential an app accepts,
// `verify(credential)` is the app's check and answers the user id it found.
import { backendHeaders } from '../tessera-api.mjs';
import { createBetterAuth } from './better-auth-app.mjs';
import { importFrom } from './cache.mjs';

const json = async (response, what) => {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
};

/**
 * tessera as its docs write it: through `@tessera/backend`, the seed example's test session token
 * (create, then accept: `{ session, jwt }`), `sessions.create` + `sessions.getToken`, and the one call
 * `sessions.createWithToken`; and, as Better Auth's testUtils runs, the test process's own tessera
 * (`startTessera`) on the server's database file, `tessera.createSessionWithToken({ userId })`, no
 * HTTP. The app checks the JWT with `verifyToken(jwt, { jwtKey })`, networkless.
 */
async function tesseraDriver({ url, secretKey, dbPath }) {
  const sdk = await import('@tessera/backend');
  const { startTessera } = await import('@tessera/server');
  // The server's own public URL, so its JWTs and this one's carry the same `iss`.
  const embedded = await startTessera({
    databaseUrl: `file:${dbPath}`,
    publicUrl: url,
    log: false,
    studio: false,
  });
  const { createPublicKey } = await import('node:crypto');
  const client = sdk.createBackendApiClient({ secretKey, apiUrl: url, maxRetries: 0 });
  const jwks = await json(
    await fetch(`${url}/v1/jwks`, { headers: backendHeaders(secretKey) }),
    'GET /v1/jwks',
  );
  process.env.TESSERA_JWT_KEY = createPublicKey({ key: jwks.keys[0], format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  let next = 0;
  return {
    async users(count) {
      const ids = [];
      for (let i = 0; i < count; i++)
        ids.push((await client.users.create({ emailAddress: [`become-${next++}@example.com`] })).id);
      return ids;
    },
    become: {
      async testSessionToken(userId) {
        const { token } = await client.testSessionTokens.create({ userId });
        return (await client.testSessionTokens.accept(token)).jwt;
      },
      async session(userId) {
        const session = await client.sessions.create({ userId });
        return (await client.sessions.getToken(session.id)).jwt;
      },
      sessionWithToken: async (userId) => (await client.sessions.createWithToken({ userId })).jwt,
      inProcess: async (userId) => (await embedded.createSessionWithToken({ userId })).jwt,
    },
    verify: async (jwt) => (await sdk.verifyToken(jwt, { jwtKey: process.env.TESSERA_JWT_KEY })).sub,
  };
}

/**
 * The Firebase Auth emulator through firebase-admin (FIREBASE_AUTH_EMULATOR_HOST set, so custom tokens
 * are unsigned and ID tokens are not checked for a signature) and the Identity Toolkit REST call a
 * client SDK makes, signInWithCustomToken, which answers the ID token an app accepts.
 */
async function firebaseDriver({ dir, host, projectId }) {
  process.env.FIREBASE_AUTH_EMULATOR_HOST = host;
  const { initializeApp } = await importFrom(dir, 'firebase-admin/app');
  const { getAuth } = await importFrom(dir, 'firebase-admin/auth');
  const auth = getAuth(initializeApp({ projectId }));
  const signIn = `http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=fake-api-key`;
  let next = 0;
  return {
    async users(count) {
      const ids = [];
      for (let i = 0; i < count; i++)
        ids.push((await auth.createUser({ email: `become-${next++}@example.com` })).uid);
      return ids;
    },
    become: {
      async customToken(uid) {
        const token = await auth.createCustomToken(uid);
        const response = await fetch(signIn, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token, returnSecureToken: true }),
        });
        return (await json(response, 'signInWithCustomToken')).idToken;
      },
    },
    verify: async (idToken) => (await auth.verifyIdToken(idToken)).uid,
  };
}

/**
 * Better Auth: the test process's own instance on the server's database, as the testUtils plugin
 * documents it (`ctx.test.login({ userId })`: a session row and its signed cookie, no HTTP), and the
 * admin plugin's `POST /api/auth/admin/impersonate-user` over HTTP with an admin's session cookie.
 * The app checks the cookie with `auth.api.getSession({ headers })`: a database lookup.
 */
async function betterAuthDriver({ dir, dbPath, url }) {
  const { auth } = await createBetterAuth(dir, { dbPath, baseURL: url });
  const { test } = await auth.$context;
  const admin = await test.saveUser(test.createUser({ email: 'admin@example.com', role: 'admin' }));
  const adminCookie = (await test.login({ userId: admin.id })).headers.get('cookie');
  const sessionCookie = /(?:^|,\s*)(better-auth\.session_token=[^;]+)/;
  let next = 0;
  return {
    info: { adminCookie },
    async users(count) {
      const ids = [];
      for (let i = 0; i < count; i++)
        ids.push((await test.saveUser(test.createUser({ email: `become-${next++}@example.com` }))).id);
      return ids;
    },
    become: {
      testUtilsLogin: async (userId) => (await test.login({ userId })).headers.get('cookie'),
      async impersonateUser(userId) {
        const response = await fetch(`${url}/api/auth/admin/impersonate-user`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: adminCookie, origin: url },
          body: JSON.stringify({ userId }),
        });
        await json(response, 'POST /api/auth/admin/impersonate-user');
        const cookie = sessionCookie.exec(response.headers.getSetCookie().join(', '))?.[1];
        if (!cookie) throw new Error('impersonate-user set no session cookie');
        return cookie;
      },
    },
    async verify(cookie) {
      const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
      return session?.user.id;
    },
  };
}

export const DRIVERS = { tessera: tesseraDriver, firebase: firebaseDriver, betterAuth: betterAuthDriver };
