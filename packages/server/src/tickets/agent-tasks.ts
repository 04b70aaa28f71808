import { AGENT_TASK_LIMITS, type AgentTaskJSON, type CreateAgentTaskParams } from '@tessera/wire';
import type { Caller } from '../audit/audit-log';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import { agentIdFor } from '../store/agents-store';
import type { TicketTable } from '../store/schema';
import { issueTicket } from './ticket-engine';
import { commonTicketFields, type Reveal, resolveTicketUser, revealOf, ticketTermsOf } from './ticket-fields';
import { AGENT_TASK_KIND, detailsOf } from './ticket-kinds';

/** `agent_task_id` and `task_id` (Clerk's older name) repeat `id`: `@clerk/backend` reads them. */
export function serializeAgentTask(ticket: TicketTable, reveal?: Reveal): AgentTaskJSON {
  const details = detailsOf(ticket);
  return {
    object: 'agent_task',
    ...commonTicketFields(ticket, reveal),
    agent_task_id: ticket.id,
    task_id: ticket.id,
    agent_id: ticket.agent_id ?? '',
    agent_name: details.agent_name ?? '',
    task_description: details.task_description ?? '',
    permissions: '*',
  };
}

export async function createAgentTask(
  ctx: ServerContext,
  params: CreateAgentTaskParams,
  caller: Caller,
): Promise<AgentTaskJSON> {
  const userId = await resolveTicketUser(ctx, params.on_behalf_of, 'on_behalf_of.');
  // Checked before the agent is looked up: a refused request makes no agent.
  const terms = ticketTermsOf(ctx, AGENT_TASK_LIMITS, params);
  const now = ctx.clock.now();
  const agentId = await agentIdFor(ctx.db, params.agent_name, newId('agent', now), now);
  const { ticket, value } = await issueTicket(
    ctx,
    AGENT_TASK_KIND,
    {
      userId,
      ...terms,
      details: { agent_name: params.agent_name, task_description: params.task_description },
      agentId,
      userParam: 'on_behalf_of.user_id',
    },
    caller,
  );
  return serializeAgentTask(ticket, revealOf(ctx, value));
}
