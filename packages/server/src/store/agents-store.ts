import type { Executor } from './database';

/**
 * The id of the agent with this name, making it `newAgentId` when the name is new. Two requests that
 * race to create one agent both get the id that won: the unique name decides.
 */
export async function agentIdFor(
  db: Executor,
  name: string,
  newAgentId: string,
  now: number,
): Promise<string> {
  const known = await db.selectFrom('agents').select('id').where('name', '=', name).executeTakeFirst();
  if (known) return known.id;
  await db
    .insertInto('agents')
    .values({ id: newAgentId, name, created_at: now })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('agents').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
}
