import { idSchema } from '../ids';
import { type Infer, literal, object, optional } from '../schema';
import {
  expiresInSecondsParam,
  identifierParam,
  redirectUrlParam,
  sessionMaxDurationParam,
  TICKET_LIFETIME_BOUNDS,
  TICKET_STATUSES,
  type TicketStatus,
  ticketListQueryFields,
  ticketObjectFields,
} from './ticket';

/** @deprecated Use `TICKET_STATUSES`: every kind of ticket has the same statuses. */
export const TEST_SESSION_TOKEN_STATUSES = TICKET_STATUSES;
export type TestSessionTokenStatus = TicketStatus;

/** Bounds and defaults of a test session token's two lifetimes. */
export const TEST_SESSION_TOKEN_LIMITS = {
  expiresInSeconds: { ...TICKET_LIFETIME_BOUNDS.expiresInSeconds, default: 600 },
  sessionMaxDurationInSeconds: { ...TICKET_LIFETIME_BOUNDS.sessionMaxDurationInSeconds, default: 1800 },
} as const;

const { expiresInSeconds, sessionMaxDurationInSeconds } = TEST_SESSION_TOKEN_LIMITS;

export const testSessionTokenObject = object({
  object: literal('test_session_token'),
  ...ticketObjectFields('testSessionToken'),
});

export const createTestSessionTokenParams = object({
  user_id: optional(idSchema('user')),
  identifier: optional(identifierParam),
  session_max_duration_in_seconds: sessionMaxDurationParam(sessionMaxDurationInSeconds.default),
  redirect_url: optional(redirectUrlParam),
  expires_in_seconds: expiresInSecondsParam(expiresInSeconds.default),
});

export const listTestSessionTokensQuery = object({
  ...ticketListQueryFields,
});

export type TestSessionTokenJSON = Infer<typeof testSessionTokenObject>;
export type CreateTestSessionTokenParams = Infer<typeof createTestSessionTokenParams>;
export type ListTestSessionTokensQuery = Infer<typeof listTestSessionTokensQuery>;
