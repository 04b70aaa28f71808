import type { Executor } from './database';
import { limitOf, offsetOf, type Paging } from './paging';
import type { JwtTemplateTable } from './schema';

export async function insertJwtTemplate(db: Executor, template: JwtTemplateTable): Promise<void> {
  await db.insertInto('jwt_templates').values(template).execute();
}

export async function findJwtTemplate(
  db: Executor,
  by: { id: string } | { name: string },
): Promise<JwtTemplateTable | undefined> {
  const query = db.selectFrom('jwt_templates').selectAll();
  return ('id' in by ? query.where('id', '=', by.id) : query.where('name', '=', by.name)).executeTakeFirst();
}

export async function listJwtTemplates(db: Executor, paging: Paging): Promise<JwtTemplateTable[]> {
  return db
    .selectFrom('jwt_templates')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limitOf(paging))
    .offset(offsetOf(paging))
    .execute();
}

export async function countJwtTemplates(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('jwt_templates')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateJwtTemplate(
  db: Executor,
  id: string,
  changes: Partial<Omit<JwtTemplateTable, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('jwt_templates').set(changes).where('id', '=', id).execute();
}

export async function deleteJwtTemplate(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('jwt_templates').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
