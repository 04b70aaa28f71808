import { html, raw, type SafeHtml } from './html';

/** The quiet zone a reader needs around the code, in modules (the standard asks for four). */
const QUIET_ZONE = 4;

/**
 * A QR code of `text` as inline SVG, drawn on the server: one white square and one black path, with
 * presentation attributes only (no `style=`, which Studio's CSP refuses), sized by its container.
 * @example await qrCodeSvg(ticket.url, 'QR code of the sign-in link')
 */
export async function qrCodeSvg(text: string, label: string): Promise<SafeHtml> {
  // Loaded on the first sign-in link, not at start: the encoder has no place in a cold start.
  const { default: qrcode } = await import('qrcode-generator');
  // Type 0 picks the smallest version that fits; level M survives a slightly blurred phone camera.
  const code = qrcode(0, 'M');
  // Byte mode takes one character per byte: hand it the UTF-8 bytes, so any text survives.
  code.addData(String.fromCharCode(...new TextEncoder().encode(text)), 'Byte');
  code.make();
  const count = code.getModuleCount();
  const size = count + 2 * QUIET_ZONE;
  // One subpath per horizontal run of dark modules keeps the path short.
  let path = '';
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!code.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && code.isDark(row, col)) col++;
      path += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`;
    }
  }
  // The path is numbers and SVG commands made here, never user data; the label is escaped.
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img" aria-label="${label}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${raw(path)}"/></svg>`;
}
