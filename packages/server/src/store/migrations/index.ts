import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial';
import * as sessionHandoffs from './0002-session-handoffs';
import * as ticketsFoundById from './0003-tickets-found-by-id';
import * as usernamesCaseInsensitive from './0004-usernames-case-insensitive';
import * as ticketFamilyAndAuditLog from './0005-ticket-family-and-audit-log';
import * as usersLockedAndPasswords from './0006-users-locked-and-passwords';
import * as organizationsAndClaims from './0007-organizations-and-claims';
import * as clerkClientsAndHandshakes from './0008-clerk-clients-and-handshakes';
import * as studioSessions from './0009-studio-sessions';

/** Every migration, in order. Names sort; add new ones at the end and never edit an applied one. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-session-handoffs': sessionHandoffs,
  '0003-tickets-found-by-id': ticketsFoundById,
  '0004-usernames-case-insensitive': usernamesCaseInsensitive,
  '0005-ticket-family-and-audit-log': ticketFamilyAndAuditLog,
  '0006-users-locked-and-passwords': usersLockedAndPasswords,
  '0007-organizations-and-claims': organizationsAndClaims,
  '0008-clerk-clients-and-handshakes': clerkClientsAndHandshakes,
  '0009-studio-sessions': studioSessions,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
