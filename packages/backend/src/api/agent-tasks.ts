import {
  agentTaskObject,
  type ListAgentTasksQuery,
  type CreateAgentTaskParams as WireCreateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import { type CamelParams, toWireBody } from '../internal/case';
import { AgentTask, toAgentTask } from '../resources/agent-task';
import { createTicketApi, type TicketApi } from './tickets';

/**
 * The user an agent task acts for: exactly one of `userId` or `identifier` (an email address or
 * username).
 *
 * @example
 * ```ts
 * const onBehalfOf: AgentTaskOnBehalfOf = { identifier: 'ada@example.com' };
 * ```
 */
export type AgentTaskOnBehalfOf =
  | { readonly userId: string; readonly identifier?: never }
  | { readonly identifier: string; readonly userId?: never };

/**
 * What an agent is asked to do and for whom: the agent's name (one `agentId` per name), the task (kept
 * in the audit log), `permissions: '*'` (the only value), where the browser lands, and optionally the
 * lifetimes (defaults: ten minutes to use it, a 30-minute session).
 *
 * @example
 * ```ts
 * const params: CreateAgentTaskParams = {
 *   onBehalfOf: { userId: 'user_...' },
 *   permissions: '*',
 *   agentName: 'checkout-bot',
 *   taskDescription: 'Buy the weekly groceries',
 *   redirectUrl: 'http://localhost:3000/cart',
 * };
 * ```
 */
export type CreateAgentTaskParams = Omit<CamelParams<WireCreateParams>, 'onBehalfOf'> & {
  readonly onBehalfOf: AgentTaskOnBehalfOf;
};

/**
 * Filters and paging of `agentTasks.list`.
 *
 * @example
 * ```ts
 * const params: ListAgentTasksParams = { agentId: 'agt_...', status: 'pending' };
 * ```
 */
export type ListAgentTasksParams = Omit<CamelParams<ListAgentTasksQuery>, 'paginated'>;

/**
 * `client.agentTasks`: one-time credentials that let an AI agent act for a user; the session's
 * `actor` names the agent and the task. `POST /v1/agents/tasks`, `GET /v1/agents/tasks[/{id}]`,
 * `POST /v1/agents/tasks/{id}/revoke`, and `POST /v1/tickets/accept`.
 *
 * @example
 * ```ts
 * const task = await client.agentTasks.create({
 *   onBehalfOf: { identifier: 'ada@example.com' },
 *   permissions: '*',
 *   agentName: 'checkout-bot',
 *   taskDescription: 'Buy the weekly groceries',
 *   redirectUrl: 'http://localhost:3000/cart',
 * });
 * const { session } = await client.agentTasks.accept(task.token);
 * session.actor; // { type: 'agent', sub: task.agentId, agent_name: 'checkout-bot', task_id: task.id, ... }
 * ```
 */
export interface AgentTasksApi extends TicketApi<AgentTask, CreateAgentTaskParams, ListAgentTasksParams> {}

/** The wire body: `on_behalf_of` is snake_cased too (`{ user_id }` or `{ identifier }`). */
function toAgentTaskBody(params: CreateAgentTaskParams): Record<string, unknown> {
  return toWireBody({ ...params, onBehalfOf: toWireBody(params.onBehalfOf) });
}

export function createAgentTasksApi(request: Requester): AgentTasksApi {
  return createTicketApi(request, {
    path: '/agents/tasks',
    resource: 'AgentTask',
    idOption: 'agentTaskId',
    schema: agentTaskObject,
    map: toAgentTask,
    read: AgentTask.fromJSON,
    toBody: toAgentTaskBody,
  });
}
