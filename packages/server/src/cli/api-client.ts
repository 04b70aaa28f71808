import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_KEY_PATTERN } from '../core/secrets';
import { type ApiFailure, type FlagsOfFields, refusalOfFlag, refusalTail } from './api-refusal';
import { CliError, type CliIo } from './io';
import { CLI_USER_AGENT } from './version';

export const DEFAULT_API_URL = 'http://127.0.0.1:4000';
export const SECRET_KEY_FILE = join('.tessera', 'secret-key');

/** The options every client command shares (`--api-url` is global, `--json` per command). */
export interface ApiOptions {
  readonly apiUrl?: string;
  readonly json?: boolean;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** A list is sent as the parameter repeated (`user_id=a&user_id=b`). */
  readonly query?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The flags that filled the body's fields, so a refusal of a field names the flag and its value. */
  readonly flags?: FlagsOfFields;
}

export interface ApiClient {
  readonly apiUrl: string;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

/** The secret key and where it was read: `TESSERA_SECRET_KEY`, or the key file's path. */
interface SecretKey {
  readonly value: string;
  readonly source: string;
}

function readSecretKey(io: CliIo): SecretKey {
  const fromEnv = io.env.TESSERA_SECRET_KEY?.trim();
  const file = join(io.cwd, SECRET_KEY_FILE);
  let key = fromEnv;
  if (!key) {
    try {
      key = readFileSync(file, 'utf8').trim();
    } catch {
      throw new CliError(
        `no secret key: set TESSERA_SECRET_KEY or run from the folder holding ${SECRET_KEY_FILE} (written by the first \`npx @tessera/server\`)`,
        2,
      );
    }
  }
  if (!SECRET_KEY_PATTERN.test(key)) {
    throw new CliError(
      `the secret key from ${fromEnv ? 'TESSERA_SECRET_KEY' : SECRET_KEY_FILE} is not an sk_test_/sk_live_ key`,
      2,
    );
  }
  return { value: key, source: fromEnv ? 'TESSERA_SECRET_KEY' : file };
}

/**
 * The API refused a request. Its message is the one line the top-level handler prints; a command
 * that can say more (`seed` names the entry of the file) reads `status` and `failure`.
 */
export class ApiRequestError extends CliError {
  constructor(
    readonly status: number,
    readonly failure: ApiFailure | undefined,
    message = failure
      ? `${failure.long_message ?? 'request failed'} ${refusalTail(status, failure)}`
      : `the server answered HTTP ${status}`,
  ) {
    super(message);
  }
}

/**
 * The refusal as the command line says it: a refused field as the flag that sent it, a refused key
 * (401) with where it was read, so the user knows which key to fix (the key itself is never shown).
 */
function refusalOf(
  status: number,
  failure: ApiFailure | undefined,
  key: SecretKey,
  apiUrl: string,
  flags?: FlagsOfFields,
) {
  const byFlag = refusalOfFlag(status, failure, flags);
  if (byFlag !== undefined) return new ApiRequestError(status, failure, byFlag);
  const refused = new ApiRequestError(status, failure);
  if (status !== 401) return refused;
  const where = key.source === 'TESSERA_SECRET_KEY' ? 'from TESSERA_SECRET_KEY' : `in ${key.source}`;
  return new ApiRequestError(
    status,
    failure,
    `${apiUrl} refused the secret key ${where}: ${refused.message}`,
  );
}

/**
 * A thin client of the Backend API, with the secret key from the environment or `.tessera/secret-key`.
 * Its `User-Agent` names the CLI, so the audit log tells its calls from other holders of the key.
 */
export function createApiClient(io: CliIo, apiUrlOption: string | undefined): ApiClient {
  const apiUrl = (apiUrlOption ?? io.env.TESSERA_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
  try {
    new URL(apiUrl);
  } catch {
    throw new CliError(`--api-url / TESSERA_API_URL is not a URL: "${apiUrl}"`, 2);
  }
  const secretKey = readSecretKey(io);
  return {
    apiUrl,
    async request<T>(method: string, path: string, options: RequestOptions = {}) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(options.query ?? {}))
        for (const one of typeof value === 'string' ? [value] : (value ?? [])) query.append(key, one);
      const url = `${apiUrl}${path}${query.size > 0 ? `?${query}` : ''}`;
      let response: Response;
      try {
        response = await io.fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${secretKey.value}`,
            'content-type': 'application/json',
            'user-agent': CLI_USER_AGENT,
          },
          ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        });
      } catch {
        throw new CliError(
          `cannot reach tessera at ${apiUrl}: is it running? Start it with \`npx @tessera/server\`.`,
        );
      }
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        throw new CliError(
          `${apiUrl} answered HTTP ${response.status} with something other than JSON: is it a tessera server?`,
        );
      }
      if (!response.ok) {
        const failure = (body as { errors?: ApiFailure[] } | null)?.errors?.[0];
        throw refusalOf(response.status, failure, secretKey, apiUrl, options.flags);
      }
      return body as T;
    },
  };
}
