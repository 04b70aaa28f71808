import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { ConfigError, resolveServeConfig } from '../src/config';
import { DEFAULT_SERVER_LIMITS } from '../src/http/node-server';
import { type RunningTessera, startTessera } from '../src/index';

/** The socket limits of `startTessera` (and `tessera serve`): slow clients and too many connections. */
let tessera: RunningTessera | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await tessera?.close();
  tessera = undefined;
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    sockets.push(socket);
  });
}

/** Everything the server sends until it closes the connection (or 10 s pass: a failure). */
function untilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const timer = setTimeout(
      () => reject(new Error(`still open; received ${JSON.stringify(received)}`)),
      10_000,
    );
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** One keep-alive request on `socket`; resolves with the status line once the whole reply is in. */
function request(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n') && received.trimEnd().endsWith('}')) {
        socket.off('data', onData);
        resolve(received.split('\r\n')[0]!);
      }
    };
    socket.on('data', onData);
    socket.write('GET /v1/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
  });
}

it('closes a connection whose headers do not arrive within headersTimeoutMs', async () => {
  tessera = await startTessera({ log: false, headersTimeoutMs: 200, requestTimeoutMs: 400 });
  const socket = await open(Number(new URL(tessera.url).port));
  socket.write('GET /v1/health HTTP/1.1\r\nhost: localhost\r\n'); // and never the blank line
  const received = await untilClosed(socket);
  expect(received.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
});

it('refuses connections above maxConnections and serves those within it', async () => {
  tessera = await startTessera({ log: false, maxConnections: 2 });
  const port = Number(new URL(tessera.url).port);
  const within = [await open(port), await open(port)];
  for (const socket of within) expect(await request(socket)).toBe('HTTP/1.1 200 OK');
  const above = await open(port);
  above.write('GET /v1/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
  expect(await untilClosed(above)).toBe('');
  expect(await request(within[0]!)).toBe('HTTP/1.1 200 OK');
});

it('refuses out-of-range limits at start, naming the option', async () => {
  await expect(startTessera({ log: false, maxConnections: 0 })).rejects.toThrow(/maxConnections/);
  await expect(startTessera({ log: false, headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).rejects.toThrow(
    /headersTimeoutMs/,
  );
});

it('`tessera serve` takes the limits as flags or environment variables, with defaults', () => {
  expect(resolveServeConfig({}).serverLimits).toEqual(DEFAULT_SERVER_LIMITS);
  expect(
    resolveServeConfig({
      headersTimeout: '1000',
      requestTimeout: '2000',
      keepAliveTimeout: '5000',
      maxConnections: '8',
    }).serverLimits,
  ).toEqual({ headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 5000, maxConnections: 8 });
  expect(() => resolveServeConfig({ maxConnections: '0' })).toThrow(ConfigError);
  expect(() => resolveServeConfig({ headersTimeout: '40000' })).toThrow(/TESSERA_HEADERS_TIMEOUT_MS/);
});
