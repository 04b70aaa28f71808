/** `session_max_duration_in_seconds` -> `sessionMaxDurationInSeconds`, at the type level. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/**
 * The SDK-side shape of a wire parameter object: top-level keys camelCased (nested objects such as
 * metadata stay as given), arrays accepted readonly.
 */
export type CamelParams<T> = {
  readonly [K in keyof T as K extends string ? CamelCase<K> : never]: T[K] extends readonly (infer U)[]
    ? readonly U[]
    : T[K];
};

/** `sessionMaxDurationInSeconds` -> `session_max_duration_in_seconds`. */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Top-level keys to snake_case; values (metadata objects included) untouched; `undefined` dropped.
 */
export function toWireBody(params: object): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) body[toSnakeCase(key)] = value;
  }
  return body;
}
