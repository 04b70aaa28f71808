/**
 * What a browser does with a ticket URL, over a real socket: the GET answers the ticket page, whose
 * form POSTs the ticket from the same origin. Returns the POST's response (redirects not followed).
 */
export async function submitTicketUrl(
  ticketUrl: string,
  init: { headers?: Record<string, string>; onPage?: (page: Response) => void } = {},
) {
  const url = new URL(ticketUrl);
  const page = await fetch(url, { redirect: 'manual' });
  init.onPage?.(page);
  if (page.status !== 200) return page;
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1];
  if (!action) throw new Error('the ticket page has no form');
  return fetch(new URL(action, url.origin), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: url.origin,
      'sec-fetch-site': 'same-origin',
      ...init.headers,
    },
    body: new URLSearchParams({ ticket: url.searchParams.get('ticket') ?? '' }),
  });
}
