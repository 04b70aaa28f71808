const MAX_FLOWS = 32;

interface Entry<T> {
  readonly options: object;
  readonly env: readonly (string | undefined)[];
  readonly flow: T;
}

/** Same value, or arrays (`authorizedParties`) of the same values, so a literal per call matches. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((item, i) => item === b[i]);
}

/** Options equal key by key, by `sameValue`. */
export function sameOptions(a: object, b: object): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => sameValue(a[key as keyof typeof a], b[key as keyof typeof b]));
}

/** A copy, arrays included, so an options object changed in place later is a new configuration. */
export function optionsCopy<O extends object>(options: O): O {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [key, Array.isArray(value) ? [...value] : value]),
  ) as O;
}

/**
 * One flow per distinct configuration: options equal key by key (functions such as `fetch` and
 * `clock` by identity) and the same environment, as `environmentOf` reads it for those options. A
 * flow holds the refreshes in flight, the API client and the verifier, so calls that build their
 * options anew each time still share them. Bad options are never cached: `create` throws again on
 * the next call.
 */
export function sharedFlows<O extends object, T>(
  create: (options: O) => T,
  environmentOf: (options: O) => readonly (string | undefined)[],
): (options: O) => T {
  const entries: Entry<T>[] = [];
  return (options) => {
    const env = environmentOf(options);
    const found = entries.find(
      (entry) => sameOptions(entry.options, options) && entry.env.every((value, i) => value === env[i]),
    );
    if (found) return found.flow;
    const flow = create(options);
    if (entries.length >= MAX_FLOWS) entries.shift();
    entries.push({ options: optionsCopy(options), env, flow });
    return flow;
  };
}
