// One server in its own process, so serving and load generation do not share an event loop.
// argv: <'tessera' | 'bare'> <options as JSON>. Sends { url, secretKey, pid } on IPC once listening.
// Messages: { type: 'profile-start' } and { type: 'profile-stop', path } take a V8 CPU profile (the
// profiler behind --cpu-prof) of just the window between them; { type: 'statements-start' } and
// { type: 'statements-stop' } record the SQL a tessera on Postgres sends between them (option
// `recordStatements`), so the Postgres floors can be checked against it; { type: 'stop' } closes and
// exits.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { serveCommands } from './child-commands.mjs';

const [kind, rawOptions = '{}'] = process.argv.slice(2);
const options = JSON.parse(rawOptions);
const PROFILE_SAMPLING_INTERVAL_US = 500;

async function startBare() {
  const body = Buffer.from(options.body ?? '{"object":"ok"}');
  // A request id like tessera's, so both answers carry the same headers apart from the framing.
  const headers = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'x-request-id': `req_${'0'.repeat(24)}`,
  };
  const server = createServer((req, res) => {
    // Read the request like any server must before answering on a kept-alive connection.
    req.on('data', () => {});
    req.on('end', () => res.writeHead(200, headers).end(body));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    secretKey: undefined,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** SQL texts sent through `pg` while `recorded` is a list: the server loads this same `pg` module. */
let recorded;
async function recordPostgresStatements() {
  const { default: pg } = await import('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function recordingQuery(config, ...rest) {
    recorded?.push(typeof config === 'string' ? config : config?.text);
    return query.call(this, config, ...rest);
  };
}

async function startServer() {
  if (kind === 'bare') return startBare();
  if (kind !== 'tessera') throw new Error(`unknown server kind "${kind}"`);
  const { recordStatements, ...tesseraOptions } = options;
  if (recordStatements) await recordPostgresStatements();
  const { startTessera } = await import('@tessera/server');
  return startTessera({ ...tesseraOptions, port: 0, log: false });
}

const running = await startServer();
let session;

const handlers = {
  async 'profile-start'() {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: PROFILE_SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
  },
  async 'profile-stop'({ path }) {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(path, JSON.stringify(profile));
  },
  async 'statements-start'() {
    recorded = [];
  },
  async 'statements-stop'() {
    const statements = recorded ?? [];
    recorded = undefined;
    return statements;
  },
  async stop() {
    await running.close();
    process.exit(0);
  },
};

serveCommands(handlers, { url: running.url, secretKey: running.secretKey });
