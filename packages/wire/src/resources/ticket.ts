import { type IdKind, idSchema } from '../ids';
import { fields, integer, literal, nullable, optional, string } from '../schema';
import { orderBy, pagingQuery, timestamp } from './common';

/** Every kind of ticket: a one-time credential that starts a session when accepted. */
export const TICKET_KINDS = ['test_session_token', 'sign_in_token', 'actor_token', 'agent_task'] as const;
export type TicketKindName = (typeof TICKET_KINDS)[number];

/** A ticket's status, the same for every kind. An expired ticket stays `pending`. */
export const TICKET_STATUSES = ['pending', 'accepted', 'revoked'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const ticketStatus = literal(...TICKET_STATUSES);

/** Bounds of the two lifetimes every kind has; each kind picks its own defaults. */
export const TICKET_LIFETIME_BOUNDS = {
  expiresInSeconds: { min: 1, max: 30 * 24 * 3600 },
  sessionMaxDurationInSeconds: { min: 60, max: 604_800 },
} as const;

/** A kind's lifetimes: the shared bounds with its own defaults (seconds). */
/* @__NO_SIDE_EFFECTS__ */
export function ticketLimits(expiresInSeconds: number, sessionMaxDurationInSeconds: number) {
  return {
    expiresInSeconds: { ...TICKET_LIFETIME_BOUNDS.expiresInSeconds, default: expiresInSeconds },
    sessionMaxDurationInSeconds: {
      ...TICKET_LIFETIME_BOUNDS.sessionMaxDurationInSeconds,
      default: sessionMaxDurationInSeconds,
    },
  } as const;
}

export type TicketLimits = ReturnType<typeof ticketLimits>;

/** The create parameters every kind takes besides who the ticket is for: its lifetimes and redirect. */
/* @__NO_SIDE_EFFECTS__ */
export function ticketTermsParams(limits: TicketLimits) {
  return {
    expires_in_seconds: expiresInSecondsParam(limits.expiresInSeconds.default),
    session_max_duration_in_seconds: sessionMaxDurationParam(limits.sessionMaxDurationInSeconds.default),
    redirect_url: optional(redirectUrlParam),
    organization_id: optional(organizationIdParam),
  } as const;
}

/** `expires_in_seconds` of a create, with the kind's default in its description. */
/* @__NO_SIDE_EFFECTS__ */
export function expiresInSecondsParam(defaultSeconds: number) {
  const { min, max } = TICKET_LIFETIME_BOUNDS.expiresInSeconds;
  return optional(
    integer({ min, max, description: `How long the ticket can be accepted (default ${defaultSeconds})` }),
  );
}

/** `session_max_duration_in_seconds` of a create, with the kind's default in its description. */
/* @__NO_SIDE_EFFECTS__ */
export function sessionMaxDurationParam(defaultSeconds: number) {
  const { min, max } = TICKET_LIFETIME_BOUNDS.sessionMaxDurationInSeconds;
  return optional(
    integer({
      min,
      max,
      description: `Lifetime of the session the ticket starts (default ${defaultSeconds})`,
    }),
  );
}

/** The organization the session starts in: the user must be a member. */
export const organizationIdParam = idSchema('organization');

export const redirectUrlParam = string({
  minLength: 1,
  maxLength: 2048,
  description: 'Where the browser lands',
});

/** An email address or username, to name a user instead of `user_id`. */
export const identifierParam = string({
  minLength: 1,
  maxLength: 320,
  description: 'An email address or username',
});

/**
 * The fields every kind of ticket has on the wire, in this order; each kind's object adds its own.
 * `token` and `url` (the credential) are only in the reply to create.
 */
/* @__NO_SIDE_EFFECTS__ */
export function ticketObjectFields(idKind: IdKind) {
  return {
    id: idSchema(idKind),
    user_id: idSchema('user'),
    status: ticketStatus,
    token: nullable(string()),
    url: nullable(string()),
    redirect_url: nullable(string()),
    session_id: nullable(idSchema('session')),
    organization_id: nullable(string()),
    expires_at: timestamp,
    session_max_duration_in_seconds: integer({ min: 1 }),
    created_at: timestamp,
    updated_at: timestamp,
  } as const;
}

/** The filters and paging every kind's list takes. */
export const ticketListQueryFields = fields(
  () =>
    ({
      user_id: optional(idSchema('user')),
      status: optional(ticketStatus),
      ...pagingQuery,
      order_by: orderBy('created_at', 'updated_at', 'expires_at'),
    }) as const,
);
