interface ProcessLike {
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** An environment variable when a `process` exists (Node, Bun, Deno's compat layer); else undefined. */
export function readEnv(name: string): string | undefined {
  const process = (globalThis as { process?: ProcessLike }).process;
  const value = process?.env?.[name];
  return value === undefined || value === '' ? undefined : value;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:4000';

/** `apiUrl` if given, else `TESSERA_API_URL`, else `http://127.0.0.1:4000`; without a trailing `/`. */
export function resolveApiUrl(apiUrl: string | undefined): string {
  return (apiUrl ?? readEnv('TESSERA_API_URL') ?? DEFAULT_API_URL).replace(/\/+$/, '');
}
