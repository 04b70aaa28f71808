import type { UserMetadataParams } from '@tessera/wire';
import type { ServerContext } from '../core/context';
import { checkedMetadata, mergeMetadata } from '../core/metadata';
import { fromJsonColumn } from '../store/json-column';
import type { UserTable } from '../store/schema';
import * as store from '../store/users-store';
import { changeUser } from './users-service';

const METADATA_FIELDS = ['public_metadata', 'private_metadata', 'unsafe_metadata'] as const;

export { mergeMetadata };

/**
 * `PATCH /v1/users/{id}/metadata` (`merge`) and `PUT` (`replace`): each metadata given is merged into,
 * or replaces, the stored one; an absent one is left as it is. The result is held to the same size
 * as on create, naming the field that would outgrow it; nothing is written then.
 */
export async function changeUserMetadata(
  ctx: ServerContext,
  id: string,
  params: UserMetadataParams,
  mode: 'merge' | 'replace',
): Promise<store.UserRecord> {
  return changeUser(ctx, id, async (trx, user, now) => {
    const changes: Partial<UserTable> = { updated_at: now };
    for (const field of METADATA_FIELDS) {
      const given = params[field];
      if (given === undefined) continue;
      changes[field] = checkedMetadata(
        field,
        mode === 'merge' ? mergeMetadata(fromJsonColumn(user[field]), given) : given,
      );
    }
    await store.updateUser(trx, id, changes);
    return { ...user, ...changes };
  });
}
