/**
 * A query string from wire (snake_case) parameters: arrays as repeated keys, booleans and numbers as
 * text, `undefined` and `null` left out. Returns `''` or `?a=1&b=2`.
 */
export function buildQuery(params: Readonly<Record<string, unknown>> | undefined): string {
  if (params === undefined) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const values: readonly unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) search.append(key, String(item));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
