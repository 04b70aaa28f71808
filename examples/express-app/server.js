// `npm run example`: tessera and the example app together, with fixture users and a sign-in link.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackendApiClient } from '@tessera/backend';
import { startTessera } from '@tessera/server';
import { createExampleApp } from './app.js';

const APP_PORT = Number(process.env.APP_PORT ?? 3000);
const TESSERA_PORT = Number(process.env.TESSERA_PORT ?? 4001);
// tessera on 127.0.0.1, the app on localhost: two different sites, as in real life.
const TESSERA_HOST = '127.0.0.1';
const APP_HOST = 'localhost';
export const FIXTURE_USERS = ['ada@example.com', 'grace@example.com'];

/**
 * A busy port said as `npm start` says it: the port, and the variable that picks another. Any other
 * error is returned as it is.
 */
function portInUse(error, port, host, variable) {
  if (error?.code !== 'EADDRINUSE') return error;
  const refusal = new Error(`port ${port} on ${host} is in use: pick another with ${variable}`);
  refusal.code = 'EADDRINUSE';
  return refusal;
}

/** Express 5's `app.listen` hands a listen error to its callback: listen without one, and reject. */
function listen(app, port, host) {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server)).once('error', reject);
  });
}

/**
 * Starts both, creates the fixture users; resolves to what a test or a person needs. A busy port
 * rejects with `code: 'EADDRINUSE'` and a message naming APP_PORT or TESSERA_PORT, after closing
 * whatever had started.
 *
 * @param {{ appPort?: number, tesseraPort?: number, sessionTokenLifetimeSeconds?: number }} [options]
 *   ports (0 picks a free one) and the session JWT lifetime
 */
export async function startExample({
  appPort = APP_PORT,
  tesseraPort = TESSERA_PORT,
  sessionTokenLifetimeSeconds,
} = {}) {
  const tessera = await startTessera({
    databaseUrl: ':memory:',
    host: TESSERA_HOST,
    port: tesseraPort,
    log: () => {},
    ...(sessionTokenLifetimeSeconds && { sessionTokenLifetimeSeconds }),
  }).catch((error) => {
    throw portInUse(error, tesseraPort, TESSERA_HOST, 'TESSERA_PORT');
  });
  const app = createExampleApp({ apiUrl: tessera.url, secretKey: tessera.secretKey });
  const listening = await listen(app, appPort, APP_HOST).catch(async (error) => {
    await tessera.close();
    throw portInUse(error, appPort, APP_HOST, 'APP_PORT');
  });
  const close = async () => {
    listening.closeAllConnections();
    await new Promise((resolve) => listening.close(resolve));
    await tessera.close();
  };
  const appUrl = `http://${APP_HOST}:${listening.address().port}`;
  const client = createBackendApiClient({ apiUrl: tessera.url, secretKey: tessera.secretKey });
  try {
    for (const email of FIXTURE_USERS) await client.users.create({ emailAddress: [email] });
  } catch (error) {
    await close();
    throw error;
  }
  return { appUrl, tessera, client, close };
}

/** `npm run example`: a busy port is one line and exit code 2, as `npm start` says it. */
async function startForAPerson() {
  try {
    return await startExample();
  } catch (error) {
    if (error?.code !== 'EADDRINUSE') throw error;
    process.stderr.write(`example: ${error.message}\n`);
    process.exitCode = 2;
    return null;
  }
}

/** Prints the first sign-in link and how to make more; Ctrl-C stops both. */
async function greet(example) {
  const token = await example.client.testSessionTokens.create({
    identifier: FIXTURE_USERS[0],
    redirectUrl: `${example.appUrl}/`,
  });
  process.stdout.write(`The example app is at ${example.appUrl}, tessera at ${example.tessera.url}.

Open this one-time link to be signed in as ${FIXTURE_USERS[0]}:

  ${token.url}

More links, from another terminal:
  TESSERA_API_URL=${example.tessera.url} TESSERA_SECRET_KEY=${example.tessera.secretKey} \\
    npx tessera tokens create --user grace@example.com --redirect-url ${example.appUrl}/

Ctrl-C stops both.
`);
  const stop = async () => {
    await example.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const example = await startForAPerson();
  if (example) await greet(example);
}
