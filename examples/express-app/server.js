// `npm run example`: tessera and the example app together, with fixture users and a sign-in link.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackendApiClient } from '@tessera/backend';
import { startTessera } from '@tessera/server';
import { createExampleApp } from './app.js';

const APP_PORT = Number(process.env.APP_PORT ?? 3000);
const TESSERA_PORT = Number(process.env.TESSERA_PORT ?? 4001);
export const FIXTURE_USERS = ['ada@example.com', 'grace@example.com'];

/**
 * Starts both, creates the fixture users; resolves to what a test or a person needs.
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
    port: tesseraPort,
    log: () => {},
    ...(sessionTokenLifetimeSeconds && { sessionTokenLifetimeSeconds }),
  });
  const app = createExampleApp({ apiUrl: tessera.url, secretKey: tessera.secretKey });
  const listening = await new Promise((resolve, reject) => {
    const server = app.listen(appPort, 'localhost', () => resolve(server)).on('error', reject);
  });
  const appUrl = `http://localhost:${listening.address().port}`;
  const client = createBackendApiClient({ apiUrl: tessera.url, secretKey: tessera.secretKey });
  for (const email of FIXTURE_USERS) await client.users.create({ emailAddress: [email] });
  return {
    appUrl,
    tessera,
    client,
    close: async () => {
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
      await tessera.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const example = await startExample();
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
