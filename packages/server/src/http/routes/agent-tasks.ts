import { agentTaskObject, createAgentTaskParams, listAgentTasksQuery } from '@tessera/wire';
import { createAgentTask, serializeAgentTask } from '../../tickets/agent-tasks';
import { AGENT_TASK_KIND } from '../../tickets/ticket-kinds';
import { ticketKindRoutes } from './ticket-kind-routes';

/** Clerk's `agentTasks`: an agent signed in to act for a user, marked as the agent. */
export const agentTaskRoutes = ticketKindRoutes({
  kind: AGENT_TASK_KIND,
  path: '/v1/agents/tasks',
  resource: 'AgentTask',
  singular: 'agent task',
  plural: 'agent tasks',
  object: agentTaskObject,
  createParams: createAgentTaskParams,
  listQuery: listAgentTasksQuery,
  create: createAgentTask,
  serialize: (ticket) => serializeAgentTask(ticket),
});
