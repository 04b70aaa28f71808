/**
 * `path?query` of `url` without `name`; the other parameters are kept byte for byte. The path never
 * starts with `//`, so the result cannot be read as a protocol-relative URL to another host.
 */
export function withoutQueryParam(url: URL, name: string): string {
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && queryKey(pair) !== name);
  const path = url.pathname.replace(/^\/+/, '/');
  return kept.length === 0 ? path : `${path}?${kept.join('&')}`;
}

function queryKey(pair: string): string {
  const raw = pair.split('=', 1)[0]!.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
