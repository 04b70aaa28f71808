import { auditEventObject, type ListAuditEventsQuery } from '@tessera/wire';
import type { Requester } from '../client/request';
import { type CamelParams, toWireBody } from '../internal/case';
import { type AuditEvent, toAuditEvent } from '../resources/audit-event';
import type { PaginatedList } from '../resources/misc';
import { paginatedReader } from './common';

/**
 * Filters and paging of `auditEvents.list`. `createdAfter` / `createdBefore` are Unix ms; the
 * default order is newest first (`orderBy: '+created_at'` for oldest first).
 *
 * @example
 * ```ts
 * const params: ListAuditEventsParams = { userId: 'user_...', type: 'ticket.accepted', limit: 50 };
 * ```
 */
export type ListAuditEventsParams = Omit<CamelParams<ListAuditEventsQuery>, 'paginated'>;

/**
 * `client.auditEvents`: the audit log (tickets issued, accepted, refused and revoked, sessions,
 * bans, key rotations).
 *
 * @example
 * ```ts
 * const { data, totalCount } = await client.auditEvents.list({ ticketId: 'sit_...', orderBy: '+created_at' });
 * ```
 */
export interface AuditEventsApi {
  /** `GET /v1/audit_events?paginated=true&...`. */
  list(params?: ListAuditEventsParams): Promise<PaginatedList<AuditEvent>>;
}

const readList = paginatedReader(auditEventObject, toAuditEvent, 'AuditEvent');

export function createAuditEventsApi(request: Requester): AuditEventsApi {
  return {
    list: async (params = {}) =>
      request({
        method: 'GET',
        path: '/audit_events',
        query: { ...toWireBody(params), paginated: true },
        resource: 'AuditEvent',
        read: readList,
      }),
  };
}
