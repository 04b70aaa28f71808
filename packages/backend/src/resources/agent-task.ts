import { type AgentTaskJSON, agentTaskObject } from '@tessera/wire';
import { readWire } from './read-wire';
import { type TicketFields, toTicketFields } from './ticket';

/**
 * An agent task: a one-time credential that lets an AI agent act for `userId`. The session's `actor`
 * is `{ type: 'agent', sub: agentId, agent_name, task_id, ... }`. `token` and `url` are only present
 * in the reply to `create`.
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
 * await agentBrowser.goto(task.url);
 * ```
 */
export interface AgentTask extends TicketFields {
  readonly object: 'agent_task';
  /** The same as `id`. */
  readonly agentTaskId: string;
  /** The same as `id` (Clerk's deprecated name). */
  readonly taskId: string;
  /** `agt_...`: one per `agentName`. */
  readonly agentId: string;
  readonly agentName: string;
  readonly taskDescription: string;
  readonly permissions: '*';
}

/** Maps an already validated wire object. */
export function toAgentTask(wire: AgentTaskJSON): AgentTask {
  return Object.freeze({
    object: wire.object,
    ...toTicketFields(wire),
    agentTaskId: wire.agent_task_id,
    taskId: wire.task_id,
    agentId: wire.agent_id,
    agentName: wire.agent_name,
    taskDescription: wire.task_description,
    permissions: wire.permissions,
  });
}

/**
 * Reads an `agent_task` object from the wire.
 *
 * @example
 * ```ts
 * const task = AgentTask.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const AgentTask = {
  fromJSON(json: unknown): AgentTask {
    return toAgentTask(readWire(agentTaskObject, json, 'AgentTask'));
  },
};
