// Better Auth as its docs set it up, on better-sqlite3, with the admin plugin (create users,
// impersonate) and the testUtils plugin (sign in as a user from a test). The server and the test
// process each build one instance on the same SQLite file, as an app and its tests do.
import { importFrom } from './cache.mjs';

/** A fixed secret: the bench's cookies are signed with it, as an app's are with its BETTER_AUTH_SECRET. */
const SECRET = 'tessera-bench-better-auth-secret-0123456789';

/**
 * `betterAuth(...)` from the peer folder `dir`, on the SQLite file `dbPath`, serving `baseURL`.
 * The database runs in WAL mode, as tessera's does in the same comparison; the rate limiter is off
 * (it is on by default only in production) and so is telemetry (off by default too).
 */
export async function createBetterAuth(dir, { dbPath, baseURL }) {
  const [{ betterAuth }, { admin, testUtils }, { default: Database }] = await Promise.all([
    importFrom(dir, 'better-auth'),
    importFrom(dir, 'better-auth/plugins'),
    importFrom(dir, 'better-sqlite3'),
  ]);
  const database = new Database(dbPath);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  const auth = betterAuth({
    database,
    baseURL,
    secret: SECRET,
    trustedOrigins: [baseURL],
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    plugins: [admin(), testUtils()],
  });
  return { auth, database };
}

/** Creates Better Auth's tables (its programmatic migration, what `npx @better-auth/cli migrate` runs). */
export async function migrateBetterAuth(dir, auth) {
  const { getMigrations } = await importFrom(dir, 'better-auth/db/migration');
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
}
