import { createClerkClient } from '@clerk/backend';
import { clerkSetup, createAgentTestingTask } from '@clerk/testing/playwright';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../examples/express-app/chromium.js';
import { type Json, startTestServer, type TestServer } from './support/tessera';

/**
 * The unmodified official clients, `@clerk/backend` and `@clerk/testing`, pointed at a running
 * tessera: a Clerk team's own code creates and revokes each kind of ticket, and the URL it gets back
 * signs a real browser in.
 */
let server: TestServer;
let browser: Browser;
let user: Json;
let clerk: ReturnType<typeof createClerkClient>;

beforeAll(async () => {
  server = await startTestServer();
  clerk = createClerkClient({ secretKey: server.secretKey, apiUrl: server.tessera.url });
  user = await server.createUser({ email_address: ['grace@example.com'], username: 'grace' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a ticket URL in a fresh browser context and returns what the landing page says. */
async function openInBrowser(url: string): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForURL((landed) => landed.pathname === '/v1/tickets/signed-in');
    return (await page.locator('h1').textContent()) ?? '';
  } finally {
    await context.close();
  }
}

async function auditTypes(ticketId: string): Promise<string[]> {
  const reply = await server.get(`/v1/audit_events?ticket_id=${ticketId}&order_by=%2Bcreated_at`);
  return reply.body.map((event: Json) => event.type);
}

describe('@clerk/backend against tessera', () => {
  it('signInTokens.createSignInToken returns a URL that signs a browser in; revokeSignInToken revokes', async () => {
    const token = await clerk.signInTokens.createSignInToken({ userId: user.id, expiresInSeconds: 600 });
    expect(token).toMatchObject({
      userId: user.id,
      status: 'pending',
      token: expect.stringMatching(/^sit_/),
    });
    expect(await openInBrowser(token.url)).toBe('Signed in as grace@example.com');
    expect(await auditTypes(token.id)).toEqual(['ticket.issued', 'ticket.accepted', 'session.started']);

    const other = await clerk.signInTokens.createSignInToken({ userId: user.id, expiresInSeconds: 600 });
    const revoked = await clerk.signInTokens.revokeSignInToken(other.id);
    expect(revoked).toMatchObject({ id: other.id, status: 'revoked' });
  });

  it('actorTokens.create returns a URL that signs a browser in as the user, acted by the actor', async () => {
    const token = await clerk.actorTokens.create({ userId: user.id, actor: { sub: 'user_support_lin' } });
    expect(token).toMatchObject({ userId: user.id, status: 'pending', actor: { sub: 'user_support_lin' } });
    expect(await openInBrowser(token.url!)).toBe('Signed in as grace@example.com');
    const { data } = await clerk.sessions.getSessionList({ userId: user.id, status: 'active' });
    expect(data.some((session) => session.actor?.sub === 'user_support_lin')).toBe(true);

    const other = await clerk.actorTokens.create({ userId: user.id, actor: { sub: 'user_support_lin' } });
    expect(await clerk.actorTokens.revoke(other.id)).toMatchObject({ id: other.id, status: 'revoked' });
  });

  it('agentTasks.create returns a URL that signs a browser in as the user, marked as the agent', async () => {
    const params = {
      onBehalfOf: { identifier: 'grace@example.com' },
      permissions: '*',
      agentName: 'support-agent',
      taskDescription: 'Check the last invoice',
      redirectUrl: `${server.tessera.url}/v1/tickets/signed-in`,
    } as const;
    const task = await clerk.agentTasks.create(params);
    expect(task.agentId).toMatch(/^agt_/);
    expect(task.agentTaskId).toMatch(/^agttsk_/);
    expect(task.taskId).toBe(task.agentTaskId);
    expect(await openInBrowser(task.url)).toBe('Signed in as grace@example.com');
    const { data } = await clerk.sessions.getSessionList({ userId: user.id, status: 'active' });
    expect(data.some((session) => session.actor?.sub === task.agentId)).toBe(true);

    // The same agent name is the same agent; the task can be revoked while pending.
    const again = await clerk.agentTasks.create(params);
    expect(again.agentId).toBe(task.agentId);
    const revoked = await clerk.agentTasks.revoke(again.agentTaskId);
    expect(revoked.agentTaskId).toBe(again.agentTaskId);
    expect((await server.get(`/v1/agents/tasks/${again.agentTaskId}`)).body.status).toBe('revoked');
    expect(await auditTypes(again.agentTaskId)).toEqual(['ticket.issued', 'ticket.revoked']);
  });

  it('testingTokens.createTestingToken answers a token, as @clerk/testing needs', async () => {
    const testing = await clerk.testingTokens.createTestingToken();
    // The client has no mapper for `testing_token` and hands the JSON over as it came.
    expect(testing).toEqual({
      object: 'testing_token',
      token: expect.any(String),
      expires_at: expect.any(Number),
    });
    expect(testing.token.length).toBeGreaterThan(20);
  });

  it('@clerk/testing: clerkSetup gets its testing token and the frontend API from tessera', async () => {
    const names = ['CLERK_FAPI', 'CLERK_TESTING_TOKEN', 'CLERK_API_URL'] as const;
    const saved = names.map((name) => [name, process.env[name]] as const);
    delete process.env.CLERK_TESTING_TOKEN;
    // Where a Clerk project points its backend calls: tessera's address.
    process.env.CLERK_API_URL = server.tessera.url;
    try {
      await clerkSetup({
        publishableKey: server.tessera.publishableKey,
        secretKey: server.secretKey,
        dotenv: false,
      });
      expect(process.env.CLERK_FAPI).toBe(new URL(server.tessera.publicUrl).host);
      expect(process.env.CLERK_TESTING_TOKEN).toMatch(/^\d+-[A-Za-z0-9_-]{43}$/);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('@clerk/testing: createAgentTestingTask returns a URL that signs a browser in', async () => {
    const task = await createAgentTestingTask({
      apiUrl: server.tessera.url,
      secretKey: server.secretKey,
      onBehalfOf: { userId: user.id },
      permissions: '*',
      agentName: 'playwright-agent',
      taskDescription: 'Run the checkout spec',
      redirectUrl: `${server.tessera.url}/v1/tickets/signed-in`,
    });
    expect(await openInBrowser(task.url)).toBe('Signed in as grace@example.com');
    const [accepted] = (
      await server.get(`/v1/audit_events?ticket_id=${task.agentTaskId}&type=ticket.accepted`)
    ).body;
    expect(accepted).toMatchObject({ actor: { type: 'agent', id: task.agentId, name: 'playwright-agent' } });
  });

  it('reports a refusal as the client expects: a ClerkAPIResponseError with the code', async () => {
    await expect(
      clerk.agentTasks.create({
        onBehalfOf: { userId: user.id },
        permissions: 'read',
        agentName: 'x',
        taskDescription: 'y',
        redirectUrl: `${server.tessera.url}/`,
      }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [{ code: 'form_param_value_invalid', meta: { paramName: 'permissions' } }],
    });
  });
});
