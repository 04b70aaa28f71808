import { createBackendApiClient } from '@tessera/backend';
import { describe, expect, it } from 'vitest';
import { fakeFetch, jsonReply, wireError } from './support/fake-fetch';
import { API, type Client, clientWith, expectRequest } from './support/requests';
import {
  ACTOR_TOKEN_ID,
  AGENT_ID,
  AGENT_TASK_ID,
  actorTokenJSON,
  agentTaskJSON,
  auditEventJSON,
  EVENT_ID,
  paginatedJSON,
  SECRET_KEY,
  SESSION_ID,
  SIGN_IN_TOKEN_ID,
  sessionJSON,
  signInTokenJSON,
  TOKEN_ID,
  testingTokenJSON,
  testSessionTokenJSON,
  USER_ID,
} from './support/wire-fixtures';

// Every kind of ticket has the same get, list, revoke and accept: one suite runs them all.
const KINDS = [
  {
    name: 'testSessionTokens',
    api: (c: Client) => c.testSessionTokens,
    path: '/v1/test_session_tokens',
    id: TOKEN_ID,
    idOption: 'testSessionTokenId',
    json: testSessionTokenJSON,
    object: 'test_session_token',
  },
  {
    name: 'signInTokens',
    api: (c: Client) => c.signInTokens,
    path: '/v1/sign_in_tokens',
    id: SIGN_IN_TOKEN_ID,
    idOption: 'signInTokenId',
    json: signInTokenJSON,
    object: 'sign_in_token',
  },
  {
    name: 'actorTokens',
    api: (c: Client) => c.actorTokens,
    path: '/v1/actor_tokens',
    id: ACTOR_TOKEN_ID,
    idOption: 'actorTokenId',
    json: actorTokenJSON,
    object: 'actor_token',
  },
  {
    name: 'agentTasks',
    api: (c: Client) => c.agentTasks,
    path: '/v1/agents/tasks',
    id: AGENT_TASK_ID,
    idOption: 'agentTaskId',
    json: agentTaskJSON,
    object: 'agent_task',
  },
] as const;

describe.each(KINDS)('$name: the methods every ticket kind shares', (kind) => {
  it('get', async () => {
    const { client, fake } = clientWith(kind.json({ token: null, url: null }));
    const ticket = await kind.api(client).get(kind.id);
    expectRequest(fake, { method: 'GET', path: `${kind.path}/${kind.id}` });
    expect(ticket).toMatchObject({ object: kind.object, id: kind.id, userId: USER_ID, token: null });
    expect(Object.isFrozen(ticket)).toBe(true);
  });

  it('list asks for the paginated form, with snake_case filters', async () => {
    const { client, fake } = clientWith(paginatedJSON([kind.json()], 4));
    const page = await kind.api(client).list({ userId: USER_ID, status: 'pending', orderBy: '-expires_at' });
    expectRequest(fake, {
      method: 'GET',
      path: kind.path,
      query: [
        ['user_id', USER_ID],
        ['status', 'pending'],
        ['order_by', '-expires_at'],
        ['paginated', 'true'],
      ],
    });
    expect(page).toMatchObject({ totalCount: 4, data: [{ object: kind.object, id: kind.id }] });
  });

  it('list without filters', async () => {
    const { client, fake } = clientWith(paginatedJSON([]));
    expect(await kind.api(client).list()).toEqual({ data: [], totalCount: 0 });
    expectRequest(fake, { method: 'GET', path: kind.path, query: [['paginated', 'true']] });
  });

  it('create answers with the token and url, and refuses a reply to create without them', async () => {
    // Parameters every kind accepts (the fake server does not read them).
    const params = {
      userId: USER_ID,
      onBehalfOf: { userId: USER_ID },
      agentName: 'a',
      taskDescription: 't',
    } as never;
    const issued = clientWith(kind.json());
    const ticket = await kind.api(issued.client).create(params);
    expect(typeof ticket.token).toBe('string');
    expect(typeof ticket.url).toBe('string');
    const { client } = clientWith(kind.json({ token: null, url: null }));
    await expect(kind.api(client).create(params)).rejects.toThrow(
      `the reply to create ${kind.id} holds no token and url`,
    );
  });

  it('revoke', async () => {
    const { client, fake } = clientWith(kind.json({ status: 'revoked', token: null, url: null }));
    expect((await kind.api(client).revoke(kind.id)).status).toBe('revoked');
    expectRequest(fake, { method: 'POST', path: `${kind.path}/${kind.id}/revoke` });
  });

  it('accept posts the ticket to /v1/tickets/accept without the secret key, once', async () => {
    const fake = fakeFetch(jsonReply({ object: 'ticket_acceptance', session: sessionJSON(), jwt: 'a.b.c' }));
    const client = createBackendApiClient({ secretKey: SECRET_KEY, apiUrl: API, fetch: fake.fetch });
    const { session, jwt } = await kind.api(client).accept('ticket-value');
    const call = fake.only();
    expect(call.method).toBe('POST');
    expect(call.url.href).toBe(`${API}/v1/tickets/accept`);
    expect(call.body).toEqual({ ticket: 'ticket-value' });
    expect(call.headers.Authorization).toBeUndefined();
    expect(call.headers['Idempotency-Key']).toBeUndefined();
    expect(session.id).toBe(SESSION_ID);
    expect(jwt).toBe('a.b.c');

    const failing = fakeFetch(wireError(503, 'service_unavailable'));
    const retrying = createBackendApiClient({
      secretKey: SECRET_KEY,
      apiUrl: API,
      fetch: failing.fetch,
      sleep: async () => {},
    });
    await expect(kind.api(retrying).accept('ticket-value')).rejects.toMatchObject({ status: 503 });
    expect(failing.calls).toHaveLength(1);
  });

  it('refuses a bad id or an empty token before any request', async () => {
    const { client, fake } = clientWith(kind.json());
    await expect(kind.api(client).get('../users')).rejects.toMatchObject({
      code: 'configuration_invalid',
      option: kind.idOption,
    });
    await expect(kind.api(client).revoke('')).rejects.toMatchObject({ option: kind.idOption });
    await expect(kind.api(client).accept('')).rejects.toMatchObject({ option: 'token' });
    expect(fake.calls).toHaveLength(0);
  });

  it('a malformed reply is a ResponseValidationError naming the resource', async () => {
    const { client } = clientWith(kind.json({ status: 'used' }));
    await expect(kind.api(client).get(kind.id)).rejects.toMatchObject({
      code: 'response_invalid',
      path: 'status',
    });
    const list = clientWith(paginatedJSON([kind.json({ user_id: 'usr_1' })]));
    await expect(kind.api(list.client).list()).rejects.toMatchObject({
      code: 'response_invalid',
      path: 'data[0].user_id',
    });
  });
});

