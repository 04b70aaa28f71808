import type { Caller, ClientInfo } from '../audit/audit-log';
import type { HttpRequest } from './types';

/** The CLI says who it is in its `User-Agent`; every other holder of the secret key is the key. */
const CLI_USER_AGENT = /^tessera-cli\//;
/** Stored as sent, up to a bound: a header is the client's to fill. */
const MAX_USER_AGENT_LENGTH = 512;

export function clientInfoOf(request: HttpRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.remoteAddress ?? null,
    userAgent: userAgent === undefined ? null : userAgent.slice(0, MAX_USER_AGENT_LENGTH),
  };
}

/** Who made a Backend API request (it carried the secret key), for the audit log. */
export function secretKeyCaller(request: HttpRequest): Caller {
  const client = clientInfoOf(request);
  if (request.viaStudio) return { actor: { type: 'studio', id: null, name: null }, client };
  const type = client.userAgent !== null && CLI_USER_AGENT.test(client.userAgent) ? 'cli' : 'secret_key';
  return { actor: { type, id: null, name: null }, client };
}
