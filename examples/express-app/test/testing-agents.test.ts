import { ConfigurationError } from '@tessera/backend';
import {
  createAgentTestingTask,
  SignInError,
  signIn,
  signInWithTicket,
  startAgentTask,
} from '@tessera/testing';
import { SESSION_COOKIE_NAME } from '@tessera/wire';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startExample } from '../server.js';
import { launchChromium } from './support/browser';

let example: Awaited<ReturnType<typeof startExample>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  example = await startExample({ appPort: 0, tesseraPort: 0 });
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await example?.close();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

const connection = () => ({ apiUrl: example.tessera.url, secretKey: example.tessera.secretKey });

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

const heading = async (page: Page) => (await page.locator('h1').textContent())?.trim();

/** The actor as the app sees it: the `act` claim of the session JWT in its cookie. */
async function actorSeenByApp(page: Page): Promise<unknown> {
  const me = (await (await page.request.get(`${example.appUrl}/api/me`)).json()) as { actor: unknown };
  return me.actor;
}

describe('@tessera/testing with agents and actors', () => {
  it('signIn with an agent lands signed in, the agent as the session’s actor, its task accepted', async () => {
    const page = await newPage();
    const session = await signIn(
      page,
      { email: 'ada@example.com' },
      {
        redirectUrl: `${example.appUrl}/`,
        agent: { name: 'checkout-bot', task: 'Buy the weekly groceries' },
        ...connection(),
      },
    );

    expect(await heading(page)).toBe('Signed in as ada@example.com');
    expect(session.status).toBe('active');
    expect(session.actor).toMatchObject({
      type: 'agent',
      sub: expect.stringMatching(/^agt_/),
      agent_name: 'checkout-bot',
      task_id: expect.stringMatching(/^agttsk_/),
      permissions: '*',
    });
    expect(await actorSeenByApp(page)).toMatchObject({ type: 'agent', agent_name: 'checkout-bot' });

    const task = await example.client.agentTasks.get(String(session.actor?.task_id));
    expect(task).toMatchObject({
      status: 'accepted',
      sessionId: session.id,
      agentId: session.actor?.sub,
      agentName: 'checkout-bot',
      taskDescription: 'Buy the weekly groceries',
      userId: session.userId,
    });
  });

  it('signIn with an actor gives a session whose actor is the given { sub, ... }', async () => {
    const page = await newPage();
    const actor = { sub: 'support_42', reason: 'ticket T-1234' };
    const session = await signIn(
      page,
      { email: 'grace@example.com' },
      { redirectUrl: `${example.appUrl}/`, actor, ...connection() },
    );

    expect(await heading(page)).toBe('Signed in as grace@example.com');
    expect(session.actor).toEqual(actor);
    expect(await actorSeenByApp(page)).toEqual(actor);
    const { data } = await example.client.actorTokens.list({ userId: session.userId });
    expect(data.find((token) => token.sessionId === session.id)).toMatchObject({
      status: 'accepted',
      actor,
    });
  });

  it('startAgentTask, alias createAgentTestingTask, takes agentTasks.create’s parameters and returns the task and session', async () => {
    expect(createAgentTestingTask).toBe(startAgentTask);
    const ada = (await example.client.users.list({ emailAddress: ['ada@example.com'] })).data[0]!;
    const page = await newPage();
    const { task, session } = await createAgentTestingTask(page, {
      onBehalfOf: { userId: ada.id },
      permissions: '*',
      agentName: 'playwright-agent',
      taskDescription: 'Automated test sign-in',
      redirectUrl: `${example.appUrl}/protected`,
      sessionMaxDurationInSeconds: 600,
      ...connection(),
    });

    expect(await heading(page)).toBe('Protected page');
    expect(task).toMatchObject({ object: 'agent_task', status: 'accepted', sessionId: session.id });
    expect(session.actor).toMatchObject({
      type: 'agent',
      sub: task.agentId,
      agent_name: 'playwright-agent',
      task_id: task.id,
    });
    expect(session.expireAt - session.createdAt).toBe(600_000);
  });

  it('refuses a revoked agent task with a SignInError, and the browser stays signed out', async () => {
    const task = await example.client.agentTasks.create({
      onBehalfOf: { identifier: 'ada@example.com' },
      permissions: '*',
      agentName: 'checkout-bot',
      taskDescription: 'Never started',
      redirectUrl: `${example.appUrl}/`,
    });
    await example.client.agentTasks.revoke(task.id);
    const page = await newPage();

    const refused = await signInWithTicket(page, task, connection()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SignInError);
    expect(refused).toMatchObject({ code: 'ticket_revoked', ticketId: task.id });
    expect((refused as Error).message).toContain(`agent task ${task.id}: it was revoked`);
    expect(await heading(page)).toBe('Ticket revoked');
    expect((await page.context().cookies(example.appUrl)).map((cookie) => cookie.name)).not.toContain(
      SESSION_COOKIE_NAME,
    );
    expect((await example.client.agentTasks.get(task.id)).status).toBe('revoked');
  });

  it('refuses an actor token that was used already', async () => {
    const grace = (await example.client.users.list({ emailAddress: ['grace@example.com'] })).data[0]!;
    const token = await example.client.actorTokens.create({
      userId: grace.id,
      actor: { sub: 'support_7' },
      redirectUrl: `${example.appUrl}/`,
    });
    const first = await newPage();
    expect((await signInWithTicket(first, token, connection())).actor).toEqual({ sub: 'support_7' });

    const second = await newPage();
    await expect(signInWithTicket(second, token, connection())).rejects.toMatchObject({
      code: 'ticket_already_used',
      ticketId: token.id,
    });
    expect(await heading(second)).toBe('Ticket already used');
  });

  it('names the option at fault before creating anything', async () => {
    const saved = process.env.TESSERA_REDIRECT_URL;
    delete process.env.TESSERA_REDIRECT_URL;
    const page = await newPage();
    const before = (await example.client.agentTasks.list()).totalCount;
    try {
      await expect(
        signIn(page, { email: 'ada@example.com' }, { agent: { name: 'bot', task: 'x' }, ...connection() }),
      ).rejects.toMatchObject({ name: 'ConfigurationError', option: 'redirectUrl' });
      await expect(
        startAgentTask(page, {
          onBehalfOf: { identifier: 'ada@example.com' },
          agentName: 'bot',
          taskDescription: 'x',
          ...connection(),
        }),
      ).rejects.toBeInstanceOf(ConfigurationError);
      const both = {
        redirectUrl: `${example.appUrl}/`,
        agent: { name: 'bot', task: 'x' },
        actor: { sub: 'support_1' },
        ...connection(),
      };
      // @ts-expect-error: agent and actor exclude each other.
      await expect(signIn(page, { email: 'ada@example.com' }, both)).rejects.toMatchObject({
        option: 'agent',
      });
    } finally {
      if (saved !== undefined) process.env.TESSERA_REDIRECT_URL = saved;
    }
    expect((await example.client.agentTasks.list()).totalCount).toBe(before);
  });

  it('says clearly when the user an actor would act as does not exist', async () => {
    const page = await newPage();
    await expect(
      signIn(
        page,
        { email: 'nobody@example.com' },
        { redirectUrl: `${example.appUrl}/`, actor: { sub: 'support_42' }, ...connection() },
      ),
    ).rejects.toMatchObject({ name: 'SignInError', code: 'resource_not_found' });
    expect(page.url()).toBe('about:blank');
  });
});
