/** Calls of the read API the tests make beside the browser (setup and checks). */

export async function apiGet<T>(baseUrl: string, apiKey: string, path: string): Promise<T> {
  const response = await fetch(baseUrl + path, { headers: { Authorization: `Bearer ${apiKey}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function apiSend<T>(
  baseUrl: string,
  apiKey: string,
  method: string,
  path: string,
  body: unknown,
): Promise<T> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Waits until every trace is stored and complete (quiet window 2 s in these tests). */
export async function waitForComplete(baseUrl: string, apiKey: string, traceIds: string[], timeoutMillis = 120_000) {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const list = await apiGet<{ traces: { id: string; state: string }[] }>(
      baseUrl,
      apiKey,
      `/api/v1/traces?page_size=500&${traceIds.map((id) => `trace_id=${id}`).join('&')}`,
    );
    const complete = list.traces.filter((t) => t.state === 'complete').length;
    if (complete === traceIds.length) return;
    if (Date.now() > deadline) {
      throw new Error(`only ${complete} of ${traceIds.length} seed traces complete after ${timeoutMillis} ms`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
