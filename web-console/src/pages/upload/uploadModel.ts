import { notifyUnauthorized, storedApiKey } from '../../api/client';

/** One refused trace or line of an upload (ingest-gateway README, "Answers"). */
export interface UploadError {
  /** The trace's 0-based position in the file. */
  index: number | null;
  /** The 1-based line it starts on. */
  line: number | null;
  /** The trace's `id` as sent, when it could be read. */
  id: string | null;
  /** JSON pointer inside the trace (`""` = the trace). */
  pointer: string | null;
  /** JSON Schema keyword (`required`, `enum`...) or `json`, `timing`, `unique`, `max_spans`, `kafka_record_size`. */
  rule: string | null;
  message: string;
}

/** The gateway's answer to an upload (200, or 400 when no trace was accepted). */
export interface UploadAnswer {
  trace_ids: string[];
  accepted_traces: number;
  accepted_spans: number;
  rejected_traces: number;
  /** Every error; `errors` lists at most 1000. */
  error_count: number;
  errors: UploadError[];
  /** Set on non-2xx answers: what was wrong (413 too large, 415 format, 400 ...). */
  error: string | null;
}

/** The outcome of one upload: HTTP status (0 = not reached), the answer when it was JSON, an error message. */
export interface UploadResult {
  status: number;
  answer: UploadAnswer | null;
  /** The `error` of a non-2xx answer, or why the request failed; null on success. */
  error: string | null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strOrNull = (v: unknown): string | null =>
  typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);

/**
 * Reads an upload answer's text (tolerant: missing fields become 0/empty). Returns null when the
 * text is not a JSON object.
 */
export function parseUploadAnswer(text: string): UploadAnswer | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  const errors = Array.isArray(o.errors) ? o.errors : [];
  return {
    trace_ids: Array.isArray(o.trace_ids) ? o.trace_ids.filter((t): t is string => typeof t === 'string') : [],
    accepted_traces: num(o.accepted_traces),
    accepted_spans: num(o.accepted_spans),
    rejected_traces: num(o.rejected_traces),
    error_count: typeof o.error_count === 'number' ? o.error_count : errors.length,
    errors: errors
      .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
      .map((e) => ({
        index: numOrNull(e.index),
        line: numOrNull(e.line),
        id: strOrNull(e.id),
        pointer: strOrNull(e.pointer),
        rule: strOrNull(e.rule),
        message: strOrNull(e.message) ?? '',
      })),
    error: strOrNull(o.error),
  };
}

/** The result of an answer with `status` and body `text` (see {@link UploadResult}). */
export function uploadResult(status: number, text: string): UploadResult {
  const answer = parseUploadAnswer(text);
  if (status >= 200 && status < 300) return { status, answer, error: null };
  const fallback =
    status === 413
      ? 'The file is too large for the gateway (max-upload-bytes, 50 MiB by default).'
      : status === 415
        ? 'The gateway could not tell the file format: name it .json, .jsonl or .ndjson.'
        : `The upload failed (${status}).`;
  return { status, answer, error: answer?.error ?? fallback };
}

/** Where files go: the gateway's upload endpoint (same origin in standalone and behind the console's proxy). */
export const UPLOAD_PATH = '/api/v1/traces/upload';

/**
 * POSTs `file` as multipart field `file` with XMLHttpRequest (for upload progress) and the
 * stored API key. `onProgress` gets the fraction sent (0..1). Never rejects: failures are
 * results with an `error`.
 */
export function uploadFile(
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', UPLOAD_PATH);
    const key = storedApiKey();
    if (key) xhr.setRequestHeader('Authorization', `Bearer ${key}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      onProgress(1);
      resolve(uploadResult(xhr.status, xhr.responseText));
      if (xhr.status === 401) notifyUnauthorized(); // back to sign-in, as every other API call
    };
    xhr.onerror = () => resolve({ status: 0, answer: null, error: 'Tracefold could not be reached; is it running?' });
    xhr.onabort = () => resolve({ status: 0, answer: null, error: 'Upload cancelled.' });
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
