import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../core/api-error';
import type { App } from './app';
import type { HttpRequest } from './types';

export const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toHttpRequest(req: IncomingMessage, body: Buffer): HttpRequest {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  // Node joins repeated request headers into one string; only `set-cookie` comes as an array.
  let headers = req.headers as Record<string, string | undefined>;
  if (req.headers['set-cookie'] !== undefined) {
    headers = { ...headers, 'set-cookie': req.headers['set-cookie'].join(', ') };
  }
  return {
    method: req.method ?? 'GET',
    path: queryStart === -1 ? url : url.slice(0, queryStart),
    query: new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1)),
    headers,
    body,
    remoteAddress: req.socket.remoteAddress,
  };
}

async function serve(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (error) {
    const tooLarge = error instanceof BodyTooLarge;
    const failure = tooLarge
      ? new ApiError('request_body_too_large', `The request body must be at most ${MAX_BODY_BYTES} bytes.`)
      : new ApiError('request_body_invalid', 'The request body could not be read.');
    const response = app.refuse(toHttpRequest(req, Buffer.alloc(0)), failure);
    // The rest of the body is never read, so the connection cannot carry another request.
    res.writeHead(response.status, { ...response.headers, connection: 'close' }).end(response.body);
    return;
  }
  // HEAD is answered as GET without the body (load balancers probe /v1/health that way).
  const head = req.method === 'HEAD';
  const request = toHttpRequest(req, body);
  const response = await app.handle(head ? { ...request, method: 'GET' } : request);
  // A known length lets Node send headers and body in one write instead of chunked encoding.
  res
    .writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) })
    .end(head ? undefined : response.body);
}

export interface Listening {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** What one client may hold of the server: time to send a request, idle keep-alive, connections. */
export interface ServerLimits {
  /** Time to receive a request's headers; a slow-headers (slowloris) client is cut off after it. */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open; above a load balancer's idle timeout (60 s). */
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; more are closed as they arrive. */
  readonly maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1024,
};

/** Serves the app on a socket; port 0 picks a free one. */
export function listen(
  app: App,
  host: string,
  port: number,
  limits: ServerLimits = DEFAULT_SERVER_LIMITS,
): Promise<Listening> {
  // Node enforces headersTimeout and requestTimeout on this sweep (30 s by default): often enough
  // that a limit holds to within a quarter of itself.
  const sweepMs = Math.max(10, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 4)));
  const server = createServer({ connectionsCheckingInterval: sweepMs }, (req, res) => {
    serve(app, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
