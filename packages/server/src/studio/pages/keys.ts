import { createPublicKey } from 'node:crypto';
import type { JwkJSON, JwksJSON } from '@tessera/wire';
import { html, type SafeHtml } from '../html';
import { csrfField, seeOther, studioPage } from '../layout';
import type { StudioRequest, StudioRoute } from '../route';

/** A JWK as the SPKI PEM that `verifyToken(jwt, { jwtKey })` and Clerk's SDKs take. */
function pemOf(jwk: JwkJSON): string {
  return createPublicKey({ key: { ...jwk }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString()
    .trim();
}

function keyCard(jwk: JwkJSON, index: number): SafeHtml {
  const n = index + 1;
  const current = index === 0;
  return html`<section class="card" aria-labelledby="key-${n}">
<h3 id="key-${n}">${current ? 'Current key' : 'Retired key'} <code>${jwk.kid}</code></h3>
<p>${
    current
      ? 'Signs every new session JWT.'
      : 'No longer signs; still published so that the JWTs it signed keep verifying until they expire.'
  }</p>
<dl class="facts">
<dt>Key id (kid)</dt><dd><code>${jwk.kid}</code></dd>
<dt>Algorithm</dt><dd>${jwk.alg} (${jwk.kty}, use: ${jwk.use})</dd>
</dl>
<p>Public key (PEM)${current ? ', for TESSERA_JWT_KEY or CLERK_JWT_KEY' : ''}:</p>
<pre id="pem-${n}">${pemOf(jwk)}</pre>
<div class="actions"><button type="button" data-copy="#pem-${n}" hidden>Copy PEM</button></div>
</section>`;
}

async function keysPage({ api, ctx, query, csrfToken, gated }: StudioRequest) {
  const jwks = await api.get<JwksJSON>('/v1/jwks');
  const jwksUrl = `${ctx.settings.publicUrl}/.well-known/jwks.json`;
  return studioPage({
    title: 'Keys',
    section: 'keys',
    csrfToken,
    gated,
    notice:
      query.get('notice') === 'rotated'
        ? {
            kind: 'done',
            text: `Keys rotated: ${jwks.keys[0]?.kid ?? 'a new key'} signs new session JWTs from now on.`,
          }
        : undefined,
    body: html`<div class="card">
<p>Session JWTs are signed with RS256 by the current key. Apps verify them with the public keys below, in one of two ways:</p>
<ul>
<li>From the JWKS URL, fetched and cached by the SDK: <code>${jwksUrl}</code>. Rotation needs nothing from the app.</li>
<li>Networkless, with the current key's PEM: set <code>TESSERA_JWT_KEY</code> (tessera's SDK) or <code>CLERK_JWT_KEY</code> (Clerk's SDKs) to it. No request leaves the app, but after a rotation the PEM must be updated.</li>
</ul>
<div class="actions"><a class="button secondary" href="/studio/keys/rotate">Rotate keys…</a></div>
</div>
<h2>Published keys</h2>
${jwks.keys.length > 0 ? jwks.keys.map(keyCard) : html`<p>No keys are published.</p>`}
<h2>JWKS</h2>
<p class="muted">What <code>${jwksUrl}</code> serves; the first key is the current one.</p>
<pre id="jwks">${JSON.stringify(jwks, null, 2)}</pre>
<div class="actions"><button type="button" data-copy="#jwks" hidden>Copy JWKS</button></div>`,
  });
}

async function rotatePage({ api, csrfToken, gated }: StudioRequest) {
  const jwks = await api.get<JwksJSON>('/v1/jwks');
  return studioPage({
    title: 'Rotate keys',
    section: 'keys',
    csrfToken,
    gated,
    body: html`<div class="card">
<p>Rotating makes a new signing key:</p>
<ul>
<li>The new key signs every session JWT from now on${jwks.keys[0] ? html`; <code>${jwks.keys[0].kid}</code> stops signing` : ''}.</li>
<li>The older keys stay published in the JWKS until the JWTs they signed have expired, so signed-in users stay signed in.</li>
<li>Apps that verify through the JWKS URL pick up the new key by themselves.</li>
<li>Apps that pin a PEM (<code>TESSERA_JWT_KEY</code>, <code>CLERK_JWT_KEY</code>) must be given the new key's PEM: once the old JWTs have expired they can verify nothing else.</li>
</ul>
<p>The rotation is recorded in the audit log.</p>
<form method="post" action="/studio/keys/rotate">
${csrfField(csrfToken)}
<div class="actions"><button type="submit" class="danger">Rotate keys</button><a href="/studio/keys">Cancel</a></div>
</form>
</div>`,
  });
}

async function rotate({ api }: StudioRequest) {
  await api.post<JwksJSON>('/v1/jwks/rotate');
  return seeOther('/studio/keys?notice=rotated');
}

export const keyPages: readonly StudioRoute[] = [
  { method: 'GET', path: '/studio/keys', handler: keysPage },
  { method: 'GET', path: '/studio/keys/rotate', handler: rotatePage },
  { method: 'POST', path: '/studio/keys/rotate', handler: rotate },
];
