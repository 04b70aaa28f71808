import { idSchema } from '../ids';
import { fields, type Infer, literal, object, optional, string } from '../schema';
import {
  identifierParam,
  redirectUrlParam,
  ticketLimits,
  ticketListQueryFields,
  ticketObjectFields,
  ticketTermsParams,
} from './ticket';

/** Defaults of an agent task: the link lives ten minutes, the session 30 minutes (Clerk's). */
export const AGENT_TASK_LIMITS = ticketLimits(600, 1800);

/** The only `permissions` value there is, as on Clerk: everything the user may do. */
export const AGENT_TASK_PERMISSIONS = ['*'] as const;

export const agentNameParam = string({
  minLength: 1,
  maxLength: 128,
  printable: true,
  description: 'The agent; the same name always maps to the same agent_id',
});

export const taskDescriptionParam = string({
  minLength: 1,
  maxLength: 2000,
  printable: true,
  description: 'What the agent is asked to do, kept in the audit log',
});

/**
 * An agent task. `agent_id`, `agent_task_id`, `task_id` (Clerk's deprecated name of the same id) and
 * `url` are what `@clerk/backend` reads; the rest is tessera's. `url` is only in the reply to create.
 */
export const agentTaskObject = object(
  fields(() => ({
    object: literal('agent_task'),
    ...ticketObjectFields('agentTask'),
    agent_task_id: idSchema('agentTask'),
    task_id: idSchema('agentTask'),
    agent_id: idSchema('agent'),
    agent_name: string(),
    task_description: string(),
    permissions: literal(...AGENT_TASK_PERMISSIONS),
  })),
);

/** Exactly one of the two names the user the agent acts for. */
export const onBehalfOfParam = object({
  user_id: optional(idSchema('user')),
  identifier: optional(identifierParam),
});

/** What `@clerk/backend`'s `agentTasks.create` sends (deep snake case), and `expires_in_seconds`. */
export const createAgentTaskParams = object(
  fields(() => ({
    on_behalf_of: onBehalfOfParam,
    permissions: literal(...AGENT_TASK_PERMISSIONS),
    agent_name: agentNameParam,
    task_description: taskDescriptionParam,
    ...ticketTermsParams(AGENT_TASK_LIMITS),
    // Required here, as Clerk's agent tasks have it: where the agent lands.
    redirect_url: redirectUrlParam,
  })),
);

export const listAgentTasksQuery = object(
  fields(() => ({
    ...ticketListQueryFields,
    agent_id: optional(idSchema('agent')),
  })),
);

export type AgentTaskJSON = Infer<typeof agentTaskObject>;
export type CreateAgentTaskParams = Infer<typeof createAgentTaskParams>;
export type ListAgentTasksQuery = Infer<typeof listAgentTasksQuery>;
