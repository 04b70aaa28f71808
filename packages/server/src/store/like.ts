import { sql } from 'kysely';

/** Escapes `%`, `_` and `\` for a `like ... escape '\'` pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * The pattern of a `query` filter (a case-insensitive substring) and a condition per column:
 * `contains('users.username')` is `lower(users.username) like '%...%'`.
 */
export function substringMatcher(query: string) {
  const pattern = `%${escapeLike(query.toLowerCase())}%`;
  const contains = (column: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
  return { pattern, contains };
}
