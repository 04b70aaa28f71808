import type { ErrorCode, IdKind } from '@tessera/wire';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';

/**
 * What differs between kinds of ticket: their id prefix, whether this instance allows them, and
 * how the sessions they start are marked. Issue, accept and revoke are shared by all kinds.
 */
export interface TicketKind {
  readonly name: string;
  readonly idKind: IdKind;
  /** The resource name used in messages, e.g. "Test session token". */
  readonly label: string;
  /** The error code for revoking one that is no longer pending. */
  readonly cannotBeRevoked: ErrorCode;
  /** Why the instance refuses this kind right now, or undefined when it accepts it. */
  readonly refusal: (ctx: ServerContext) => string | undefined;
  /** The `actor` of the session (and the JWT's `act` claim). */
  readonly actorOf: (ticket: TicketTable) => Record<string, unknown> | null;
}

export const TEST_SESSION_TOKEN_KIND: TicketKind = {
  name: 'test_session_token',
  idKind: 'testSessionToken',
  label: 'Test session token',
  cannotBeRevoked: 'test_session_token_cannot_be_revoked',
  refusal: (ctx) =>
    ctx.environment === 'production' && !ctx.settings.testSessionTokensEnabled
      ? 'Test session tokens are disabled on this production instance. Set TESSERA_ENABLE_TEST_SESSION_TOKENS=true to allow them.'
      : undefined,
  actorOf: (ticket) => ({ sub: ticket.id, type: 'test_session_token' }),
};

export const TICKET_KINDS: Readonly<Record<string, TicketKind>> = {
  [TEST_SESSION_TOKEN_KIND.name]: TEST_SESSION_TOKEN_KIND,
};
