/**
 * The console's only way to the read API: same-origin `fetch` with the signed-in API key as
 * `Authorization: Bearer <key>`. The key lives in the tab's sessionStorage (never in a URL, never
 * in localStorage), so it goes with the tab.
 *
 * Errors: a non-2xx answer throws {@link ApiError} carrying the API's own words (`{"error",
 * "parameter"}`, docs/api.md), which the pages show as they are; a network failure throws
 * ApiError with status 0.
 */

const KEY_STORAGE = 'tracefold.apiKey';

export function storedApiKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeApiKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key.trim());
}

export function forgetApiKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
}

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** The query parameter, path parameter or body field at fault, when the API names one. */
  readonly parameter: string | null;
  /** Seconds from `Retry-After` (429/503), when given. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, message: string, parameter: string | null, retryAfterSeconds: number | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.parameter = parameter;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** `e` as an ApiError: itself when it is one, else status 0 with `String(e)` as the message. */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, String(e), null, null);
}

/** Listeners told when the API answers 401 (the key is missing, unknown or revoked). */
const unauthorizedListeners = new Set<() => void>();

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Tells the listeners that the API refused the stored key (for calls made without {@link api}). */
export function notifyUnauthorized(): void {
  unauthorizedListeners.forEach((l) => l());
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

/** Query string from parameters; null, undefined and empty arrays are left out, arrays repeat. */
export function queryString(params: Record<string, QueryValue> | URLSearchParams | undefined): string {
  if (!params) return '';
  const search = params instanceof URLSearchParams ? new URLSearchParams(params) : new URLSearchParams();
  if (!(params instanceof URLSearchParams)) {
    for (const [name, value] of Object.entries(params)) {
      if (value === null || value === undefined || value === '') continue;
      if (Array.isArray(value)) {
        for (const v of value) search.append(name, String(v));
      } else {
        search.append(name, String(value));
      }
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue> | URLSearchParams;
  /** A JSON body (sent as application/json) or a FormData (multipart). */
  body?: unknown;
  signal?: AbortSignal;
  /** Use this key instead of the stored one (sign-in checks a key before storing it). */
  apiKey?: string;
}

/**
 * Calls the API at `path` (e.g. `/api/v1/traces`) and returns the parsed JSON body, or
 * `undefined` for 204.
 *
 * @throws ApiError on a non-2xx answer or when the server cannot be reached
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const key = options.apiKey ?? storedApiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path + queryString(options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
      credentials: 'omit',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, `Tracefold could not be reached (${String(e)}); is it running?`, null, null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    const error = (json ?? {}) as { error?: string; message?: string; parameter?: string };
    const retryAfter = response.headers.get('Retry-After');
    if (response.status === 401 && !options.apiKey) notifyUnauthorized();
    throw new ApiError(
      response.status,
      error.error ?? error.message ?? `${response.status} ${response.statusText}`,
      error.parameter ?? null,
      retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null,
    );
  }
  return json as T;
}
