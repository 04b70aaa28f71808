import {
  ApiResponseError,
  type BackendApiClient,
  createBackendApiClient,
  verifyToken,
} from '@tessera/backend';
import { type RunningTessera, startTessera } from '@tessera/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Sign-in tokens, actor tokens, agent tasks, testing tokens and the audit log against the real
// server: ephemeral port, in-memory SQLite.
let tessera: RunningTessera;
let client: BackendApiClient;
let verify: { secretKey: string; apiUrl: string };

beforeAll(async () => {
  tessera = await startTessera({ databaseUrl: ':memory:', port: 0, log: () => {} });
  client = createBackendApiClient({ secretKey: tessera.secretKey, apiUrl: tessera.url });
  verify = { secretKey: tessera.secretKey!, apiUrl: tessera.url };
});

afterAll(async () => {
  await tessera?.close();
});

async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  const error = await promise.then(
    () => {
      throw new Error('expected an ApiResponseError');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof ApiResponseError)) throw error;
  return error;
}

describe('signInTokens', () => {
  it('create -> accept from code: a plain session (no actor); get, list, revoke', async () => {
    const user = await client.users.create({ username: 'magic_link_user' });
    const created = await client.signInTokens.create({
      userId: user.id,
      expiresInSeconds: 3600,
      sessionMaxDurationInSeconds: 7200,
    });
    expect(created).toMatchObject({
      object: 'sign_in_token',
      userId: user.id,
      status: 'pending',
      sessionMaxDurationInSeconds: 7200,
      token: expect.any(String),
    });
    expect(created.expiresAt - created.createdAt).toBe(3_600_000);

    const { session, jwt } = await client.signInTokens.accept(created.token!);
    expect(session).toMatchObject({ userId: user.id, status: 'active', actor: null });
    const claims = await verifyToken(jwt, verify);
    expect(claims).toMatchObject({ sub: user.id, sid: session.id });
    expect(claims.act).toBeUndefined();

    expect(await client.signInTokens.get(created.id)).toMatchObject({
      status: 'accepted',
      sessionId: session.id,
      token: null,
      url: null,
    });
    expect((await apiError(client.signInTokens.accept(created.token!))).code).toBe('ticket_already_used');

    const pending = await client.signInTokens.create({ userId: user.id });
    const page = await client.signInTokens.list({ userId: user.id });
    expect(page.totalCount).toBe(2);
    expect(page.data.map((token) => token.id).sort()).toEqual([created.id, pending.id].sort());
    expect((await client.signInTokens.revoke(pending.id)).status).toBe('revoked');
    expect((await apiError(client.signInTokens.revoke(pending.id))).code).toBe(
      'sign_in_token_cannot_be_revoked',
    );
    expect((await apiError(client.signInTokens.accept(pending.token!))).code).toBe('ticket_revoked');
    expect((await client.signInTokens.list({ userId: user.id, status: 'revoked' })).totalCount).toBe(1);
  });

  it('an idempotent create returns the same token', async () => {
    const user = await client.users.create({ username: 'magic_link_idem' });
    const first = await client.signInTokens.create({ userId: user.id }, { idempotencyKey: 'sit-idem-1' });
    const again = await client.signInTokens.create({ userId: user.id }, { idempotencyKey: 'sit-idem-1' });
    expect(again.id).toBe(first.id);
  });
});

