/**
 * Test helper: a fake `fetch` answering by method and path, recording every call.
 * `route(method, pathPattern, answer)`: pattern is matched against the path + query (a string
 * must equal the path without query; a RegExp is tested on path + query). `answer` returns
 * `[status, body]` and may look at the call's parsed JSON body.
 */
export interface FakeCall {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Answer = (call: FakeCall) => [number, unknown];

export function fakeFetch() {
  const routes: { method: string; pattern: string | RegExp; answer: Answer }[] = [];
  const calls: FakeCall[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const [path, query = ''] = url.split('?');
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const call: FakeCall = { method: init.method ?? 'GET', url, path, query: new URLSearchParams(query), body };
    calls.push(call);
    const route = routes.find(
      (r) => r.method === call.method && (typeof r.pattern === 'string' ? r.pattern === path : r.pattern.test(url)),
    );
    const [status, json] = route ? route.answer(call) : [404, { error: `no fake for ${call.method} ${url}` }];
    return new Response(status === 204 ? null : JSON.stringify(json), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return {
    fetch,
    calls,
    route(method: string, pattern: string | RegExp, answer: Answer | [number, unknown]) {
      routes.push({ method, pattern, answer: typeof answer === 'function' ? answer : () => answer });
      return this;
    },
  };
}
