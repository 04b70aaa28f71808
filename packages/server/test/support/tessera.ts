import { createPublicKey, randomBytes } from 'node:crypto';
import {
  type RequestLogEntry,
  type RunningTessera,
  startTessera,
  type TesseraOptions,
} from '@tessera/server';
import { expect } from 'vitest';

/** 2025-01-15T12:00:00Z: a realistic "now", so JWT times can be checked against it. */
export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A clock the test moves by hand; the server reads it through `options.clock`. */
export class FakeClock {
  t: number;

  constructor(start = T0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  advance(ms: number): void {
    this.t += ms;
  }

  /** The clock as a Date, for `jwtVerify`'s `currentDate`. */
  date(): Date {
    return new Date(this.t);
  }
}

export const ID = {
  user: /^user_[0-9A-Za-z]{27}$/,
  session: /^sess_[0-9A-Za-z]{27}$/,
  client: /^client_[0-9A-Za-z]{27}$/,
  emailAddress: /^idn_[0-9A-Za-z]{27}$/,
  testSessionToken: /^tst_[0-9A-Za-z]{27}$/,
  instance: /^ins_[0-9A-Za-z]{27}$/,
} as const;

/** A well-formed id of a kind that no record has. */
export const unknownId = (prefix: string) => `${prefix}_${'0'.repeat(25)}zz`;

/** A fresh secret key of the given environment, for pinning. */
export function newSecretKey(environment: 'test' | 'live' = 'test'): string {
  return `sk_${environment}_${randomBytes(32).toString('base64url')}`;
}

// biome-ignore lint/suspicious/noExplicitAny: test replies are read field by field; a JSON value is untyped
export type Json = any;

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly text: string;
  /** The parsed body when it is JSON, otherwise undefined. */
  readonly body: Json;
}

export interface CallOptions {
  /** An object or array is sent as JSON; a string or Buffer as given; absent means an empty body. */
  readonly body?: unknown;
  /** Extra or replacing headers (lower-case names); a value of undefined removes a default header. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** The secret key to send; false sends no Authorization header. Default: the instance's key. */
  readonly auth?: string | false;
}

export interface TestServer {
  readonly tessera: RunningTessera;
  readonly clock: FakeClock;
  readonly logs: RequestLogEntry[];
  readonly secretKey: string;
  /** In-process request through `app.handle`; `path` may carry a query string. */
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  get(path: string, options?: CallOptions): Promise<Reply>;
  post(path: string, body?: unknown, options?: CallOptions): Promise<Reply>;
  patch(path: string, body?: unknown, options?: CallOptions): Promise<Reply>;
  del(path: string, options?: CallOptions): Promise<Reply>;
  /** Creates a user and returns it, failing the test if the server refuses. */
  createUser(params?: Record<string, unknown>): Promise<Json>;
  /** Creates a test session token and returns it, failing the test if the server refuses. */
  createToken(params: Record<string, unknown>): Promise<Json>;
  /** Accepts a ticket through `POST /v1/tickets/accept` and returns the acceptance. */
  accept(ticket: string): Promise<Json>;
  close(): Promise<void>;
}

function encodeBody(body: unknown): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

function parseReply(status: number, headers: Record<string, string | string[]>, text: string): Reply {
  let body: Json;
  if (headers['content-type'] === 'application/json') body = JSON.parse(text);
  return { status, headers, text, body };
}

export interface StartOptions extends Omit<TesseraOptions, 'clock' | 'log'> {
  readonly clock?: FakeClock;
  /** The key to call with when it is neither pinned nor generated on this start (a restart). */
  readonly knownSecretKey?: string;
}

/** Starts a real tessera on an in-memory database (unless told otherwise) with a fake clock and captured logs. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const { clock = new FakeClock(), knownSecretKey, ...tesseraOptions } = options;
  const logs: RequestLogEntry[] = [];
  const tessera = await startTessera({
    databaseUrl: ':memory:',
    ...tesseraOptions,
    clock,
    log: (entry) => logs.push(entry),
  });
  const secretKey = tessera.secretKey ?? knownSecretKey;
  if (!secretKey) {
    await tessera.close();
    throw new Error('the test server needs a known secret key (pass knownSecretKey on a restart)');
  }

  const call = async (method: string, path: string, callOptions: CallOptions = {}): Promise<Reply> => {
    const [pathname = '', search = ''] = path.split(/\?(.*)/s);
    const headers: Record<string, string | undefined> = { 'content-type': 'application/json' };
    const auth = callOptions.auth ?? secretKey;
    if (auth !== false) headers.authorization = `Bearer ${auth}`;
    for (const [name, value] of Object.entries(callOptions.headers ?? {})) {
      if (value === undefined) delete headers[name];
      else headers[name] = value;
    }
    const response = await tessera.app.handle({
      method,
      path: pathname,
      query: new URLSearchParams(search),
      headers,
      body: encodeBody(callOptions.body),
    });
    return parseReply(response.status, { ...response.headers }, response.body);
  };

  const server: TestServer = {
    tessera,
    clock,
    logs,
    secretKey,
    call,
    get: (path, o) => call('GET', path, o),
    post: (path, body, o) => call('POST', path, { ...o, body }),
    patch: (path, body, o) => call('PATCH', path, { ...o, body }),
    del: (path, o) => call('DELETE', path, o),
    async createUser(params = {}) {
      const reply = await call('POST', '/v1/users', { body: params });
      expect(reply.status, reply.text).toBe(200);
      return reply.body;
    },
    async createToken(params) {
      const reply = await call('POST', '/v1/test_session_tokens', { body: params });
      expect(reply.status, reply.text).toBe(200);
      return reply.body;
    },
    async accept(ticket) {
      const reply = await call('POST', '/v1/tickets/accept', { body: { ticket }, auth: false });
      expect(reply.status, reply.text).toBe(200);
      return reply.body;
    },
    close: () => tessera.close(),
  };
  return server;
}

/**
 * Asserts the wire error shape: exactly `errors` and `clerk_trace_id` (the reply's request id), the
 * given status and first code, and `meta.param_name` when given. Returns the first error.
 */
export function expectError(reply: Reply, status: number, code: string, paramName?: string): Json {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers['content-type']).toBe('application/json');
  expect(Object.keys(reply.body).sort()).toEqual(['clerk_trace_id', 'errors']);
  expect(reply.body.clerk_trace_id).toBe(reply.headers['x-request-id']);
  expect(reply.body.clerk_trace_id).toMatch(/^req_\w+$/);
  expect(reply.body.errors.length).toBeGreaterThan(0);
  for (const error of reply.body.errors) {
    expect(Object.keys(error).sort()).toEqual(['code', 'long_message', 'message', 'meta']);
    expect(typeof error.message).toBe('string');
    expect(typeof error.long_message).toBe('string');
  }
  const [first] = reply.body.errors;
  expect(first.code, reply.text).toBe(code);
  if (paramName !== undefined) expect(first.meta?.param_name).toBe(paramName);
  return first;
}

/** Every `errors[].code` of an error reply. */
export const codesOf = (reply: Reply): string[] => reply.body.errors.map((error: Json) => error.code);

/** The server's current signing key as the PEM a `verifyToken({ jwtKey })` takes, read from its JWKS. */
export async function jwtKeyOf(server: TestServer): Promise<string> {
  const jwk = (await server.get('/v1/jwks')).body.keys[0];
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}