describe('actorTokens', () => {
  it('the session and its JWT carry the actor exactly as given', async () => {
    const user = await client.users.create({ username: 'impersonated' });
    const actor = { sub: 'support_42', ticketRef: 'T-1234', nested_key: { camelCase: true } };
    const created = await client.actorTokens.create({ userId: user.id, actor });
    expect(created).toMatchObject({ object: 'actor_token', userId: user.id, actor, status: 'pending' });
    expect(created.sessionMaxDurationInSeconds).toBe(1800);

    const { session, jwt } = await client.actorTokens.accept(created.token!);
    expect(session.actor).toEqual(actor);
    expect((await verifyToken(jwt, verify)).act).toEqual(actor);
    expect(await client.actorTokens.get(created.id)).toMatchObject({ status: 'accepted', actor });

    const other = await client.actorTokens.create({ userId: user.id, actor: { sub: 'support_43' } });
    expect((await client.actorTokens.revoke(other.id)).status).toBe('revoked');
    const listed = await client.actorTokens.list({ userId: user.id, status: 'revoked' });
    expect(listed).toMatchObject({ totalCount: 1, data: [{ id: other.id, actor: { sub: 'support_43' } }] });
  });

  it('revoking through another kind is refused', async () => {
    const user = await client.users.create({ username: 'wrong_kind' });
    const created = await client.actorTokens.create({ userId: user.id, actor: { sub: 'support_44' } });
    expect(await apiError(client.signInTokens.revoke(created.id))).toMatchObject({
      status: 404,
      code: 'resource_not_found',
    });
    expect((await client.actorTokens.get(created.id)).status).toBe('pending');
  });
});

describe('agentTasks', () => {
  it('create on behalf of an identifier -> accept: the session acts as the agent', async () => {
    const user = await client.users.create({ emailAddress: ['agent-owner@example.com'] });
    const task = await client.agentTasks.create({
      onBehalfOf: { identifier: 'agent-owner@example.com' },
      permissions: '*',
      agentName: 'checkout-bot',
      taskDescription: 'Buy the weekly groceries',
      redirectUrl: 'http://localhost:3000/cart',
      sessionMaxDurationInSeconds: 600,
      expiresInSeconds: 120,
    });
    expect(task).toMatchObject({
      object: 'agent_task',
      userId: user.id,
      agentTaskId: task.id,
      taskId: task.id,
      agentId: expect.stringMatching(/^agt_/),
      agentName: 'checkout-bot',
      taskDescription: 'Buy the weekly groceries',
      permissions: '*',
      redirectUrl: 'http://localhost:3000/cart',
      sessionMaxDurationInSeconds: 600,
      status: 'pending',
    });
    expect(task.expiresAt - task.createdAt).toBe(120_000);

    const { session, jwt } = await client.agentTasks.accept(task.token!);
    expect(session.actor).toMatchObject({
      type: 'agent',
      sub: task.agentId,
      agent_name: 'checkout-bot',
      task_id: task.id,
    });
    expect((await verifyToken(jwt, verify)).act).toEqual(session.actor);
    expect((await client.agentTasks.get(task.id)).status).toBe('accepted');
  });

  it('the same agent name is the same agent; list filters by agent; revoke', async () => {
    const user = await client.users.create({ username: 'agent_owner' });
    const params = {
      onBehalfOf: { userId: user.id },
      permissions: '*',
      agentName: 'inbox-bot',
      taskDescription: 'Sort the inbox',
      redirectUrl: 'http://localhost:3000/inbox',
    } as const;
    const first = await client.agentTasks.create(params);
    const second = await client.agentTasks.create({ ...params, taskDescription: 'Archive old mail' });
    expect(second.agentId).toBe(first.agentId);

    const byAgent = await client.agentTasks.list({ agentId: first.agentId });
    expect(byAgent.data.map((task) => task.id).sort()).toEqual([first.id, second.id].sort());
    expect((await client.agentTasks.revoke(second.id)).status).toBe('revoked');
    expect((await apiError(client.agentTasks.revoke(second.id))).code).toBe('agent_task_cannot_be_revoked');
  });
});

