import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import type { Span, TraceDetail } from '../../api/types';
import { NOT_FOUND_RETRY_MILLIS, TracePage } from './TracePage';
import { makeSpan } from '../../test/fixtures';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const EVIL = '<img src=x onerror=alert(1)>';

function detail(spans: Span[], over: Partial<TraceDetail> = {}): TraceDetail {
  return {
    id: TRACE_ID,
    project_id: 'p1',
    name: 'agent run',
    root_span_id: 'root',
    state: 'complete',
    revision: 2,
    completion_reason: 'ROOT',
    rollup_revision: 2,
    spans_beyond_revision: 0,
    status: 'ERROR',
    span_count: spans.length,
    error_count: 1,
    start_epoch_nanos: 0,
    end_epoch_nanos: 1_000_000_000,
    duration_nanos: 1_000_000_000,
    input_tokens: 1200,
    output_tokens: 300,
    cache_read_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    total_tokens: 1500,
    cost_microcents: 421_300,
    cost_is_estimated: false,
    time_to_first_token_nanos: 250_000_000,
    models: ['gpt-4o'],
    providers: ['openai'],
    service_names: ['agent'],
    session_id: 'sess/1',
    user_id: 'ana',
    tags: ['prod', 'vip'],
    user_tags: ['vip'],
    saved: false,
    saved_epoch_millis: null,
    created_epoch_millis: 0,
    metadata: null,
    input: [{ role: 'user', content: 'What is the weather in Paris?' }],
    output: 'Sunny, 24°C',
    source: 'otlp-http-json',
    scores_count: 0,
    scores_passed: 0,
    scores_failed: 0,
    latest_scores: null,
    fired_triggers: [
      { trigger_id: 'trg-1', rule_id: 'rule-1', revision: 2, turn: 'last', fired_epoch_millis: 0, score_pending: true },
    ],
    annotations: [],
    scores: [],
    format: 'flat',
    spans,
    spans_next_cursor: null,
    ...over,
  };
}

const SPANS = [
  makeSpan({
    span_id: 'root',
    name: 'agent run',
    kind: 'chain',
    start_epoch_nanos: 0,
    end_epoch_nanos: 1_000_000_000,
    depth: 0,
  }),
  makeSpan({
    span_id: 'llm',
    parent_span_id: 'root',
    name: 'chat gpt-4o',
    kind: 'llm',
    start_epoch_nanos: 100_000_000,
    end_epoch_nanos: 600_000_000,
    cost_microcents: 421_300,
    model: 'gpt-4o',
    attributes: {
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"weather in Paris?"}]}]',
      'http.url': 'https://api.example',
    },
    depth: 1,
  }),
  makeSpan({
    span_id: 'evil',
    parent_span_id: 'root',
    name: EVIL,
    kind: 'tool',
    status: 'ERROR',
    status_message: 'tool failed',
    start_epoch_nanos: 700_000_000,
    end_epoch_nanos: 900_000_000,
    depth: 1,
  }),
  makeSpan({
    span_id: 'lost',
    parent_span_id: 'gone',
    name: 'late child',
    start_epoch_nanos: 950_000_000,
    end_epoch_nanos: 960_000_000,
    orphan: true,
  }),
];

type Handler = (url: URL, init: RequestInit) => unknown;

