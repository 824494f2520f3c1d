/** Test fixtures: complete API objects (trace summaries, trace lists, spans) and rendering a page at a URL. */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import type { Span, TraceList, TraceSummary } from '../api/types';

/** A trace summary as the API sends it, with `overrides` applied (tests only). */
export function traceSummary(overrides: Partial<TraceSummary> = {}): TraceSummary {
  return {
    id: '0af7651916cd43dd8448eb211c80319c',
    project_id: 'default',
    name: 'answer question',
    root_span_id: 'b7ad6b7169203331',
    state: 'complete',
    revision: 1,
    completion_reason: 'ROOT',
    rollup_revision: 1,
    spans_beyond_revision: 0,
    status: 'OK',
    span_count: 3,
    error_count: 0,
    start_epoch_nanos: 1_764_000_000_000_000_000,
    end_epoch_nanos: 1_764_000_000_900_000_000,
    duration_nanos: 900_000_000,
    input_tokens: 1234,
    output_tokens: 56,
    cache_read_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    total_tokens: 1290,
    cost_microcents: 421_300,
    cost_is_estimated: false,
    time_to_first_token_nanos: 120_000_000,
    models: ['gpt-4o-mini'],
    providers: ['openai'],
    service_names: ['agent'],
    session_id: 'chat-17',
    user_id: 'u-3',
    tags: ['eval'],
    user_tags: [],
    saved: false,
    saved_epoch_millis: null,
    created_epoch_millis: 1_764_000_001_000,
    metadata: null,
    input: null,
    output: null,
    source: 'native-json',
    scores_count: 0,
    scores_passed: 0,
    scores_failed: 0,
    latest_scores: null,
    ...overrides,
  };
}

/** A `GET /api/v1/traces` answer holding `traces` (tests only). */
export function traceList(traces: TraceSummary[], overrides: Partial<TraceList> = {}): TraceList {
  return {
    traces,
    count: traces.length,
    total_count: traces.length,
    total_count_capped: false,
    next_cursor: null,
    page: 1,
    page_size: 100,
    sort_by: 'start_time',
    sort_order: 'desc',
    ...overrides,
  };
}

/** A span for tests: every field filled with defaults, `over` on top. */
export function makeSpan(over: Partial<Span> & { span_id: string }): Span {
  return {
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    parent_span_id: null,
    name: over.span_id,
    kind: 'other',
    otel_span_kind: null,
    status: 'OK',
    status_message: null,
    start_epoch_nanos: 1_000,
    end_epoch_nanos: 2_000,
    duration_nanos: (over.end_epoch_nanos ?? 2_000) - (over.start_epoch_nanos ?? 1_000),
    model: null,
    provider: null,
    input_tokens: null,
    output_tokens: null,
    cache_read_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    cost_microcents: null,
    cost_is_estimated: null,
    time_to_first_token_nanos: null,
    session_id: null,
    user_id: null,
    service_name: null,
    scope_name: null,
    tags: null,
    input: null,
    output: null,
    attributes: null,
    resource_attributes: null,
    events: null,
    source: null,
    ingested_epoch_millis: null,
    ...over,
  };
}

/** Renders `element` as the route `routePath` at URL `url` (other paths render "elsewhere <path>"). */
export function renderAt(url: string, routePath: string, element: ReactElement) {
  const router = createMemoryRouter(
    [
      { path: routePath, element },
      { path: '*', element: <p>elsewhere</p> },
    ],
    { initialEntries: [url] },
  );
  return { router, ...render(<RouterProvider router={router} />) };
}
