// Direct SQL on a tessera Postgres database: the Postgres counterpart of seed.mjs, and the one place
// the harness knows the server's statements. The floors of scenarios 8 and 9 issue here, through `pg`
// alone, what tessera's create and accept send to Postgres; before measuring, each scenario records
// what a node sends for one request and fails if the floor's list differs (FLOOR_STATEMENTS,
// postgres-cluster.mjs checkFloorStatements). The server must have created the tables first.
import { createHash, randomBytes } from 'node:crypto';
import { ID_BODY_LENGTH, ID_PREFIXES } from '@tessera/wire';
import pg from 'pg';

/** Where the Postgres scenarios create (and drop) a database of their own. */
export const POSTGRES_URL_VARIABLE = 'TESSERA_BENCH_POSTGRES_URL';
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const postgresServerUrl = () => process.env[POSTGRES_URL_VARIABLE] || DEFAULT_POSTGRES_URL;

/** Connections in each node's pool: tessera's default, given to the nodes and to the floors alike. */
export const POOL_SIZE = 10;

/** Timestamps are bigint columns; read them as numbers, as the server does. */
const INT8_OID = 20;
const types = {
  getTypeParser: (oid, format) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)),
};

/** A pool shaped like a tessera node's (same size, same type parsing). */
export function openPool(url, max = POOL_SIZE) {
  const pool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {});
  return pool;
}

/** The URL without its password, for messages. */
export function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

