// Direct SQL on a tessera SQLite file: the one place the harness knows the server's tables. The
// server must have created the file (migrations) first; whatever is written here is checked through
// the API by the caller (a seeded user gets a token, a pooled ticket is accepted).
import { createHash, randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ID_BODY_LENGTH, ID_PREFIXES } from '@tessera/wire';
import Database from 'better-sqlite3';
import { track } from './processes.mjs';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;
const TIME_CHARS = 6;

/**
 * Ids shaped like the server's (prefix, `_`, 27 base62 characters), made without BigInt: 6 characters
 * of seconds, then random ones, so they sort by creation second (the server's, to the millisecond).
 * Millions per second.
 */
class IdMaker {
  #random = Buffer.alloc(0);
  #offset = 0;

  make(kind, nowMs) {
    let seconds = Math.max(0, Math.floor(nowMs / 1000) - KSUID_EPOCH_SECONDS);
    let time = '';
    for (let i = 0; i < TIME_CHARS; i++) {
      time = BASE62[seconds % 62] + time;
      seconds = Math.floor(seconds / 62);
    }
    const tail = ID_BODY_LENGTH - TIME_CHARS;
    if (this.#offset + tail > this.#random.length) {
      this.#random = randomBytes(64 * 1024);
      this.#offset = 0;
    }
    let body = time;
    for (let i = 0; i < tail; i++) body += BASE62[this.#random[this.#offset++] % 62];
    return `${ID_PREFIXES[kind]}_${body}`;
  }
}

export const sha256Hex = (value) => createHash('sha256').update(value).digest('hex');

function open(path) {
  const db = new Database(path);
  db.pragma('busy_timeout = 10000');
  return db;
}

function ticketInserter(db) {
  return db.prepare(
    `insert into tickets (id, kind, user_id, token_hash, status, redirect_url, session_id, expires_at,
       session_max_duration_seconds, created_at, updated_at)
     values (@id, 'test_session_token', @user_id, @token_hash, @status, null, @session_id, @expires_at,
       1800, @created_at, @updated_at)`,
  );
}

/**
 * Seeds `count` users (one email address each), `count` test session tokens and `count` sessions
 * into a closed tessera database, in one transaction, spread over the last 30 days: 90% of tokens
 * accepted (each with its session), 5% revoked, 5% left pending past their expiry. Returns `sample`
 * user ids spread over the whole table, for the load.
 */
export function seedHistory(path, { count, sample = 100, now = Date.now() }) {
  const db = open(path);
  try {
    // Nothing else has the file open: write it like a bulk loader, then put it back in WAL mode.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.pragma('temp_store = MEMORY');
    const ids = new IdMaker();
    const insertUser = db.prepare(
      `insert into users (id, external_id, username, first_name, last_name, primary_email_address_id,
         public_metadata, private_metadata, unsafe_metadata, banned, last_sign_in_at, last_active_at,
         created_at, updated_at)
       values (@id, null, null, 'Seed', @last_name, @email_id, '{}', '{}', '{}', 0, @created_at,
         @created_at, @created_at, @created_at)`,
    );
    const insertEmail = db.prepare(
      `insert into email_addresses (id, user_id, email_address, created_at)
       values (@id, @user_id, @email_address, @created_at)`,
    );
    const insertTicket = ticketInserter(db);
    const insertSession = db.prepare(
      `insert into sessions (id, client_id, user_id, status, actor, ticket_id, authorized_party,
         refresh_token_hash, last_active_at, expire_at, abandon_at, created_at, updated_at)
       values (@id, @client_id, @user_id, @status, @actor, @ticket_id, null, null, @created_at,
         @expire_at, @expire_at, @created_at, @created_at)`,
    );
    const span = 30 * 24 * 3600 * 1000;
    const every = Math.max(1, Math.floor(count / sample));
    const sampled = [];
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const createdAt = now - span + Math.floor((span * i) / count);
        const userId = ids.make('user', createdAt);
        const emailId = ids.make('emailAddress', createdAt);
        const ticketId = ids.make('testSessionToken', createdAt);
        const sessionId = ids.make('session', createdAt);
        const roll = i % 20;
        const status = roll === 0 ? 'revoked' : roll === 1 ? 'pending' : 'accepted';
        insertUser.run({ id: userId, last_name: `N${i}`, email_id: emailId, created_at: createdAt });
        insertEmail.run({
          id: emailId,
          user_id: userId,
          email_address: `seed-${i}@example.com`,
          created_at: createdAt,
        });
        insertTicket.run({
          id: ticketId,
          user_id: userId,
          token_hash: randomBytes(32).toString('hex'),
          status,
          session_id: status === 'accepted' ? sessionId : null,
          expires_at: createdAt + 300_000,
          created_at: createdAt,
          updated_at: createdAt,
        });
        insertSession.run({
          id: sessionId,
          client_id: ids.make('client', createdAt),
          user_id: userId,
          status: roll < 10 ? 'ended' : 'active',
          actor: JSON.stringify({ sub: ticketId, type: 'test_session_token' }),
          ticket_id: ticketId,
          expire_at: createdAt + 1_800_000,
          created_at: createdAt,
        });
        if (i % every === every >> 1 && sampled.length < sample) sampled.push(userId);
      }
    })();
    db.pragma('journal_mode = WAL');
    return sampled;
  } finally {
    db.close();
  }
}

/**
 * seedHistory in a worker thread, so the run stays responsive (and interruptible) while it writes.
 * Resolves to the sampled user ids.
 */
export function seedHistoryInWorker(path, options) {
  const worker = track(
    new Worker(new URL('./seed-worker.mjs', import.meta.url), { workerData: { path, options } }),
  );
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the seeding worker exited (${code}) before it finished`)),
    );
  });
}

/**
 * Inserts `count` pending test session tokens for `userIds` (round robin) into a database the server
 * has open (WAL lets both write), and returns their values, as the create endpoint would have.
 * Much faster than creating them over HTTP, which is scenario 3's job, not the accept scenarios'.
 */
export function insertPendingTickets(path, { userIds, count, now = Date.now(), lifetimeMs = 3_600_000 }) {
  const db = open(path);
  try {
    const ids = new IdMaker();
    const insert = ticketInserter(db);
    const values = new Array(count);
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        // As the server makes them: the ticket's id, a dot, 256 random bits.
        const id = ids.make('testSessionToken', now);
        const value = `${id}.${randomBytes(32).toString('base64url')}`;
        values[i] = value;
        insert.run({
          id,
          user_id: userIds[i % userIds.length],
          token_hash: sha256Hex(value),
          status: 'pending',
          session_id: null,
          expires_at: now + lifetimeMs,
          created_at: now,
          updated_at: now,
        });
      }
    })();
    return values;
  } finally {
    db.close();
  }
}

/** Rows of `table` and the bytes its b-trees (the table and each of its indexes) take in the file. */
export function tableFootprint(path, table) {
  const db = open(path);
  try {
    const names = [
      table,
      ...db
        .prepare(`select name from sqlite_master where type = 'index' and tbl_name = ?`)
        .all(table)
        .map((row) => row.name),
    ];
    const placeholders = names.map(() => '?').join(', ');
    const { bytes } = db
      .prepare(`select sum(pgsize) as bytes from dbstat where name in (${placeholders})`)
      .get(...names);
    const { rows } = db.prepare(`select count(*) as rows from ${table}`).get();
    return { rows, bytes, indexes: names.length - 1 };
  } finally {
    db.close();
  }
}
