import type { Executor } from './database';

/**
 * The id of the agent with this name, making it `newAgentId` when the name is new: one statement,
 * so two requests that race to create one agent both get the id that won.
 */
export async function agentIdFor(
  db: Executor,
  name: string,
  newAgentId: string,
  now: number,
): Promise<string> {
  const row = await db
    .insertInto('agents')
    .values({ id: newAgentId, name, created_at: now })
    // A no-op update, so that the row that exists is returned.
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ name }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