describe('testingTokens', () => {
  it('create returns a token valid for an hour', async () => {
    const before = Date.now();
    const testingToken = await client.testingTokens.create();
    expect(testingToken).toEqual({
      object: 'testing_token',
      token: expect.any(String),
      expiresAt: expect.any(Number),
    });
    expect(testingToken.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    const { data } = await client.auditEvents.list({ type: 'testing_token.issued' });
    expect(data.length).toBeGreaterThanOrEqual(1);
  });
});

// Events of one millisecond are ordered by their random ids: this server's clock moves only when
// told to, so "issued, then accepted" is a fact of the test, not of timing.
describe('auditEvents', () => {
  let now = Date.UTC(2030, 0, 1);
  let clocked: RunningTessera;
  let audited: BackendApiClient;

  beforeAll(async () => {
    clocked = await startTessera({
      databaseUrl: ':memory:',
      port: 0,
      clock: { now: () => now },
      log: () => {},
    });
    audited = createBackendApiClient({ secretKey: clocked.secretKey, apiUrl: clocked.url });
  });

  afterAll(async () => {
    await clocked?.close();
  });

  const oldestFirst = async (ticketId: string) =>
    (await audited.auditEvents.list({ ticketId, orderBy: '+created_at' })).data;

  it('a sign-in token issued then accepted, filtered by ticket id, user, type and time', async () => {
    const user = await audited.users.create({ username: 'audited' });
    now += 1000;
    const issuedAt = now;
    const created = await audited.signInTokens.create({ userId: user.id });
    now += 1000;
    const acceptedAt = now;
    const { session } = await audited.signInTokens.accept(created.token!);

    const events = await oldestFirst(created.id);
    expect(events.map((event) => event.type)).toEqual([
      'ticket.issued',
      'ticket.accepted',
      'session.started',
    ]);
    expect(events[0]).toMatchObject({
      actor: { type: 'secret_key', id: null, name: null },
      ticketKind: 'sign_in_token',
      sessionId: null,
      createdAt: issuedAt,
    });
    expect(events[1]).toMatchObject({
      object: 'audit_event',
      id: expect.stringMatching(/^evt_/),
      actor: { type: 'ticket_holder', id: null, name: null },
      userId: user.id,
      ticketId: created.id,
      ticketKind: 'sign_in_token',
      sessionId: session.id,
      reason: null,
      userAgent: expect.stringMatching(/^@tessera\/backend\//),
      createdAt: acceptedAt,
    });

    const newestFirst = await audited.auditEvents.list({ ticketId: created.id });
    expect(newestFirst.data.map((event) => event.id)).toEqual(events.map((event) => event.id).reverse());
    const accepted = await audited.auditEvents.list({ userId: user.id, type: 'ticket.accepted' });
    expect(accepted).toMatchObject({ totalCount: 1, data: [{ ticketId: created.id }] });
    const after = await audited.auditEvents.list({ ticketId: created.id, createdAfter: issuedAt });
    expect(after.data.map((event) => event.createdAt)).toEqual([acceptedAt, acceptedAt]);
    const before = await audited.auditEvents.list({ ticketId: created.id, createdBefore: acceptedAt });
    expect(before).toMatchObject({ totalCount: 1, data: [{ type: 'ticket.issued' }] });
    const page = await audited.auditEvents.list({ ticketId: created.id, limit: 1, offset: 1 });
    expect(page).toMatchObject({ totalCount: 3, data: [{ id: newestFirst.data[1]!.id }] });
  });

  it('an agent task: issued by the key, accepted by the agent; another revoked', async () => {
    const user = await audited.users.create({ username: 'agent_audited' });
    const params = {
      onBehalfOf: { userId: user.id },
      permissions: '*',
      agentName: 'checkout-bot',
      taskDescription: 'Buy the weekly groceries',
      redirectUrl: 'http://localhost:3000/cart',
    } as const;
    now += 1000;
    const task = await audited.agentTasks.create(params);
    now += 1000;
    const { session } = await audited.agentTasks.accept(task.token!);
    expect((await oldestFirst(task.id)).slice(0, 2)).toMatchObject([
      {
        type: 'ticket.issued',
        actor: { type: 'secret_key' },
        ticketKind: 'agent_task',
        userId: user.id,
        agentName: 'checkout-bot',
        taskDescription: 'Buy the weekly groceries',
      },
      {
        type: 'ticket.accepted',
        actor: { type: 'agent', id: task.agentId, name: 'checkout-bot' },
        sessionId: session.id,
      },
    ]);

    now += 1000;
    const revoked = await audited.agentTasks.create(params);
    now += 1000;
    await audited.agentTasks.revoke(revoked.id);
    expect((await oldestFirst(revoked.id)).map((event) => [event.type, event.actor.type])).toEqual([
      ['ticket.issued', 'secret_key'],
      ['ticket.revoked', 'secret_key'],
    ]);
  });
});
