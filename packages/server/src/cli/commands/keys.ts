import { createPublicKey } from 'node:crypto';
import type { JwksJSON } from '@tessera/wire';
import type { Command } from 'commander';
import { type ApiOptions, createApiClient } from '../api-client';
import type { CliIo } from '../io';
import { printJson, printTable } from '../output';

export function registerKeyCommands(program: Command, io: CliIo): void {
  const keys = program
    .command('keys')
    .description('show the public keys that verify session JWTs')
    .option('--pem', 'print the current public key as PEM (for networkless verification)')
    .option('--json', 'print the JWKS as JSON')
    .action(async (options: { pem?: boolean; json?: boolean }, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const client = createApiClient(io, apiUrl);
      const jwks = await client.request<JwksJSON>('GET', '/v1/jwks');
      if (options.json) return printJson(io, jwks);
      const [current] = jwks.keys;
      if (options.pem && current) {
        io.stdout(
          createPublicKey({ key: { ...current }, format: 'jwk' })
            .export({ type: 'spki', format: 'pem' })
            .toString(),
        );
        return;
      }
      printTable(
        io,
        ['KID', 'ALG', 'USE'],
        jwks.keys.map((key) => [key.kid, key.alg, key.use]),
        'No keys.',
      );
      io.stdout(`JWKS URL: ${client.apiUrl}/.well-known/jwks.json (the first key signs new JWTs)\n`);
    });

  keys
    .command('rotate')
    .description('make a new signing key current; the old one stays in the JWKS until its JWTs have expired')
    .option('--json', 'print the new JWKS as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const jwks = await createApiClient(io, apiUrl).request<JwksJSON>('POST', '/v1/jwks/rotate');
      if (options.json) return printJson(io, jwks);
      io.stdout(`New current signing key: ${jwks.keys[0]?.kid}. Published keys: ${jwks.keys.length}.\n`);
    });
}
