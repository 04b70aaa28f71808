import type { ServerContext } from '../core/context';
import type { App } from '../http/app';
import { readCookie } from '../http/request-cookies';
import type { HttpRequest, HttpResponse } from '../http/types';
import { StudioApiError, studioApi } from './api';
import { loadStudioAssets } from './assets';
import { STUDIO_CSRF_COOKIE } from './cookies';
import { csrfTokenOf, isSameOriginForm } from './csrf';
import {
  endStudioSession,
  hasStudioSession,
  isInstanceSecretKey,
  isLocalRequest,
  startStudioSession,
} from './gate';
import { html } from './html';
import { seeOther, studioPage } from './layout';
import { STUDIO_ROUTES } from './pages';
import { signInPage } from './pages/sign-in';
import { matchStudioRoute } from './route';

export interface StudioOptions {
  /**
   * Studio may open without asking for the secret key: a development instance listening on loopback
   * only, with no public URL elsewhere (a tunnel's), where whoever reaches it is on this machine.
   */
  readonly open: boolean;
}

const HOME = '/studio/users';

/** `/`, `/studio` and everything under `/studio/` are Studio's; the Backend API lives under `/v1`. */
function isStudioPath(path: string): boolean {
  return path === '/' || path === '/studio' || path.startsWith('/studio/');
}

function errorPage(status: number, title: string, text: string, csrfToken?: string, gated?: boolean) {
  return studioPage({
    title,
    section: 'none',
    status,
    csrfToken,
    gated,
    body: html`<p>${text}</p><p><a href="${HOME}">Back to Studio</a></p>`,
  });
}

function withCookies(response: HttpResponse, cookies: readonly (string | undefined)[]): HttpResponse {
  const added = cookies.filter((cookie): cookie is string => cookie !== undefined);
  if (added.length === 0) return response;
  const existing = response.headers['set-cookie'];
  const all = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...added];
  return { ...response, headers: { ...response.headers, 'set-cookie': all } };
}

/**
 * Studio in front of the app: its pages at `/` and `/studio/...`, everything else to the Backend API.
 * Studio holds no power of its own: every read and action is a Backend API call (`handleForStudio`).
 */
export function withStudio(ctx: ServerContext, app: App, options: StudioOptions): App {
  const assets = loadStudioAssets();

  const handleStudio = async (request: HttpRequest): Promise<HttpResponse> => {
    const { path, method } = request;
    if (path === '/' || path === '/studio' || path === '/studio/') return seeOther(HOME);
    if (path.startsWith('/studio/assets/')) {
      return assets(path.slice('/studio/assets/'.length)) ?? errorPage(404, 'Not found', 'No such file.');
    }
    if (method !== 'GET' && method !== 'POST') {
      return {
        ...errorPage(405, 'Method not allowed', 'Studio pages take GET and POST.'),
        headers: { allow: 'GET, POST' },
      };
    }
    const secure = ctx.settings.publicUrl.startsWith('https:');
    const csrf = csrfTokenOf(request, secure);
    // Open only to this machine's own browser: a relayed or oddly named request meets the gate.
    const gated = !(options.open && isLocalRequest(request));
    const form =
      method === 'POST' ? new URLSearchParams(request.body.toString('utf8')) : new URLSearchParams();
    if (method === 'POST' && !isSameOriginForm(request, form, readCookie(request, STUDIO_CSRF_COOKIE))) {
      return withCookies(
        errorPage(
          403,
          'Refused',
          'This form did not come from a Studio page of this browser (another site, or an expired form). Nothing was changed; reload the page and try again.',
        ),
        [csrf.setCookie],
      );
    }

    if (path === '/studio/login' || path === '/studio/logout') {
      if (!gated) return seeOther(HOME);
      if (path === '/studio/logout') {
        if (method !== 'POST') return seeOther(HOME);
        return withCookies(seeOther('/studio/login'), [await endStudioSession(ctx, request, secure)]);
      }
      if (method === 'GET') {
        if (await hasStudioSession(ctx, request)) return seeOther(HOME);
        return withCookies(signInPage(csrf.token), [csrf.setCookie]);
      }
      const presented = form.get('secret_key')?.trim() ?? '';
      if (!isInstanceSecretKey(ctx, presented)) {
        return signInPage(csrf.token, "That is not this instance's secret key (sk_test_... or sk_live_...).");
      }
      return withCookies(seeOther(HOME), [await startStudioSession(ctx, secure)]);
    }
    if (gated && !(await hasStudioSession(ctx, request))) {
      if (method === 'GET') return withCookies(seeOther('/studio/login'), [csrf.setCookie]);
      return errorPage(
        401,
        'Signed out',
        'Your Studio sign-in has ended. Sign in again; nothing was changed.',
      );
    }

    const match = matchStudioRoute(STUDIO_ROUTES, method, path);
    if (!match)
      return withCookies(errorPage(404, 'Not found', 'Studio has no such page.', csrf.token, gated), [
        csrf.setCookie,
      ]);
    try {
      const response = await match.route.handler({
        ctx,
        request,
        params: match.params,
        query: request.query,
        form,
        csrfToken: csrf.token,
        api: studioApi(app, request),
        gated,
      });
      return withCookies(response, [csrf.setCookie]);
    } catch (error) {
      if (error instanceof StudioApiError) {
        const title = error.status === 404 ? 'Not found' : 'Refused';
        return withCookies(errorPage(error.status, title, error.message, csrf.token, gated), [
          csrf.setCookie,
        ]);
      }
      throw error;
    }
  };

  return {
    handle: (request) => (isStudioPath(request.path) ? handleStudio(request) : app.handle(request)),
    refuse: (request, failure) => app.refuse(request, failure),
    handleForStudio: (request) => app.handleForStudio(request),
  };
}
