import { type Schema, string } from './schema';

/** The type prefix of every id on the wire: prefix + `_` + 27 base62 characters, time-sortable. */
export const ID_PREFIXES = {
  user: 'user',
  session: 'sess',
  client: 'client',
  emailAddress: 'idn',
  testSessionToken: 'tst',
  actorToken: 'act',
  signInToken: 'sit',
  agentTask: 'agttsk',
  agent: 'agt',
  instance: 'ins',
  event: 'evt',
  signingKey: 'kid',
  organization: 'org',
  organizationMembership: 'orgmem',
  organizationRole: 'role',
  organizationPermission: 'perm',
  jwtTemplate: 'jtmp',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

/** Length of the random, time-sortable part after `prefix_` (a KSUID in base62). */
export const ID_BODY_LENGTH = 27;

const ID_BODY = `[0-9A-Za-z]{${ID_BODY_LENGTH}}`;

/**
 * Kinds a fixture may give a fixed id of its own choosing (`user_alice`, `org_acme`): the prefix and 1
 * to 64 letters and digits, so that a suite can name them across runs. Ids tessera makes have 27.
 */
export const FIXED_ID_KINDS = ['user', 'organization'] as const satisfies readonly IdKind[];
const FIXED_ID_BODY = '[0-9A-Za-z]{1,64}';

/* @__NO_SIDE_EFFECTS__ */
export function idPattern(kind: IdKind): RegExp {
  const body = (FIXED_ID_KINDS as readonly IdKind[]).includes(kind) ? FIXED_ID_BODY : ID_BODY;
  return new RegExp(`^${ID_PREFIXES[kind]}_${body}$`);
}

/** True when `value` has the shape of an id of this kind. */
export function isId(kind: IdKind, value: string): boolean {
  return idPattern(kind).test(value);
}

/* @__NO_SIDE_EFFECTS__ */
export function idSchema(kind: IdKind): Schema<string> {
  return string({
    pattern: idPattern(kind),
    format: `an id starting with ${ID_PREFIXES[kind]}_`,
    description: (FIXED_ID_KINDS as readonly IdKind[]).includes(kind)
      ? `${ID_PREFIXES[kind]}_ followed by 1 to 64 letters and digits (${ID_BODY_LENGTH} when tessera made it)`
      : `${ID_PREFIXES[kind]}_ followed by ${ID_BODY_LENGTH} base62 characters`,
  });
}
