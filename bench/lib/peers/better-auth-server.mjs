// A minimal Node server for Better Auth: its handler on node:http, as its Node integration documents it.
// argv: <peer folder> <SQLite path> <port>. Migrates the database (a no-op when it is up to date),
// listens on 127.0.0.1, prints "better-auth is ready at URL"; GET /api/auth/ok is its health check.
import { createServer } from 'node:http';
import { createBetterAuth, migrateBetterAuth } from './better-auth-app.mjs';
import { importFrom } from './cache.mjs';

const [dir, dbPath, port] = process.argv.slice(2);
const baseURL = `http://127.0.0.1:${port}`;
const { toNodeHandler } = await importFrom(dir, 'better-auth/node');
const { auth, database } = await createBetterAuth(dir, { dbPath, baseURL });
await migrateBetterAuth(dir, auth);

const server = createServer(toNodeHandler(auth));
server.keepAliveTimeout = 65_000;
await new Promise((resolve) => server.listen(Number(port), '127.0.0.1', resolve));
process.stdout.write(`better-auth is ready at ${baseURL}\n`);

const stop = () => {
  server.close(() => {
    database.close();
    process.exit(0);
  });
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
