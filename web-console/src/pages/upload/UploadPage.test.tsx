import { describe, expect, it, vi, afterEach } from 'vitest';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { onUnauthorized, storeApiKey } from '../../api/client';
import { renderAt } from '../../test/fixtures';
import { UploadPage } from './UploadPage';
import { parseUploadAnswer, uploadResult } from './uploadModel';

const ANSWER = {
  trace_ids: ['5b8efff798038103d269b633813fc60c'],
  accepted_traces: 1,
  accepted_spans: 7,
  rejected_traces: 1,
  error_count: 1,
  errors: [
    {
      index: 1,
      line: 2,
      id: 'run-7',
      pointer: '/spans/0/kind',
      rule: 'enum',
      schema_path: '#/$defs/span/properties/kind/enum',
      message: 'does not have a value in the enumeration ["llm", "tool"]',
    },
  ],
};

/** A fake XMLHttpRequest: records what is sent; the test answers with `respond`. */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  sent: FormData | null = null;
  status = 0;
  responseText = '';
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData) {
    this.sent = body;
    FakeXhr.last = this;
  }
  abort() {
    this.onabort?.();
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

describe('upload answers', () => {
  it('parses accepted counts and refused lines', () => {
    const answer = parseUploadAnswer(JSON.stringify(ANSWER));
    expect(answer?.accepted_traces).toBe(1);
    expect(answer?.errors[0]).toEqual({
      index: 1,
      line: 2,
      id: 'run-7',
      pointer: '/spans/0/kind',
      rule: 'enum',
      message: 'does not have a value in the enumeration ["llm", "tool"]',
    });
    expect(parseUploadAnswer('not json')).toBeNull();
  });

  it('takes the error of a non-2xx answer, with words for 413 without a body', () => {
    expect(uploadResult(415, JSON.stringify({ error: 'cannot tell the format of x.txt' })).error).toBe(
      'cannot tell the format of x.txt',
    );
    expect(uploadResult(413, '').error).toMatch(/too large/);
    expect(uploadResult(200, JSON.stringify(ANSWER)).error).toBeNull();
  });
});

describe('UploadPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeXhr.last = null;
  });

  it('uploads a chosen file with the key, shows progress and the refused lines', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    storeApiKey('tf_test');
    renderAt('/upload', '/upload', <UploadPage />);
    const file = new File(['{"id":"a"}\n{"id":"b"}\n'], 'runs.jsonl', { type: 'application/x-ndjson' });
    fireEvent.change(screen.getByLabelText('Choose files'), { target: { files: [file] } });
    await vi.waitFor(() => expect(FakeXhr.last).not.toBeNull());
    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/traces/upload');
    expect(xhr.headers.Authorization).toBe('Bearer tf_test');
    expect((xhr.sent?.get('file') as File).name).toBe('runs.jsonl');

    act(() => xhr.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 }));
    expect(screen.getByRole('progressbar', { name: 'Upload progress of runs.jsonl' })).toHaveAttribute('value', '50');

    act(() => xhr.respond(200, ANSWER));
    const table = await screen.findByRole('table', { name: 'Refused lines of runs.jsonl' });
    const row = within(table).getAllByRole('row')[1];
    expect(row).toHaveTextContent('2');
    expect(row).toHaveTextContent('run-7');
    expect(row).toHaveTextContent('/spans/0/kind');
    expect(row).toHaveTextContent('does not have a value in the enumeration');
    const summary = screen.getByRole('status', { name: 'Summary of runs.jsonl' });
    expect(summary).toHaveTextContent('1 trace accepted (7 spans)');
    expect(summary).toHaveTextContent('1 trace rejected');
    expect(screen.getByRole('link', { name: '5b8efff798038103d269b633813fc60c' })).toHaveAttribute(
      'href',
      '/traces/5b8efff798038103d269b633813fc60c',
    );
  });

  it('shows the error of a refused file', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    renderAt('/upload', '/upload', <UploadPage />);
    const file = new File(['x'], 'big.json', { type: 'application/json' });
    fireEvent.drop(screen.getByRole('region', { name: 'Drop files here' }), { dataTransfer: { files: [file] } });
    await vi.waitFor(() => expect(FakeXhr.last).not.toBeNull());
    act(() => FakeXhr.last!.respond(413, { error: 'the upload is larger than 52428800 bytes' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Error 413: the upload is larger than 52428800 bytes');
  });

  it('tells the sign-in listeners when the gateway refuses the key', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const refused = vi.fn();
    const stop = onUnauthorized(refused);
    renderAt('/upload', '/upload', <UploadPage />);
    const file = new File(['{}'], 'one.json', { type: 'application/json' });
    fireEvent.change(screen.getByLabelText('Choose files'), { target: { files: [file] } });
    await vi.waitFor(() => expect(FakeXhr.last).not.toBeNull());
    act(() => FakeXhr.last!.respond(401, { error: 'the API key is not valid' }));
    await vi.waitFor(() => expect(refused).toHaveBeenCalledTimes(1));
    stop();
  });
});
