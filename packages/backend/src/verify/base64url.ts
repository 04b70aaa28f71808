const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes unpadded base64url (RFC 7515 §2); null when the text is not canonical base64url. One pass
 * over a lookup table: no regular expressions, no `atob`, no intermediate strings (it runs on every
 * JWT). Canonical means the unused low bits of the last character are zero: otherwise up to 15 other
 * spellings (`...A`, `...B`, ...) would decode to the same bytes, and one token would have many texts.
 */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  const length = text.length;
  if (length % 4 === 1) return null;
  const bytes = new Uint8Array((length * 3) >> 2);
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUES[code]! : -1;
    if (value < 0) return null;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  // What is left are the last character's 2 or 4 unused bits (RFC 4648 §3.5: they must be zero).
  return buffer === 0 ? bytes : null;
}

/** Decodes standard base64 (padding optional); null when malformed. */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> | null {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
