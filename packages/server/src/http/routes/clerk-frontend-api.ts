import { clientHandshakeQuery, DEV_BROWSER_PARAM, devBrowserObject } from '@tessera/wire';
import { createDevBrowser, startHandshake } from '../../clerk/handshake';
import { PAGE_HEADERS } from '../pages';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

/**
 * The part of Clerk's Frontend API a development instance's server-side handshake needs, on tessera's
 * own origin and through Clerk's same-origin proxy (`/__clerk/...` on the app, which forwards the
 * app's cookies and `Clerk-Secret-Key`).
 */
export const clerkFrontendApiRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/client/handshake',
    operationId: 'clientHandshake',
    summary:
      "Clerk's handshake (development instances): redirect (307) to redirect_url with a single-use nonce the app redeems for its cookies",
    auth: 'public',
    errorsAsHtml: true,
    query: clientHandshakeQuery,
    response: { kind: 'redirect' },
    handler: async ({ ctx, query, request }) => {
      // Clerk's client forwards the token it chose (query, suffixed or plain cookie) in the query; a
      // cookie of the app's origin is not read: it may be a stale one of real Clerk's.
      const location = await startHandshake(ctx, {
        redirectUrl: query.redirect_url,
        format: query.format,
        devBrowser: query[DEV_BROWSER_PARAM],
        proxySecretKey: request.headers['clerk-secret-key'],
      });
      // No cookie here: the app sets them all once it redeems the nonce.
      return { status: 307, headers: { ...PAGE_HEADERS, location }, body: '' };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/dev_browser',
    operationId: 'createDevBrowser',
    summary:
      "Create a development browser (development instances): an empty client and the token Clerk's browser script keeps as `id`",
    auth: 'public',
    response: { kind: 'object', schema: devBrowserObject },
    handler: async ({ ctx }) => {
      const { clientId, devBrowser } = createDevBrowser(ctx);
      return jsonResponse(200, { object: 'dev_browser', id: devBrowser, client_id: clientId });
    },
  }),
];
