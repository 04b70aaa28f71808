/**
 * The SDK's client, verifyToken and authenticateRequest against a real tessera server, with nothing
 * but what every runtime has: the SDK module is passed in (whichever build the runtime picked), and so
 * are the server's URL and secret key. No imports, no `process`, no Node APIs: the same file runs on
 * Node, Bun, Deno and workerd.
 *
 * Each check is named; `runScenario` never throws: it runs them all in order and reports
 * `{ checks: [{ name, ok, ms?, error? }] }`, an error after an earlier failure naming that failure.
 */

/** Verifying two minutes after now: a session JWT lives 60 seconds, the default skew is 5. */
const LATER_MS = 120_000;

const base64url = {
  encode: (text) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
  decode: (part) => atob(part.replace(/-/g, '+').replace(/_/g, '/')),
};

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** The signing key of `GET /v1/jwks` as a PEM `PUBLIC KEY` block, as `tessera keys --pem` prints it. */
async function pemFromJwk(jwk) {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const { kty, n, e } = jwk;
  const key = await crypto.subtle.importKey('jwk', { kty, n, e }, algorithm, true, ['verify']);
  const der = new Uint8Array(await crypto.subtle.exportKey('spki', key));
  const body = btoa(String.fromCharCode(...der)).replace(/.{64}/g, '$&\n');
  return `-----BEGIN PUBLIC KEY-----\n${body.trimEnd()}\n-----END PUBLIC KEY-----\n`;
}

/** The same token with another `sub` in its payload and the original signature. */
function tampered(jwt) {
  const [header, payload, signature] = jwt.split('.');
  const claims = JSON.parse(base64url.decode(payload));
  return [header, base64url.encode(JSON.stringify({ ...claims, sub: 'user_someone_else' })), signature].join(
    '.',
  );
}

async function refusal(sdk, promise) {
  const error = await promise.then(
    () => {
      throw new Error('the token was accepted');
    },
    (e) => e,
  );
  assert(error instanceof sdk.TokenVerificationError, `expected a TokenVerificationError, got ${error}`);
  assert(error.code === 'token_verification_failed', `code ${error.code}`);
  return error.reason;
}

function signedIn(auth, user, session) {
  assert(auth.isSignedIn === true, `signed out: ${auth.reason}`);
  assert(auth.userId === user.id, 'userId');
  assert(auth.sessionId === session.id, 'sessionId');
  assert(auth.reason === null, 'reason');
}

function signedOut(auth, reason) {
  assert(auth.isSignedIn === false, 'signed in');
  assert(auth.userId === null && auth.claims === null, 'a signed-out state carries no user');
  assert(auth.reason === reason, `reason ${auth.reason}, expected ${reason}`);
}

