import {
  ACTOR_TOKEN_LIMITS,
  ID_PREFIXES,
  SIGN_IN_TOKEN_LIMITS,
  TEST_SESSION_TOKEN_LIMITS,
  TICKET_LIFETIME_BOUNDS,
} from '@tessera/wire';
import { CliError } from './io';

/** The kinds of token `tessera tokens` handles, as `--kind` names them. */
export const TOKEN_KINDS = {
  'test-session': {
    path: '/v1/test_session_tokens',
    prefix: ID_PREFIXES.testSessionToken,
    label: 'Test session token',
    plural: 'test session tokens',
    limits: TEST_SESSION_TOKEN_LIMITS,
  },
  'sign-in': {
    path: '/v1/sign_in_tokens',
    prefix: ID_PREFIXES.signInToken,
    label: 'Sign-in token',
    plural: 'sign-in tokens',
    limits: SIGN_IN_TOKEN_LIMITS,
  },
  actor: {
    path: '/v1/actor_tokens',
    prefix: ID_PREFIXES.actorToken,
    label: 'Actor token',
    plural: 'actor tokens',
    limits: ACTOR_TOKEN_LIMITS,
  },
} as const;

export type TokenKind = keyof typeof TOKEN_KINDS;
export const TOKEN_KIND_NAMES = Object.keys(TOKEN_KINDS) as TokenKind[];

/** Each kind's default of one lifetime, for `--help`: "test-session 600, sign-in 2592000, actor 3600". */
export function defaultsOf(lifetime: 'expiresInSeconds' | 'sessionMaxDurationInSeconds'): string {
  return TOKEN_KIND_NAMES.map((kind) => `${kind} ${TOKEN_KINDS[kind].limits[lifetime].default}`).join(', ');
}

/** The bounds of one lifetime, the same for every kind: "1 to 2592000". */
export function rangeOf(lifetime: keyof typeof TICKET_LIFETIME_BOUNDS): string {
  const { min, max } = TICKET_LIFETIME_BOUNDS[lifetime];
  return `${min} to ${max}`;
}

/** The kind an id names by its prefix (`tst_`, `sit_`, `act_`), if any. */
export function kindOfId(id: string): TokenKind | undefined {
  return TOKEN_KIND_NAMES.find((kind) => id.startsWith(`${TOKEN_KINDS[kind].prefix}_`));
}

/** The kind of the token to revoke: from `--kind` when given (it must agree with the id), else the id. */
export function kindToRevoke(id: string, option: TokenKind | undefined): TokenKind {
  const fromId = kindOfId(id);
  if (option !== undefined && fromId !== undefined && option !== fromId) {
    throw new CliError(`${id} is a ${TOKEN_KINDS[fromId].label.toLowerCase()}, not --kind ${option}`, 2);
  }
  const kind = option ?? fromId;
  if (kind !== undefined) return kind;
  if (id.startsWith(`${ID_PREFIXES.agentTask}_`)) {
    throw new CliError(`${id} is an agent task: revoke it with \`tessera agents tasks revoke ${id}\``, 2);
  }
  throw new CliError(
    `cannot tell the kind of "${id}": token ids start with tst_, sit_ or act_ (or pass --kind)`,
    2,
  );
}
