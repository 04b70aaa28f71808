import { html } from '../html';
import { csrfField, studioPage } from '../layout';

/** The page that asks for the secret key once, where Studio is not open by itself. */
export function signInPage(csrfToken: string, refused?: string) {
  return studioPage({
    title: 'Sign in to Studio',
    section: 'none',
    status: refused ? 401 : 200,
    notice: refused ? { kind: 'refused', text: refused } : undefined,
    body: html`<p>This tessera is not a development instance on this machine's loopback, so Studio asks
for the instance's secret key once. It is checked and forgotten: this browser keeps only a Studio
sign-in of its own, in a cookie no script can read, for 12 hours.</p>
<form method="post" action="/studio/login" class="card">
${csrfField(csrfToken)}
<label for="secret-key">Secret key</label>
<input id="secret-key" name="secret_key" type="password" autocomplete="off" required placeholder="sk_test_... or sk_live_..." spellcheck="false">
<button type="submit">Sign in</button>
</form>`,
  });
}