/** The checks, in order; each reads and extends `s`, the state of the run. */
const CHECKS = [
  [
    'client: users.create',
    async (sdk, s) => {
      s.client = sdk.createBackendApiClient({ secretKey: s.secretKey, apiUrl: s.apiUrl, maxRetries: 0 });
      s.user = await s.client.users.create({ emailAddress: [`${s.label}@example.com`], username: s.label });
      assert(s.user.object === 'user' && s.user.id.startsWith('user_'), 'a user');
      assert(s.user.emailAddresses[0]?.emailAddress === `${s.label}@example.com`, 'its email address');
    },
  ],
  [
    'client: an API error is an ApiResponseError with the wire code',
    async (sdk, s) => {
      const error = await s.client.users.get('user_2x0000000000000000000000000').then(
        () => null,
        (e) => e,
      );
      assert(error instanceof sdk.ApiResponseError, `expected an ApiResponseError, got ${error}`);
      assert(error.code === 'resource_not_found' && error.status === 404, `${error.code} ${error.status}`);
    },
  ],
  [
    'client: testSessionTokens.create',
    async (_sdk, s) => {
      s.ticket = await s.client.testSessionTokens.create({
        userId: s.user.id,
        sessionMaxDurationInSeconds: 600,
      });
      assert(s.ticket.status === 'pending', `status ${s.ticket.status}`);
      assert(typeof s.ticket.token === 'string', 'a token');
      assert(s.ticket.url === `${s.apiUrl}/v1/tickets/accept?ticket=${s.ticket.token}`, 'its url');
    },
  ],
  [
    'client: testSessionTokens.accept',
    async (_sdk, s) => {
      const { session, jwt } = await s.client.testSessionTokens.accept(s.ticket.token);
      assert(session.userId === s.user.id && session.status === 'active', 'an active session of the user');
      assert(session.actor?.type === 'test_session_token' && session.actor.sub === s.ticket.id, 'its actor');
      assert(typeof jwt === 'string' && jwt.split('.').length === 3, 'a JWT');
      s.session = session;
      s.jwt = jwt;
      assert((await s.client.testSessionTokens.get(s.ticket.id)).status === 'accepted', 'the ticket is used');
    },
  ],
  [
    'client: sessions.getToken',
    async (_sdk, s) => {
      const token = await s.client.sessions.getToken(s.session.id);
      assert(typeof token.jwt === 'string' && token.jwt.split('.').length === 3, 'a JWT');
      const claims = JSON.parse(base64url.decode(token.jwt.split('.')[1]));
      assert(claims.sid === s.session.id && claims.sub === s.user.id, 'of the session');
      s.freshJwt = token.jwt;
    },
  ],
  [
    'verifyToken: jwtKey, the PEM of GET /v1/jwks',
    async (sdk, s) => {
      const { keys } = await s.client.jwks.get();
      assert(keys.length > 0, 'a signing key');
      s.jwtKey = await pemFromJwk(keys[0]);
      for (const jwt of [s.jwt, s.freshJwt]) {
        const claims = await sdk.verifyToken(jwt, { jwtKey: s.jwtKey });
        assert(claims.sub === s.user.id && claims.sid === s.session.id, 'the claims of the session');
        assert(claims.act?.sub === s.ticket.id, 'the actor claim');
      }
    },
  ],
  [
    'verifyToken: the JWKS, with secretKey and apiUrl',
    async (sdk, s) => {
      s.jwks = { secretKey: s.secretKey, apiUrl: s.apiUrl };
      for (const jwt of [s.jwt, s.freshJwt]) {
        const claims = await sdk.verifyToken(jwt, s.jwks);
        assert(claims.sub === s.user.id && claims.sid === s.session.id, 'the claims of the session');
      }
    },
  ],
  [
    'verifyToken: the JWKS, with jwksUrl and issuer',
    async (sdk, s) => {
      const options = { jwksUrl: `${s.apiUrl}/.well-known/jwks.json`, issuer: s.apiUrl };
      const claims = await sdk.verifyToken(s.freshJwt, options);
      assert(claims.sub === s.user.id && claims.iss === s.apiUrl, 'the claims of the session');
    },
  ],
  [
    'authenticateRequest: Authorization: Bearer',
    async (sdk, s) => {
      const headers = { Authorization: `Bearer ${s.jwt}` };
      for (const options of [{ jwtKey: s.jwtKey }, s.jwks]) {
        const auth = await sdk.authenticateRequest(
          new Request('https://app.example/api', { headers }),
          options,
        );
        signedIn(auth, s.user, s.session);
        assert(auth.actor?.sub === s.ticket.id, 'the actor');
      }
    },
  ],
  [
    'authenticateRequest: the __session cookie',
    async (sdk, s) => {
      const headers = { Cookie: `theme=dark; ${sdk.SESSION_COOKIE}=${s.freshJwt}` };
      assert(sdk.SESSION_COOKIE === '__session', `SESSION_COOKIE ${sdk.SESSION_COOKIE}`);
      for (const options of [{ jwtKey: s.jwtKey }, s.jwks]) {
        const auth = await sdk.authenticateRequest(new Request('https://app.example/', { headers }), options);
        signedIn(auth, s.user, s.session);
      }
    },
  ],
  [
    'authenticateRequest: no token is token-missing',
    async (sdk, s) => {
      signedOut(await sdk.authenticateRequest(new Request('https://app.example/'), s.jwks), 'token-missing');
    },
  ],
  [
    'refused: a tampered token is token-invalid-signature',
    async (sdk, s) => {
      const forged = tampered(s.jwt);
      for (const options of [{ jwtKey: s.jwtKey }, s.jwks]) {
        const reason = await refusal(sdk, sdk.verifyToken(forged, options));
        assert(reason === 'token-invalid-signature', `reason ${reason}`);
        const headers = { Authorization: `Bearer ${forged}` };
        const auth = await sdk.authenticateRequest(new Request('https://app.example/', { headers }), options);
        signedOut(auth, 'token-invalid-signature');
      }
    },
  ],
  [
    'refused: an expired token is token-expired',
    async (sdk, s) => {
      const clock = { now: () => Date.now() + LATER_MS };
      for (const options of [{ jwtKey: s.jwtKey }, s.jwks]) {
        const reason = await refusal(sdk, sdk.verifyToken(s.freshJwt, { ...options, clock }));
        assert(reason === 'token-expired', `reason ${reason}`);
        const headers = { Cookie: `__session=${s.freshJwt}` };
        const request = new Request('https://app.example/', { headers });
        signedOut(await sdk.authenticateRequest(request, { ...options, clock }), 'token-expired');
      }
      // The same token, on the present clock, is still good: the refusal was its age alone.
      assert(
        (await sdk.verifyToken(s.freshJwt, { jwtKey: s.jwtKey })).sid === s.session.id,
        'still valid now',
      );
    },
  ],
];

/** The names of every check, in order: what a complete run reports. */
export const CHECK_NAMES = CHECKS.map(([name]) => name);

/**
 * Runs every check with `sdk`, the module `@tessera/backend` (either build).
 *
 * @example
 * ```js
 * import * as sdk from '@tessera/backend';
 * const result = await runScenario(sdk, { apiUrl: 'http://127.0.0.1:4000', secretKey: 'sk_test_...', label: 'bun' });
 * ```
 */
export async function runScenario(sdk, { apiUrl, secretKey, label }) {
  const state = { apiUrl, secretKey, label: `${label}_${Math.random().toString(36).slice(2, 10)}` };
  const checks = [];
  let firstFailure = null;
  for (const [name, check] of CHECKS) {
    const started = Date.now();
    try {
      await check(sdk, state);
      checks.push({ name, ok: true, ms: Date.now() - started });
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const after = firstFailure === null ? '' : ` (after "${firstFailure}" failed)`;
      checks.push({ name, ok: false, error: `${detail}${after}` });
      firstFailure ??= name;
    }
  }
  return { checks };
}
