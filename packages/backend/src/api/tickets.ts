import type { Requester } from '../client/request';
import { ConfigurationError } from '../errors';
import { type PaginatedList, TicketAcceptance } from '../resources/misc';
import { asIssued, type IssuedTicket, type TicketFields } from '../resources/ticket';
import { type Collection, collectionMethods } from './collection';
import type { CreateOptions } from './common';

/**
 * The methods every kind of ticket has (`client.testSessionTokens`, `client.signInTokens`,
 * `client.actorTokens`, `client.agentTasks`): create, read, revoke, and accept from code.
 *
 * @example
 * ```ts
 * async function signInFromCode<T extends TicketFields, C>(api: TicketApi<T, C>, params: C) {
 *   const { token } = await api.create(params);
 *   return api.accept(token); // { session, jwt }
 * }
 * ```
 */
export interface TicketApi<Ticket extends TicketFields, CreateParams, ListParams = object> {
  /** `POST` to the kind's collection with an `Idempotency-Key`; the reply is the only one with `token` and `url`. */
  create(params: CreateParams, options?: CreateOptions): Promise<IssuedTicket<Ticket>>;
  /** `GET` the kind's `/{id}`. */
  get(id: string): Promise<Ticket>;
  /** `GET` the kind's collection with `paginated=true` and the filters. */
  list(params?: ListParams): Promise<PaginatedList<Ticket>>;
  /** `POST` the kind's `/{id}/revoke`; only a pending ticket can be revoked. */
  revoke(id: string): Promise<Ticket>;
  /**
   * `POST /v1/tickets/accept`: exchanges the ticket's `token` for a session and its first JWT, without
   * a browser. Sent without the secret key (the ticket is the credential), never retried (a ticket is
   * single use).
   */
  accept(token: string): Promise<TicketAcceptance>;
}

/** How one kind of ticket is reached and read. */
export interface TicketKind<Wire, Ticket, CreateParams> extends Collection<Wire, Ticket> {
  /** The wire body of a create (default: top-level keys to snake_case, values as given). */
  readonly toBody?: (params: CreateParams) => Record<string, unknown>;
}

/** `POST /v1/tickets/accept` with the ticket, without the secret key; shared by every kind. */
export async function acceptTicket(request: Requester, token: unknown): Promise<TicketAcceptance> {
  if (typeof token !== 'string' || token === '') {
    throw new ConfigurationError('token', 'must be the non-empty `token` of a ticket');
  }
  return request({
    method: 'POST',
    path: '/tickets/accept',
    body: { ticket: token },
    withSecretKey: false,
    resource: 'TicketAcceptance',
    read: TicketAcceptance.fromJSON,
  });
}

/** The five methods of one kind of ticket. */
export function createTicketApi<
  Wire,
  Ticket extends TicketFields,
  CreateParams extends object,
  ListParams extends object,
>(
  request: Requester,
  kind: TicketKind<Wire, Ticket, CreateParams>,
): TicketApi<Ticket, CreateParams, ListParams> {
  const { create, get, list, byId } = collectionMethods<Wire, Ticket, CreateParams, ListParams>(
    request,
    kind,
    kind.toBody,
  );
  const { resource, read } = kind;
  return {
    create: async (params, options) => asIssued(await create(params, options)),
    get,
    list,
    revoke: async (id) => request({ method: 'POST', path: byId(id, '/revoke'), resource, read }),
    accept: async (token) => acceptTicket(request, token),
  };
}
