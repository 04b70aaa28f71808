import type { TicketLimits, TicketStatus } from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';
import { findUserIdByIdentifier } from '../store/users-store';
import { checkRedirectUrl } from './redirect-policy';

/** The URL that opens the ticket's page; it carries the ticket, so it is as secret as the ticket. */
export function ticketUrl(ctx: ServerContext, value: string): string {
  return `${ctx.settings.publicUrl}/v1/tickets/accept?ticket=${value}`;
}

/** The ticket's value and URL, known (and sent) only in the reply to create. */
export interface Reveal {
  readonly token: string;
  readonly url: string;
}

export function revealOf(ctx: ServerContext, value: string): Reveal {
  return { token: value, url: ticketUrl(ctx, value) };
}

/** The wire fields every kind of ticket has, in every kind's reply. */
export function commonTicketFields(ticket: TicketTable, reveal: Reveal | undefined) {
  return {
    id: ticket.id,
    user_id: ticket.user_id,
    status: ticket.status as TicketStatus,
    token: reveal?.token ?? null,
    url: reveal?.url ?? null,
    redirect_url: ticket.redirect_url,
    session_id: ticket.session_id,
    organization_id: ticket.organization_id,
    expires_at: ticket.expires_at,
    session_max_duration_in_seconds: ticket.session_max_duration_seconds,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
  };
}

/**
 * The user a ticket is for: `user_id` as given, or the owner of `identifier` (an email address or
 * username). `where` prefixes the parameter names in errors (`on_behalf_of.` for agent tasks).
 */
export async function resolveTicketUser(
  ctx: ServerContext,
  params: { readonly user_id?: string; readonly identifier?: string },
  where = '',
): Promise<string> {
  if (params.user_id !== undefined && params.identifier !== undefined) {
    throw ApiError.invalidParam(`${where}identifier`, 'Give either user_id or identifier, not both.');
  }
  if (params.user_id !== undefined) return params.user_id;
  if (params.identifier === undefined) {
    throw new ApiError('form_param_missing', `${where}user_id or ${where}identifier must be included.`, {
      param_name: `${where}user_id`,
    });
  }
  const userId = await findUserIdByIdentifier(ctx.db, params.identifier);
  if (!userId) {
    throw new ApiError('resource_not_found', 'No user has this email address or username.', {
      param_name: `${where}identifier`,
    });
  }
  return userId;
}

/** What every kind's create takes besides who the ticket is for. */
export interface TicketCreateParams {
  readonly redirect_url?: string;
  readonly expires_in_seconds?: number;
  readonly session_max_duration_in_seconds?: number;
  readonly organization_id?: string;
}

/**
 * The redirect (checked against the allow-list), the two lifetimes of a create (or their defaults)
 * and the organization the session starts in.
 */
export function ticketTermsOf(ctx: ServerContext, defaults: TicketLimits, params: TicketCreateParams) {
  return {
    redirectUrl:
      params.redirect_url === undefined
        ? null
        : checkRedirectUrl(params.redirect_url, ctx.settings, ctx.environment),
    expiresInSeconds: params.expires_in_seconds ?? defaults.expiresInSeconds.default,
    sessionMaxDurationSeconds:
      params.session_max_duration_in_seconds ?? defaults.sessionMaxDurationInSeconds.default,
    organizationId: params.organization_id ?? null,
  };
}
