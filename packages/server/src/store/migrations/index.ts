import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial';

/** Every migration, in order. Names sort; add new ones at the end and never edit an applied one. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
