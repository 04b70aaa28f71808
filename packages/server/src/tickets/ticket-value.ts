import { generateTicketValue } from '../core/secrets';

/**
 * A ticket's value: the ticket's id, a dot, and 256 bits from the CSPRNG in base64url. Acceptance
 * finds the ticket by that id (its primary key) and compares the SHA-256 of the whole value with the
 * stored one; the value itself is never stored. Found by its hash alone, every ticket would need an
 * entry in an index of random keys.
 */
export function newTicketValue(ticketId: string): string {
  return `${ticketId}.${generateTicketValue()}`;
}

/**
 * The ticket id a value carries, or undefined for a value without one: issued before values carried
 * their id, or not a ticket at all. Ids are `[A-Za-z0-9_]`, so the first dot ends one.
 */
export function ticketIdOf(value: string): string | undefined {
  const end = value.indexOf('.');
  return end > 0 ? value.slice(0, end) : undefined;
}
