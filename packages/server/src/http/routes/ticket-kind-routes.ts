import type { InferShape, ObjectSchema, Schema, Shape } from '@tessera/wire';
import type { Caller } from '../../audit/audit-log';
import type { ServerContext } from '../../core/context';
import {
  getTicket,
  listTickets,
  revokeTicket,
  type Ticket,
  type TicketFilters,
} from '../../tickets/ticket-engine';
import type { TicketKind } from '../../tickets/ticket-kinds';
import { secretKeyCaller } from '../caller';
import { defineRoute, type Route } from '../route';
import { jsonResponse, listResponse } from '../types';

interface PagingQuery {
  readonly limit?: number;
  readonly offset?: number;
  readonly order_by?: string;
  readonly paginated?: boolean;
}

/** What one kind of ticket brings to its four routes; the routes themselves are the same for all. */
export interface TicketKindApi<Create extends Shape, List extends Shape, Wire> {
  readonly kind: TicketKind;
  /** E.g. `/v1/sign_in_tokens`. */
  readonly path: string;
  /** The resource in operation ids, e.g. `SignInToken` (`createSignInToken`, ...). */
  readonly resource: string;
  /** In summaries, e.g. "sign-in token" and "sign-in tokens". */
  readonly singular: string;
  readonly plural: string;
  readonly object: Schema<Wire>;
  readonly createParams: ObjectSchema<Create>;
  readonly listQuery: ObjectSchema<List>;
  readonly create: (ctx: ServerContext, body: InferShape<Create>, caller: Caller) => Promise<Wire>;
  readonly serialize: (ticket: Ticket) => Wire;
}

/**
 * Create (with `Idempotency-Key`), list, retrieve and revoke one kind of ticket. Acceptance is not
 * here: every kind is accepted at `/v1/tickets/accept`.
 */
export function ticketKindRoutes<Create extends Shape, List extends Shape, Wire>(
  api: TicketKindApi<Create, List, Wire>,
): Route[] {
  const { kind, path, resource, singular, plural, serialize } = api;
  const response = { kind: 'object', schema: api.object } as const;
  return [
    defineRoute({
      method: 'POST',
      path,
      operationId: `create${resource}`,
      summary: `Create a ${singular}; \`token\` and \`url\` (the one-time credential) are returned only here`,
      auth: 'secret',
      idempotent: true,
      body: api.createParams,
      response,
      handler: async ({ ctx, body, request }) =>
        jsonResponse(200, (await api.create(ctx, body, secretKeyCaller(request))) as object),
    }),
    defineRoute({
      method: 'GET',
      path,
      operationId: `list${resource}s`,
      summary: `List ${plural}, newest first`,
      auth: 'secret',
      query: api.listQuery,
      response: { kind: 'list', schema: api.object },
      handler: async ({ ctx, query }) => {
        const { limit, offset, order_by, paginated, ...filters } = query as TicketFilters & PagingQuery;
        const { rows, totalCount } = await listTickets(ctx, kind, filters, { limit, offset, order_by });
        return listResponse(rows.map(serialize), totalCount, paginated);
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${path}/{id}`,
      operationId: `get${resource}`,
      summary: `Retrieve a ${singular} (without its value)`,
      auth: 'secret',
      response,
      handler: async ({ ctx, params }) =>
        jsonResponse(200, serialize(await getTicket(ctx, kind, params.id)) as object),
    }),
    defineRoute({
      method: 'POST',
      path: `${path}/{id}/revoke`,
      operationId: `revoke${resource}`,
      summary: `Revoke a pending ${singular}`,
      auth: 'secret',
      response,
      handler: async ({ ctx, params, request }) =>
        jsonResponse(
          200,
          serialize(await revokeTicket(ctx, kind, params.id, secretKeyCaller(request))) as object,
        ),
    }),
  ];
}
