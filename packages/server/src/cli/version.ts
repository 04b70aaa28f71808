import packageJson from '../../package.json' with { type: 'json' };

/** The version of `@tessera/server`, which the CLI ships in. */
export const CLI_VERSION: string = packageJson.version;

/** Sent with every API request: the server's audit log records such calls as made by the CLI. */
export const CLI_USER_AGENT = `tessera-cli/${CLI_VERSION}`;
