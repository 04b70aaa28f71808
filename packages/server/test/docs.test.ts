import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '@tessera/wire';
import { expect, it } from 'vitest';

const apiDoc = readFileSync(new URL('../../../docs/API.md', import.meta.url), 'utf8');

it('documents every error code with its status', () => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    expect(apiDoc, code).toMatch(new RegExp(`\\|\\s*${status}\\s*\\|\\s*\`${code}\`\\s*\\|`));
  }
});
