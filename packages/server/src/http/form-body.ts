/**
 * An `application/x-www-form-urlencoded` body (what an HTML form posts) as the JSON object the
 * route's schema then validates, like any JSON body. A repeated field keeps its last value.
 */
export function formBodyAsJson(raw: Buffer): Buffer {
  const fields = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  return Buffer.from(JSON.stringify(fields));
}
