import { auditEventObject, listAuditEventsQuery } from '@tessera/wire';
import { listAuditEvents, serializeAuditEvent } from '../../audit/audit-log';
import { defineRoute } from '../route';
import { listResponse } from '../types';

export const auditEventRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/audit_events',
    operationId: 'listAuditEvents',
    summary: 'List audit events (who became whom, when and why), newest first',
    auth: 'secret',
    query: listAuditEventsQuery,
    response: { kind: 'list', schema: auditEventObject },
    handler: async ({ ctx, query }) => {
      const { limit, offset, order_by, paginated, ...filters } = query;
      const { rows, totalCount } = await listAuditEvents(ctx, filters, { limit, offset, order_by });
      return listResponse(rows.map(serializeAuditEvent), totalCount, paginated);
    },
  }),
];
