import { parse, RESERVED_SESSION_CLAIMS, updateSessionTokenTemplateParams } from '@tessera/wire';
import { CliError } from './io';
import { jsonObjectOrFile } from './options';

/**
 * Custom session claims from a flag (`--claims`, `--session-claims`): a JSON object inline or as
 * `@file`, refused before anything is sent when it sets a claim tessera sets itself or is too big
 * for a cookie. `option` names the flag (and its environment variable) in the one-line error.
 */
export function claimsOption(option: string, raw: string, cwd: string): Record<string, unknown> {
  const claims = jsonObjectOrFile(option, raw, cwd);
  const reserved = Object.keys(claims).filter((claim) =>
    (RESERVED_SESSION_CLAIMS as readonly string[]).includes(claim),
  );
  if (reserved.length > 0) {
    throw new CliError(
      `${option}: ${reserved.map((claim) => `"${claim}"`).join(', ')} ${reserved.length > 1 ? 'are' : 'is'} set by tessera in every session JWT and cannot be a custom claim`,
      2,
    );
  }
  // The wire's bound (session JWTs travel in cookies): "claims must be at most 2048 bytes as JSON".
  const checked = parse(
    updateSessionTokenTemplateParams,
    { claims },
    { unknownKeys: 'reject', request: true },
  );
  if (!checked.ok) {
    const issue = checked.issues[0];
    throw new CliError(
      `${option}: ${issue?.path.replace(/^claims\.?/, '') || 'the claims'} ${issue?.message}`,
      2,
    );
  }
  return claims;
}
