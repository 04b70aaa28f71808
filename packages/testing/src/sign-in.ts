import { ConfigurationError, type CreateActorTokenParams, type Session } from '@tessera/backend';
import { type ConnectionOptions, clientFor } from './connection';
import { organizationIdOf, type SignInOrganization } from './organization';
import type { PageLike } from './page';
import { openTicket } from './tickets';
import { type SignInAs, userIdOf, userTarget } from './who';

/**
 * An AI agent doing a task for the user: `signIn` then starts the session with an agent task, and the
 * session's `actor` is `{ type: 'agent', sub: 'agt_...', agent_name, task_id, permissions: '*' }`.
 *
 * @example
 * ```ts
 * const agent: SignInAgent = { name: 'checkout-bot', task: 'Buy the weekly groceries' };
 * await signIn(page, { email: 'ada@example.com' }, { agent, redirectUrl: 'http://localhost:3000/' });
 * ```
 */
export interface SignInAgent {
  /** The agent; the same name always maps to the same agent id (`agt_...`). */
  readonly name: string;
  /** What the agent is asked to do; kept in tessera's audit log. */
  readonly task: string;
}

/**
 * Someone acting as the user (impersonation): `signIn` then starts the session with an actor token.
 * `sub` names who acts; any other keys travel with it. The session's `actor` and its JWTs' `act`
 * are this object as given.
 *
 * @example
 * ```ts
 * const actor: SignInActor = { sub: 'support_42', reason: 'ticket T-1234' };
 * await signIn(page, { email: 'ada@example.com' }, { actor });
 * ```
 */
export type SignInActor = CreateActorTokenParams['actor'];

/**
 * Custom claims for the one session a test session token starts, over the instance's session token
 * template: values may use its shortcodes (`'{{user.public_metadata.plan}}'`); claims tessera sets
 * itself (`sub`, `sid`, `o`, `act`, ...) are refused. Only for test session tokens (no `agent` or
 * `actor`).
 *
 * @example
 * ```ts
 * const claims: SignInClaims = { plan: 'pro', beta: true };
 * await signIn(page, { email: 'ada@example.com' }, { claims });
 * ```
 */
export type SignInClaims = Readonly<Record<string, unknown>>;

/**
 * Options of {@link signIn}: where to land, how long the session lasts, where tessera is, the
 * organization the session starts in, and who acts for the user: nobody (a test session token, the
 * default, which may carry custom `claims`), an `agent` or an `actor`.
 *
 * @example
 * ```ts
 * const options: SignInOptions = {
 *   redirectUrl: 'http://localhost:3000/',
 *   agent: { name: 'checkout-bot', task: 'Buy the weekly groceries' },
 * };
 * const inAcme: SignInOptions = { organization: 'acme', claims: { plan: 'pro' } };
 * ```
 */
export type SignInOptions = ConnectionOptions & {
  /**
   * Where the browser lands, signed in (default: `TESSERA_REDIRECT_URL`, else tessera's own page;
   * with `agent` there is no such fallback: an agent task needs one).
   */
  readonly redirectUrl?: string | undefined;
  /** How long the session lasts (default 1800 seconds). */
  readonly sessionMaxDurationInSeconds?: number;
  /**
   * The organization the session starts in, by id (`org_...`) or slug: the JWT's `o` claim names it
   * and the user's role there. The user must be a member.
   */
  readonly organization?: SignInOrganization | undefined;
} & (
    | {
        readonly agent?: undefined;
        readonly actor?: undefined;
        /** Custom claims in this session's JWTs (test session tokens only). */
        readonly claims?: SignInClaims | undefined;
      }
    | {
        /** Sign in with an agent task: the agent acts for the user. */
        readonly agent: SignInAgent;
        readonly actor?: undefined;
        readonly claims?: undefined;
      }
    | {
        /** Sign in with an actor token: `actor` acts as the user. */
        readonly actor: SignInActor;
        readonly agent?: undefined;
        readonly claims?: undefined;
      }
  );

/**
 * Signs the page's browser in as a user and waits until the app at `redirectUrl` holds the session;
 * returns the session. By default it uses a test session token; with `agent` an agent task (an AI
 * agent acting for the user), with `actor` an actor token (someone acting as the user). The session's
 * `actor` says which. Throws a `SignInError` (branch on its `code`) when tessera or the app refused.
 *
 * @example
 * ```ts
 * import { signIn } from '@tessera/testing';
 *
 * test('dashboard', async ({ page }) => {
 *   await signIn(page, { email: 'ada@example.com' }, { redirectUrl: 'http://localhost:3000/' });
 *   await expect(page.getByText('Signed in as ada@example.com')).toBeVisible();
 * });
 *
 * test('an agent shops for ada', async ({ page }) => {
 *   const session = await signIn(
 *     page,
 *     { email: 'ada@example.com' },
 *     { redirectUrl: 'http://localhost:3000/', agent: { name: 'checkout-bot', task: 'Buy the groceries' } },
 *   );
 *   expect(session.actor).toMatchObject({ type: 'agent', agent_name: 'checkout-bot' });
 * });
 *
 * test('support looks at ada’s account', async ({ page }) => {
 *   const session = await signIn(page, { email: 'ada@example.com' }, { actor: { sub: 'support_42' } });
 *   expect(session.actor).toEqual({ sub: 'support_42' });
 * });
 *
 * test('ada in acme, on the pro plan', async ({ page }) => {
 *   await signIn(page, { email: 'ada@example.com' }, { organization: 'acme', claims: { plan: 'pro' } });
 * });
 * ```
 */
export async function signIn(page: PageLike, who: SignInAs, options: SignInOptions = {}): Promise<Session> {
  const redirectUrl = options.redirectUrl ?? process.env.TESSERA_REDIRECT_URL;
  if (options.agent && options.actor) {
    throw new ConfigurationError('agent', 'and actor exclude each other: give one of them, or neither');
  }
  if (options.claims !== undefined && (options.agent || options.actor)) {
    throw new ConfigurationError(
      'claims',
      'are only for test session tokens: give them without agent or actor (or set the instance’s session token template)',
    );
  }
  if (options.agent && !redirectUrl) {
    throw new ConfigurationError(
      'redirectUrl',
      'is required with agent (an agent task lands on the app): pass it or set TESSERA_REDIRECT_URL',
    );
  }
  const client = clientFor(options);
  const lifetime = options.sessionMaxDurationInSeconds && {
    sessionMaxDurationInSeconds: options.sessionMaxDurationInSeconds,
  };
  const inOrganization = options.organization !== undefined && {
    organizationId: await organizationIdOf(client, options.organization),
  };

  if (options.agent) {
    const task = await client.agentTasks.create({
      onBehalfOf: userTarget(who),
      permissions: '*',
      agentName: options.agent.name,
      taskDescription: options.agent.task,
      redirectUrl: redirectUrl!,
      ...lifetime,
      ...inOrganization,
    });
    return (await openTicket(page, client, task, client.agentTasks.get)).session;
  }
  if (options.actor) {
    const token = await client.actorTokens.create({
      userId: await userIdOf(client, who),
      actor: options.actor,
      ...(redirectUrl && { redirectUrl }),
      ...lifetime,
      ...inOrganization,
    });
    return (await openTicket(page, client, token, client.actorTokens.get)).session;
  }
  const token = await client.testSessionTokens.create({
    ...userTarget(who),
    ...(redirectUrl && { redirectUrl }),
    ...lifetime,
    ...inOrganization,
    ...(options.claims && { claims: { ...options.claims } }),
  });
  return (await openTicket(page, client, token, client.testSessionTokens.get)).session;
}
