/** Test helpers for the pages: a trace summary fixture and rendering a page at a URL. */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import type { TraceSummary } from '../../api/types';

/** A complete trace summary with `overrides`. */
export function traceSummary(overrides: Partial<TraceSummary> = {}): TraceSummary {
  return {
    id: '5b8efff798038103d269b633813fc60c',
    project_id: 'p',
    name: 'answer question',
    root_span_id: 'aaaaaaaaaaaaaaaa',
    state: 'complete',
    revision: 1,
    completion_reason: 'ROOT',
    rollup_revision: 1,
    spans_beyond_revision: 0,
    status: 'OK',
    span_count: 3,
    error_count: 0,
    start_epoch_nanos: 1_763_000_000_000_000_000,
    end_epoch_nanos: 1_763_000_000_900_000_000,
    duration_nanos: 900_000_000,
    input_tokens: 512,
    output_tokens: 3,
    cache_read_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    total_tokens: 515,
    cost_microcents: 8000,
    cost_is_estimated: false,
    time_to_first_token_nanos: null,
    models: ['gpt-4o-mini'],
    providers: ['openai'],
    service_names: [],
    session_id: 'chat-17',
    user_id: 'u-3',
    tags: [],
    user_tags: [],
    saved: false,
    saved_epoch_millis: null,
    created_epoch_millis: 1_763_000_001_000,
    metadata: null,
    input: 'What is the capital of France?',
    output: 'Paris',
    source: 'native-json',
    scores_count: 0,
    scores_passed: 0,
    scores_failed: 0,
    latest_scores: null,
    ...overrides,
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