async function asAdmin(serverUrl, work) {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Databases this run created and has not dropped yet: dropped at the end, and on Ctrl-C. */
const live = new Map();

/**
 * A new database with a random name (`tessera_bench_<hex>`) on the bench's Postgres server. Throws a
 * message naming the server and TESSERA_BENCH_POSTGRES_URL when it cannot be reached: a Postgres
 * scenario without Postgres could not run, which is never a pass.
 */
export async function createBenchDatabase(serverUrl = postgresServerUrl()) {
  const name = `tessera_bench_${randomBytes(6).toString('hex')}`;
  try {
    await asAdmin(serverUrl, (client) => client.query(`create database ${name}`));
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    throw new Error(
      `cannot create a database on Postgres at ${redactUrl(serverUrl)} (${reason}); start Postgres there, or set ${POSTGRES_URL_VARIABLE} to a server where this user may create databases`,
    );
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    live.delete(name);
    await asAdmin(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
  };
  live.set(name, drop);
  return { name, url: url.toString(), drop };
}

/** Drops every database this run created that is still there (an interrupted run). */
export async function dropBenchDatabases() {
  await Promise.allSettled([...live.values()].map((drop) => drop()));
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;

/**
 * Ids shaped like the server's (prefix, `_`, 27 base62 characters) that sort by creation time to the
 * millisecond, as the server's do: 6 characters of seconds, 2 of the millisecond, then random ones.
 */
export class IdMaker {
  #random = Buffer.alloc(0);
  #offset = 0;

  make(kind, nowMs) {
    const wholeSeconds = Math.floor(nowMs / 1000);
    let seconds = Math.max(0, wholeSeconds - KSUID_EPOCH_SECONDS);
    let time = '';
    for (let i = 0; i < 6; i++) {
      time = BASE62[seconds % 62] + time;
      seconds = Math.floor(seconds / 62);
    }
    const millisecond = Math.floor(nowMs) - wholeSeconds * 1000;
    time += BASE62[Math.floor(millisecond / 62)] + BASE62[millisecond % 62];
    const tail = ID_BODY_LENGTH - time.length;
    if (this.#offset + tail > this.#random.length) {
      this.#random = randomBytes(64 * 1024);
      this.#offset = 0;
    }
    let body = time;
    for (let i = 0; i < tail; i++) body += BASE62[this.#random[this.#offset++] % 62];
    return `${ID_PREFIXES[kind]}_${body}`;
  }
}

const sha256Hex = (value) => createHash('sha256').update(value).digest('hex');

/** What the create and accept paths write that the harness has to match (test session tokens). */
const TICKET_LIFETIME_MS = 600_000; // TEST_SESSION_TOKEN_LIMITS' default expiry
const SESSION_MAX_DURATION_SECONDS = 1800;
const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;
const SECRET_KEY_ACTOR = JSON.stringify({ type: 'secret_key', id: null, name: null });
const TICKET_HOLDER_ACTOR = JSON.stringify({ type: 'ticket_holder', id: null, name: null });

/**
 * Inserts `count` pending test session tokens for `userIds` (round robin), as `issueTicket` writes
 * them, and returns their values (the ticket's id, a dot, 256 random bits), as create would have.
 */
export async function insertPendingTickets(
  pool,
  { userIds, count, now = Date.now(), lifetimeMs = 3_600_000 },
) {
  const ids = new IdMaker();
  const values = new Array(count);
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const idColumn = new Array(size);
    const users = new Array(size);
    const hashes = new Array(size);
    for (let i = 0; i < size; i++) {
      const id = ids.make('testSessionToken', now);
      const value = `${id}.${randomBytes(32).toString('base64url')}`;
      values[start + i] = value;
      idColumn[i] = id;
      users[i] = userIds[(start + i) % userIds.length];
      hashes[i] = sha256Hex(value);
    }
    await pool.query(
      `insert into tickets (id, kind, user_id, token_hash, status, redirect_url, session_id, expires_at,
         session_max_duration_seconds, details, agent_id, expiry_recorded, organization_id, created_at,
         updated_at)
       select id, 'test_session_token', user_id, token_hash, 'pending', null, null, $4::bigint, $5::integer,
         null, null, 0, null, $6::bigint, $6::bigint
       from unnest($1::text[], $2::text[], $3::text[]) as t(id, user_id, token_hash)`,
      [idColumn, users, hashes, now + lifetimeMs, SESSION_MAX_DURATION_SECONDS, now],
    );
  }
  return values;
}

// The statements, as Kysely compiles them for Postgres (same text, same parameters, same order).
// create: http/idempotency.ts (reserve, complete) around tickets/ticket-engine.ts issueTicket
// (store/tickets-store.ts insertTicketForActiveUser: the ticket and its audit event in one transaction).
const RESERVE_IDEMPOTENCY_KEY = `insert into "idempotency_keys" ("key_hash", "request_hash", "created_at", "expires_at", "response_status", "response_sealed") values ($1, $2, $3, $4, $5, $6) on conflict ("key_hash") do nothing`;
const INSERT_TICKET_FOR_ACTIVE_USER = `insert into "tickets" ("id", "kind", "user_id", "token_hash", "status", "redirect_url", "session_id", "expires_at", "session_max_duration_seconds", "details", "agent_id", "expiry_recorded", "organization_id", "created_at", "updated_at") select cast($1 as text) as "id", cast($2 as text) as "kind", cast($3 as text) as "user_id", cast($4 as text) as "token_hash", cast($5 as text) as "status", cast($6 as text) as "redirect_url", cast($7 as text) as "session_id", cast($8 as bigint) as "expires_at", cast($9 as integer) as "session_max_duration_seconds", cast($10 as text) as "details", cast($11 as text) as "agent_id", cast($12 as integer) as "expiry_recorded", cast($13 as text) as "organization_id", cast($14 as bigint) as "created_at", cast($15 as bigint) as "updated_at" from "users" where "users"."id" = $16 and "users"."banned" = $17 and "users"."locked" = $18 for share`;
const INSERT_AUDIT_EVENT = `insert into "audit_events" ("id", "type", "actor", "user_id", "ticket_id", "ticket_kind", "session_id", "agent_name", "task_description", "reason", "ip", "user_agent", "data", "created_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;
const COMPLETE_IDEMPOTENCY_KEY = `update "idempotency_keys" set "response_status" = $1, "response_sealed" = $2 where "key_hash" = $3`;
// accept: tickets/accept-at-once.ts, the ticket read, then the statement of
// store/ticket-acceptance-postgres.ts (the user locked, the single-use update, the session, the sign-in
// and the audit events, all at once).
const FIND_TICKET = `select * from "tickets" where "id" = $1`;
// The columns in the order of store/sessions-store.ts SESSION_COLUMNS and audit-store.ts AUDIT_EVENT_COLUMNS.
const SESSION_COLUMNS =
  'id client_id user_id status actor ticket_id authorized_party refresh_token_hash last_active_organization_id claims last_active_at expire_at abandon_at created_at updated_at'.split(
    ' ',
  );
const AUDIT_EVENT_COLUMNS =
  'id type actor user_id ticket_id ticket_kind session_id agent_name task_description reason ip user_agent data created_at'.split(
    ' ',
  );
const columnsOfRow = (columns) => columns.map((column) => `"row"."${column}"`).join(', ');
const listOf = (columns) => columns.map((column) => `"${column}"`).join(', ');
const ACCEPT_PENDING_TICKET = `with "user" as (
  select "id" from "users"
  where "id" = $1 and "banned" = 0 and "locked" = 0
    and ($3::text is null or exists (
      select from "organization_memberships" where "organization_id" = $3 and "user_id" = $1))
  for no key update
), "accepted" as (
  update "tickets" set "status" = 'accepted', "session_id" = $4, "updated_at" = $5
  where "id" = $2 and "status" = 'pending' and "expires_at" > $5 and exists (select from "user")
  returning "id"
), "session" as (
  insert into "sessions" (${listOf(SESSION_COLUMNS)})
  select ${columnsOfRow(SESSION_COLUMNS)}
  from "accepted", json_populate_record(null::"sessions", $6::json) as "row"
), "signed_in" as (
  update "users" set "last_sign_in_at" = $5, "last_active_at" = $5
  where "id" = $1 and exists (select from "accepted")
), "events" as (
  insert into "audit_events" (${listOf(AUDIT_EVENT_COLUMNS)})
  select ${columnsOfRow(AUDIT_EVENT_COLUMNS)}
  from "accepted", json_populate_recordset(null::"audit_events", $7::json) as "row"
)
select count(*)::integer as "accepted" from "accepted"`;

/** The statements each floor issues, in order, for the check against the server's own. */
export const FLOOR_STATEMENTS = {
  create: [
    RESERVE_IDEMPOTENCY_KEY,
    'begin',
    INSERT_TICKET_FOR_ACTIVE_USER,
    INSERT_AUDIT_EVENT,
    'commit',
    COMPLETE_IDEMPOTENCY_KEY,
  ],
  accept: [FIND_TICKET, ACCEPT_PENDING_TICKET],
};

function expectRows(result, rows, what) {
  if (result.rowCount !== rows)
    throw new Error(`floor: ${what} changed ${result.rowCount} rows, not ${rows}`);
  return result;
}

/** Runs `work` in a transaction on one client of the pool, as a Kysely transaction does. */
async function inTransaction(pool, work) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await work(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

const eventRow = (id, type, actor, { userId, ticketId, sessionId, now }) => [
  id,
  type,
  actor,
  userId,
  ticketId,
  'test_session_token',
  sessionId,
  null,
  null,
  null,
  '127.0.0.1',
  null,
  null,
  now,
];

/**
 * One create as tessera writes it, through `pg` alone: the idempotency record reserved, the ticket
 * (checked against its user in the same statement) and its audit event in one transaction, the
 * sealed reply stored. `sealedLength` is the length of the server's sealed reply, read back from the
 * database, so the floor writes rows of the same size.
 */
export function createFloorStep(pool, { userIds, sealedLength }) {
  const ids = new IdMaker();
  const sealed = randomBytes(Math.ceil((sealedLength * 3) / 4))
    .toString('base64')
    .slice(0, sealedLength);
  let next = 0;
  return async () => {
    const userId = userIds[next++ % userIds.length];
    const now = Date.now();
    const keyHash = randomBytes(32).toString('hex');
    expectRows(
      await pool.query(RESERVE_IDEMPOTENCY_KEY, [
        keyHash,
        randomBytes(32).toString('hex'),
        now,
        now + IDEMPOTENCY_RETENTION_MS,
        null,
        null,
      ]),
      1,
      'reserving the idempotency key',
    );
    const ticketId = ids.make('testSessionToken', now);
    await inTransaction(pool, async (client) => {
      expectRows(
        await client.query(INSERT_TICKET_FOR_ACTIVE_USER, [
          ticketId,
          'test_session_token',
          userId,
          randomBytes(32).toString('hex'),
          'pending',
          null,
          null,
          now + TICKET_LIFETIME_MS,
          SESSION_MAX_DURATION_SECONDS,
          null,
          null,
          0,
          null,
          now,
          now,
          userId,
          0,
          0,
        ]),
        1,
        'the ticket insert',
      );
      await client.query(
        INSERT_AUDIT_EVENT,
        eventRow(ids.make('event', now), 'ticket.issued', SECRET_KEY_ACTOR, {
          userId,
          ticketId,
          sessionId: null,
          now,
        }),
      );
    });
    expectRows(await pool.query(COMPLETE_IDEMPOTENCY_KEY, [200, sealed, keyHash]), 1, 'storing the reply');
  };
}

/** An audit event's row as tessera writes it for an acceptance (keys are its columns). */
const eventObject = (id, type, actor, { userId, ticketId, sessionId, now }) => ({
  id,
  type,
  actor,
  user_id: userId,
  ticket_id: ticketId,
  ticket_kind: 'test_session_token',
  session_id: sessionId,
  agent_name: null,
  task_description: null,
  reason: null,
  ip: '127.0.0.1',
  user_agent: null,
  data: null,
  created_at: now,
});

/**
 * One acceptance as tessera runs it on Postgres, through `pg` alone: the ticket read, then one
 * statement that locks its user, makes the single-use update and writes the session, the sign-in and
 * two audit events. No hash comparison, no JWT, no HTTP. Tickets are given with `add` (values from
 * insertPendingTickets); a floor that runs out fails.
 */
export function acceptFloorStep(pool) {
  const ids = new IdMaker();
  let queue = [];
  let next = 0;
  const step = async () => {
    if (next >= queue.length) throw new Error(`floor: it ran out of tickets after ${next}`);
    const value = queue[next++];
    const ticketId = value.slice(0, value.indexOf('.'));
    const now = Date.now();
    const { rows } = await pool.query(FIND_TICKET, [ticketId]);
    const ticket = rows[0];
    if (ticket?.status !== 'pending') throw new Error(`floor: ticket ${ticketId} is not pending`);
    const userId = ticket.user_id;
    const sessionId = ids.make('session', now);
    const expireAt = now + ticket.session_max_duration_seconds * 1000;
    const session = {
      id: sessionId,
      client_id: ids.make('client', now),
      user_id: userId,
      status: 'active',
      actor: JSON.stringify({ sub: ticketId, type: 'test_session_token' }),
      ticket_id: ticketId,
      authorized_party: null,
      refresh_token_hash: null,
      last_active_organization_id: null,
      claims: null,
      last_active_at: now,
      expire_at: expireAt,
      abandon_at: expireAt,
      created_at: now,
      updated_at: now,
    };
    const event = { userId, ticketId, sessionId, now };
    const events = [
      eventObject(ids.make('event', now), 'ticket.accepted', TICKET_HOLDER_ACTOR, event),
      eventObject(ids.make('event', now), 'session.started', TICKET_HOLDER_ACTOR, event),
    ];
    const { rows: accepted } = await pool.query({
      name: 'tessera_accept_pending_ticket', // prepared, as tessera runs it
      text: ACCEPT_PENDING_TICKET,
      values: [userId, ticketId, null, sessionId, now, JSON.stringify(session), JSON.stringify(events)],
    });
    if (accepted[0]?.accepted !== 1) throw new Error(`floor: ticket ${ticketId} was not accepted`);
  };
  step.remaining = () => queue.length - next;
  step.add = (values) => {
    queue = queue.slice(next).concat(values);
    next = 0;
  };
  return step;
}