describe('signInTokens.create', () => {
  it('sends snake_case params with an idempotency key', async () => {
    const { client, fake } = clientWith(signInTokenJSON());
    const token = await client.signInTokens.create({
      userId: USER_ID,
      expiresInSeconds: 3600,
      sessionMaxDurationInSeconds: 7200,
      redirectUrl: 'https://app.test/home',
    });
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/sign_in_tokens',
      body: {
        user_id: USER_ID,
        expires_in_seconds: 3600,
        session_max_duration_in_seconds: 7200,
        redirect_url: 'https://app.test/home',
      },
      idempotent: true,
    });
    expect(token).toMatchObject({ object: 'sign_in_token', id: SIGN_IN_TOKEN_ID, token: 'ticket-value' });
  });

  it('uses a caller-chosen idempotency key', async () => {
    const { client, fake } = clientWith(signInTokenJSON());
    await client.signInTokens.create({ userId: USER_ID }, { idempotencyKey: 'magic-link-1' });
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/sign_in_tokens',
      body: { user_id: USER_ID },
      idempotent: 'magic-link-1',
    });
  });
});

describe('actorTokens.create', () => {
  it('sends the actor with its keys exactly as given', async () => {
    const { client, fake } = clientWith(actorTokenJSON());
    const actor = { sub: 'support_42', ticketRef: 'T-1', nested_key: { camelCase: true } };
    const token = await client.actorTokens.create({
      userId: USER_ID,
      actor,
      expiresInSeconds: 600,
      sessionMaxDurationInSeconds: 900,
    });
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/actor_tokens',
      body: { user_id: USER_ID, actor, expires_in_seconds: 600, session_max_duration_in_seconds: 900 },
      idempotent: true,
    });
    expect(token.actor).toEqual(actor);
  });
});

