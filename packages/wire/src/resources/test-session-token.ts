import { idSchema } from '../ids';
import { fields, type Infer, jsonObject, literal, object, optional } from '../schema';
import { SESSION_CLAIMS_MAX_BYTES } from './claims';
import {
  identifierParam,
  TICKET_STATUSES,
  type TicketStatus,
  ticketLimits,
  ticketListQueryFields,
  ticketObjectFields,
  ticketTermsParams,
} from './ticket';

/** @deprecated Use `TICKET_STATUSES`: every kind of ticket has the same statuses. */
export const TEST_SESSION_TOKEN_STATUSES = TICKET_STATUSES;
export type TestSessionTokenStatus = TicketStatus;

/** Bounds and defaults of a test session token's two lifetimes. */
export const TEST_SESSION_TOKEN_LIMITS = ticketLimits(600, 1800);

export const testSessionTokenObject = object(
  fields(() => ({
    object: literal('test_session_token'),
    ...ticketObjectFields('testSessionToken'),
  })),
);

export const createTestSessionTokenParams = object(
  fields(() => ({
    user_id: optional(idSchema('user')),
    identifier: optional(identifierParam),
    ...ticketTermsParams(TEST_SESSION_TOKEN_LIMITS),
    /**
     * Custom claims for this one session, over the instance's session token template: values may use
     * its shortcodes; reserved claims are refused.
     */
    claims: optional(jsonObject({ maxBytes: SESSION_CLAIMS_MAX_BYTES })),
  })),
);

export const listTestSessionTokensQuery = object(
  fields(() => ({
    ...ticketListQueryFields,
  })),
);

export type TestSessionTokenJSON = Infer<typeof testSessionTokenObject>;
export type CreateTestSessionTokenParams = Infer<typeof createTestSessionTokenParams>;
export type ListTestSessionTokensQuery = Infer<typeof listTestSessionTokensQuery>;
