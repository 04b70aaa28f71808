/** Backend API calls the scenarios make to set up, with the headers every call needs. */
export function backendHeaders(secretKey) {
  return { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' };
}

export async function callApi(server, method, path, body) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: server.secretKey ? backendHeaders(server.secretKey) : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return { json: JSON.parse(text), text };
}

/** Creates `count` users over the API (a few at a time) and returns their ids. */
export async function createUsers(server, count, prefix = 'bench') {
  const ids = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const { json } = await callApi(server, 'POST', '/v1/users', {
        email_address: [`${prefix}-${index}@example.com`],
      });
      ids[index] = json.id;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}