describe('agentTasks.create', () => {
  it('snake-cases on_behalf_of too', async () => {
    const { client, fake } = clientWith(agentTaskJSON());
    const task = await client.agentTasks.create({
      onBehalfOf: { userId: USER_ID },
      permissions: '*',
      agentName: 'checkout-bot',
      taskDescription: 'Buy the weekly groceries',
      redirectUrl: 'http://localhost:3000/cart',
      sessionMaxDurationInSeconds: 600,
      expiresInSeconds: 120,
    });
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/agents/tasks',
      body: {
        on_behalf_of: { user_id: USER_ID },
        permissions: '*',
        agent_name: 'checkout-bot',
        task_description: 'Buy the weekly groceries',
        redirect_url: 'http://localhost:3000/cart',
        session_max_duration_in_seconds: 600,
        expires_in_seconds: 120,
      },
      idempotent: true,
    });
    expect(task).toMatchObject({ object: 'agent_task', agentId: AGENT_ID, agentTaskId: AGENT_TASK_ID });
  });

  it('by identifier, with a caller-chosen idempotency key', async () => {
    const { client, fake } = clientWith(agentTaskJSON());
    await client.agentTasks.create(
      {
        onBehalfOf: { identifier: 'ada@example.com' },
        permissions: '*',
        agentName: 'checkout-bot',
        taskDescription: 'Buy the weekly groceries',
        redirectUrl: 'http://localhost:3000/cart',
      },
      { idempotencyKey: 'task-1' },
    );
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/agents/tasks',
      body: {
        on_behalf_of: { identifier: 'ada@example.com' },
        permissions: '*',
        agent_name: 'checkout-bot',
        task_description: 'Buy the weekly groceries',
        redirect_url: 'http://localhost:3000/cart',
      },
      idempotent: 'task-1',
    });
  });

  it('list filters by agent', async () => {
    const { client, fake } = clientWith(paginatedJSON([agentTaskJSON()]));
    await client.agentTasks.list({ agentId: AGENT_ID, limit: 5, offset: 10 });
    expectRequest(fake, {
      method: 'GET',
      path: '/v1/agents/tasks',
      query: [
        ['agent_id', AGENT_ID],
        ['limit', '5'],
        ['offset', '10'],
        ['paginated', 'true'],
      ],
    });
  });
});

describe('testingTokens.create', () => {
  it('posts with a generated idempotency key and no body', async () => {
    const { client, fake } = clientWith(testingTokenJSON());
    expect(await client.testingTokens.create()).toEqual({
      object: 'testing_token',
      token: 'testing-token-value',
      expiresAt: 1_700_003_600_000,
    });
    expectRequest(fake, { method: 'POST', path: '/v1/testing_tokens', idempotent: true });
  });

  it('a malformed reply is a ResponseValidationError', async () => {
    const { client } = clientWith(testingTokenJSON({ expires_at: 'soon' }));
    await expect(client.testingTokens.create()).rejects.toMatchObject({
      code: 'response_invalid',
      resource: 'TestingToken',
      path: 'expires_at',
    });
  });
});

describe('auditEvents.list', () => {
  it('sends every filter in snake_case and asks for the paginated form', async () => {
    const { client, fake } = clientWith(paginatedJSON([auditEventJSON()], 9));
    const page = await client.auditEvents.list({
      userId: USER_ID,
      type: 'ticket.accepted',
      ticketId: AGENT_TASK_ID,
      sessionId: SESSION_ID,
      createdAfter: 1_700_000_000_000,
      createdBefore: 1_700_000_001_000,
      orderBy: '+created_at',
      limit: 2,
      offset: 4,
    });
    expectRequest(fake, {
      method: 'GET',
      path: '/v1/audit_events',
      query: [
        ['user_id', USER_ID],
        ['type', 'ticket.accepted'],
        ['ticket_id', AGENT_TASK_ID],
        ['session_id', SESSION_ID],
        ['created_after', '1700000000000'],
        ['created_before', '1700000001000'],
        ['order_by', '+created_at'],
        ['limit', '2'],
        ['offset', '4'],
        ['paginated', 'true'],
      ],
    });
    expect(page.totalCount).toBe(9);
    expect(page.data[0]).toMatchObject({
      id: EVENT_ID,
      actor: { type: 'agent', id: AGENT_ID, name: 'checkout-bot' },
    });
  });

  it('without filters; a malformed event is a ResponseValidationError', async () => {
    const { client, fake } = clientWith(paginatedJSON([]));
    expect(await client.auditEvents.list()).toEqual({ data: [], totalCount: 0 });
    expectRequest(fake, { method: 'GET', path: '/v1/audit_events', query: [['paginated', 'true']] });

    const bad = clientWith(
      paginatedJSON([auditEventJSON({ actor: { type: 'robot', id: null, name: null } })]),
    );
    await expect(bad.client.auditEvents.list()).rejects.toMatchObject({
      code: 'response_invalid',
      resource: 'PaginatedList<AuditEvent>',
      path: 'data[0].actor.type',
    });
  });
});