function stubFetch(handler: Handler) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const body = handler(url, init);
    if (body instanceof Response) return body;
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function renderPage(path = `/traces/${TRACE_ID}`) {
  const router = createMemoryRouter(
    [
      { path: '/traces/:traceId', element: <TracePage /> },
      { path: '/compare', element: <p>compare page</p> },
    ],
    { initialEntries: [path] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

beforeAll(() => {
  // jsdom lays nothing out: give the virtualised list a viewport.
  for (const [name, value] of [
    ['clientHeight', 600],
    ['clientWidth', 800],
    ['offsetHeight', 600],
    ['offsetWidth', 800],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('TracePage', () => {
  it('tries a trace that is not stored yet again until it is', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let stored = false;
    stubFetch((url) => {
      if (!stored) {
        return new Response(JSON.stringify({ error: `trace ${TRACE_ID} not found in project p1` }), { status: 404 });
      }
      return url.pathname.endsWith('/spans') ? { spans: [], next_cursor: null } : detail(SPANS);
    });
    renderPage();
    expect(await screen.findByText(/trying again every 2 s/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('not found');
    stored = true;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(NOT_FOUND_RETRY_MILLIS + 100);
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'agent run' })).toBeInTheDocument();
  });

  it('shows the rollup, the trace input as chat, the tree with an orphan, and span names as text', async () => {
    stubFetch(() => detail(SPANS));
    renderPage();
    expect(await screen.findByRole('heading', { level: 1, name: 'agent run' })).toBeInTheDocument();
    expect(screen.getAllByTitle('$0.00421300 (421300 microcents)')[0]).toHaveTextContent('$0.004213');
    expect(screen.getByText('✕ Error')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'sess/1' })).toHaveAttribute('href', '/sessions/sess%2F1');
    expect(
      within(screen.getByRole('list', { name: 'Trace input' })).getByText('What is the weather in Paris?'),
    ).toBeInTheDocument();
    expect(screen.getByText('Sunny, 24°C')).toBeInTheDocument();

    const grid = screen.getByRole('treegrid', { name: 'Spans' });
    const rows = within(grid).getAllByRole('row');
    expect(rows.map((r) => r.getAttribute('aria-level'))).toEqual(['1', '2', '2', '1']);
    expect(rows[0]).toHaveAttribute('aria-expanded', 'true');
    // the hostile name is text, not an element
    expect(within(grid).getByText(EVIL)).toBeInTheDocument();
    expect(document.querySelector('img')).toBeNull();
    expect(within(grid).getByRole('row', { name: /late child/ })).toHaveTextContent('orphan');
    expect(within(grid).getByRole('row', { name: /onerror/ })).toHaveAccessibleName(`${EVIL} (tool, error)`);
    // the root's cost rolls up its child's
    expect(rows[0]).toHaveTextContent('$0.004213');
  });

  it('moves with j/k, collapses with Left, opens with Enter and closes with Esc', async () => {
    stubFetch(() => detail(SPANS));
    renderPage();
    const grid = await screen.findByRole('treegrid', { name: 'Spans' });
    // j with nothing focused goes to the tree
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(grid).toHaveFocus();
    expect(within(grid).getByRole('row', { name: /^agent run/ })).toHaveAttribute('aria-selected', 'true');
    fireEvent.keyDown(grid, { key: 'ArrowLeft' });
    expect(within(grid).getAllByRole('row')).toHaveLength(2);
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    expect(within(grid).getAllByRole('row')).toHaveLength(4);
    fireEvent.keyDown(grid, { key: 'j' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    const panel = screen.getByRole('complementary', { name: 'Span details' });
    expect(within(panel).getByRole('heading', { name: 'chat gpt-4o' })).toBeInTheDocument();
    // OTel gen_ai input messages shown as chat
    expect(within(panel).getByText('weather in Paris?')).toBeInTheDocument();
    fireEvent.click(within(panel).getByRole('tab', { name: 'Attributes' }));
    fireEvent.change(within(panel).getByRole('searchbox', { name: 'Search attributes' }), {
      target: { value: 'http' },
    });
    expect(within(panel).getByText('http.url')).toBeInTheDocument();
    expect(within(panel).queryByText('gen_ai.input.messages')).toBeNull();
    fireEvent.keyDown(grid, { key: 'j' });
    expect(
      within(screen.getByRole('complementary', { name: 'Span details' })).getByRole('heading', { name: EVIL }),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('tab', { name: 'Error' }));
    expect(screen.getByText(/tool failed/)).toBeInTheDocument();
    fireEvent.keyDown(grid, { key: 'Escape' });
    expect(screen.queryByRole('complementary', { name: 'Span details' })).toBeNull();
  });

  it('zooms the axis to the selected span and resets', async () => {
    stubFetch(() => detail(SPANS));
    renderPage(`/traces/${TRACE_ID}?span=evil`);
    await screen.findByRole('treegrid', { name: 'Spans' });
    const bar = () => document.querySelector<HTMLElement>('#span-row-2 .bar')!;
    expect(bar().style.left).toBe('70%');
    fireEvent.click(screen.getByRole('button', { name: 'Zoom to span' }));
    expect(parseFloat(bar().style.width)).toBeGreaterThan(80);
    expect(document.querySelector('#span-row-1 .bar')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Reset zoom' }));
    expect(bar().style.left).toBe('70%');
  });

  it('loads the remaining spans from spans_next_cursor in the background', async () => {
    const fetchMock = stubFetch((url) => {
      if (url.pathname.endsWith('/spans')) {
        expect(url.searchParams.get('cursor')).toBe('c1');
        return {
          spans: [
            makeSpan({
              span_id: 'more',
              parent_span_id: 'root',
              name: 'second page span',
              start_epoch_nanos: 990_000_000,
            }),
          ],
          next_cursor: null,
        };
      }
      expect(url.searchParams.get('format')).toBe('flat');
      return detail(SPANS.slice(0, 2), { spans_next_cursor: 'c1', span_count: 3 });
    });
    renderPage();
    const grid = await screen.findByRole('treegrid', { name: 'Spans' });
    await waitFor(() =>
      expect(within(grid).getByRole('row', { name: /second page span/ })).toHaveAttribute('aria-level', '2'),
    );
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('posts an annotation, edits tags, saves, and shows the API error words', async () => {
    const calls: { method: string; path: string; body: unknown }[] = [];
    stubFetch((url, init) => {
      const method = init.method ?? 'GET';
      if (method !== 'GET') {
        calls.push({ method, path: url.pathname, body: init.body ? JSON.parse(String(init.body)) : null });
        if (url.pathname.endsWith('/annotations') && calls.length === 1) {
          return new Response(JSON.stringify({ error: 'label must be 1 to 200 characters', parameter: 'label' }), {
            status: 400,
          });
        }
        return {};
      }
      return detail(SPANS);
    });
    renderPage();
    fireEvent.click(await screen.findByRole('tab', { name: 'Annotations and scores' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Annotation' }), { target: { value: 'wrong city' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Author' }), { target: { value: 'ana' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Score (optional)' }), { target: { value: '0.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add annotation' }));
    expect(await screen.findByText('label must be 1 to 200 characters')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Add annotation' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toEqual({
      method: 'POST',
      path: `/api/v1/traces/${TRACE_ID}/annotations`,
      body: { text: 'wrong city', author: 'ana', score: 0.5 },
    });

    fireEvent.click(screen.getByRole('button', { name: 'Remove tag vip' }));
    await waitFor(() => expect(calls).toHaveLength(3));
    expect(calls[2]).toEqual({ method: 'PUT', path: `/api/v1/traces/${TRACE_ID}/tags`, body: { tags: [] } });
    const save = screen.getByRole('button', { name: 'Save trace' });
    // the header's buttons wait while the tag change is in flight
    await waitFor(() => expect(save).toBeEnabled());
    expect(save).toHaveAttribute('aria-pressed', 'false');
    fireEvent.click(save);
    await waitFor(() => expect(calls).toHaveLength(4));
    expect(calls[3]).toMatchObject({ method: 'POST', path: `/api/v1/traces/${TRACE_ID}/save` });

    fireEvent.click(screen.getByRole('tab', { name: 'Triggers' }));
    expect(screen.getByRole('table', { name: 'Fired triggers' })).toHaveTextContent('Score pending');
  });

  it('reloads every 3 s while the trace is in progress', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fetchMock = stubFetch(() => detail(SPANS, { state: 'in_progress' }));
    renderPage();
    await screen.findByText('In progress');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3_100);
    });
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
  });

  it('navigates to compare with this trace as a', async () => {
    stubFetch(() => detail(SPANS));
    const router = renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Compare with…' }));
    await waitFor(() => expect(router.state.location.search).toBe(`?a=${TRACE_ID}`));
  });
});
