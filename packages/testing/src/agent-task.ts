import {
  type AgentTask,
  ConfigurationError,
  type CreateAgentTaskParams,
  type Session,
} from '@tessera/backend';
import { type ConnectionOptions, clientFor } from './connection';
import type { PageLike } from './page';
import { openTicket } from './tickets';

/**
 * Options of {@link startAgentTask}: exactly `client.agentTasks.create`'s parameters, with
 * `permissions` defaulting to `'*'` (its only value) and `redirectUrl` to `TESSERA_REDIRECT_URL`,
 * plus where tessera is.
 *
 * @example
 * ```ts
 * const options: StartAgentTaskOptions = {
 *   onBehalfOf: { identifier: 'ada@example.com' },
 *   agentName: 'checkout-bot',
 *   taskDescription: 'Buy the weekly groceries',
 *   redirectUrl: 'http://localhost:3000/',
 * };
 * ```
 */
export type StartAgentTaskOptions = ConnectionOptions &
  Omit<CreateAgentTaskParams, 'permissions' | 'redirectUrl'> & {
    readonly permissions?: CreateAgentTaskParams['permissions'];
    /** Where the browser lands, signed in (default: `TESSERA_REDIRECT_URL`; one of them is required). */
    readonly redirectUrl?: string | undefined;
  };

/**
 * What {@link startAgentTask} resolves to: the task as tessera holds it once accepted (`status`
 * `'accepted'`, `sessionId` set; its one-time `url` is spent) and the session the agent acts in.
 *
 * @example
 * ```ts
 * const { task, session }: StartedAgentTask = await startAgentTask(page, options);
 * session.actor; // { type: 'agent', sub: task.agentId, agent_name: task.agentName, task_id: task.id, ... }
 * ```
 */
export interface StartedAgentTask {
  readonly task: AgentTask;
  readonly session: Session;
}

/**
 * Creates an agent task for a user and opens its URL in the page: the page's browser is then the
 * agent, signed in as the user at `redirectUrl`. Resolves once the app holds the session; throws a
 * `SignInError` (branch on its `code`) when tessera or the app refused.
 *
 * @example
 * ```ts
 * import { startAgentTask } from '@tessera/testing';
 *
 * test('the checkout bot fills ada’s cart', async ({ page }) => {
 *   const { task, session } = await startAgentTask(page, {
 *     onBehalfOf: { identifier: 'ada@example.com' },
 *     agentName: 'checkout-bot',
 *     taskDescription: 'Buy the weekly groceries',
 *     redirectUrl: 'http://localhost:3000/',
 *   });
 *   expect(task.status).toBe('accepted');
 *   expect(session.actor).toMatchObject({ type: 'agent', task_id: task.id });
 * });
 * ```
 */
export async function startAgentTask(
  page: PageLike,
  options: StartAgentTaskOptions,
): Promise<StartedAgentTask> {
  const {
    apiUrl,
    secretKey,
    permissions = '*',
    redirectUrl = process.env.TESSERA_REDIRECT_URL,
    ...params
  } = options;
  if (!redirectUrl) {
    throw new ConfigurationError(
      'redirectUrl',
      'is required (an agent task lands on the app): pass it or set TESSERA_REDIRECT_URL',
    );
  }
  const client = clientFor({ apiUrl, secretKey });
  const created = await client.agentTasks.create({ ...params, permissions, redirectUrl });
  const { ticket, session } = await openTicket(page, client, created, client.agentTasks.get);
  return { task: ticket, session };
}

/**
 * {@link startAgentTask} under the name `@clerk/testing` gives it, for tests moving over from Clerk:
 * the page comes first, then `agentTasks.create`'s parameters, and it resolves to `{ task, session }`.
 *
 * @example
 * ```ts
 * import { createAgentTestingTask } from '@tessera/testing';
 *
 * const { task } = await createAgentTestingTask(page, {
 *   onBehalfOf: { userId: 'user_...' },
 *   permissions: '*',
 *   agentName: 'playwright-agent',
 *   taskDescription: 'Automated test sign-in',
 *   redirectUrl: 'http://localhost:3000/dashboard',
 * });
 * ```
 */
export const createAgentTestingTask: typeof startAgentTask = startAgentTask;
