import { TesseraError } from '@tessera/backend';

/** Why a helper could not sign the browser in; the `code` of a {@link SignInError}. */
export type SignInErrorCode =
  /** The ticket had been used already (by another browser, or an earlier call). */
  | 'ticket_already_used'
  /** The ticket was revoked before the browser opened it. */
  | 'ticket_revoked'
  /** The ticket's `expiresInSeconds` ran out before the browser opened it. */
  | 'ticket_expired'
  /** tessera refused it for another reason (e.g. its `redirectUrl` is no longer allowed). */
  | 'ticket_refused'
  /** No user has the email address or username given. */
  | 'resource_not_found'
  /** tessera accepted the ticket but the app at `redirectUrl` did not take the session over. */
  | 'session_not_taken'
  /**
   * The browser landed on the app with tessera's handoff still in the URL: nothing there redeemed it
   * (no tessera middleware, or a Clerk app whose origin is not in `TESSERA_CLERK_APP_ORIGINS`).
   */
  | 'handoff_not_redeemed';

/**
 * A sign-in helper failed: tessera refused the ticket, no such user exists, or the app did not take
 * the session. Branch on `code`, never on the message.
 *
 * @example
 * ```ts
 * import { SignInError, signInWithTicket } from '@tessera/testing';
 *
 * await client.agentTasks.revoke(task.id);
 * await signInWithTicket(page, task).catch((error) => {
 *   if (error instanceof SignInError && error.code === 'ticket_revoked') return; // as expected
 *   throw error;
 * });
 * ```
 */
export class SignInError extends TesseraError {
  override readonly name = 'SignInError';
  readonly code: SignInErrorCode;
  /** The ticket (`tst_...`, `act_...`, `agttsk_...`) involved, when there was one. */
  readonly ticketId: string | null;

  constructor(code: SignInErrorCode, message: string, ticketId: string | null = null) {
    super(`@tessera/testing: ${message}`);
    this.code = code;
    this.ticketId = ticketId;
  }
}
