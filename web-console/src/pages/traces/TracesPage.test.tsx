import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router';
import { TracesPage } from './TracesPage';
import { traceList, traceSummary } from '../../test/fixtures';
import type { TraceList } from '../../api/types';

const A = traceSummary({ id: 'a'.repeat(32), name: 'first run' });
const B = traceSummary({
  id: 'b'.repeat(32),
  name: '<img src=x onerror=alert(1)>',
  status: 'ERROR',
  error_count: 2,
  state: 'in_progress',
  cost_microcents: 100_000_000,
});

interface Call {
  url: URL;
}

/** Replaces fetch: `/api/v1/traces/facets` answers 404, `/api/v1/traces` answers `lists(url)`. */
function stubApi(lists: (url: URL) => { status?: number; body: TraceList | object }) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string) => {
      const url = new URL(input, 'http://console.test');
      if (url.pathname === '/api/v1/traces/facets') {
        return new Response(JSON.stringify({ error: 'not found' }), { status: 404 });
      }
      calls.push({ url });
      const answer = lists(url);
      return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
    }),
  );
  return calls;
}

function Probe() {
  const location = useLocation();
  return <p data-testid="location">{location.pathname + location.search}</p>;
}

function renderAt(path: string) {
  const router = createMemoryRouter(
    [
      { path: '/traces', element: <TracesPage /> },
      { path: '/traces/:id', element: <Probe /> },
      { path: '/compare', element: <Probe /> },
    ],
    { initialEntries: [path] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

// jsdom lays nothing out: give the table's scroll box a size so the virtualizer shows rows.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
const clientWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 680 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
  if (clientWidth) Object.defineProperty(HTMLElement.prototype, 'clientWidth', clientWidth);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('TracesPage', () => {
  it('builds the request from the URL and renders the rows as text', async () => {
    const calls = stubApi(() => ({ body: traceList([A, B], { total_count: 1000, total_count_capped: true }) }));
    renderAt('/traces?status=ERROR&models=gpt-4o&sort_by=cost&sort_order=asc&page_size=50&min_duration_nanos=1000000');
    const table = await screen.findByRole('table', { name: 'Traces' });
    const query = calls[0].url.searchParams;
    expect(calls[0].url.pathname).toBe('/api/v1/traces');
    expect(query.getAll('status')).toEqual(['ERROR']);
    expect(query.get('models')).toBe('gpt-4o');
    expect(query.get('sort_by')).toBe('cost');
    expect(query.get('sort_order')).toBe('asc');
    expect(query.get('page_size')).toBe('50');
    expect(query.get('min_duration_nanos')).toBe('1000000');
    expect(query.has('cursor')).toBe(false);

    expect(within(table).getByText('first run')).toBeInTheDocument();
    // A hostile name shows its characters.
    expect(within(table).getByText('<img src=x onerror=alert(1)>')).toBeInTheDocument();
    expect(within(table).getByText(/ERROR \(2\)/)).toBeInTheDocument();
    expect(within(table).getByText('in progress')).toBeInTheDocument();
    expect(within(table).getByText('$1.00')).toHaveAttribute('title', '$1.00000000 (100000000 microcents)');
    expect(screen.getByText(/1,000\+ traces match/)).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: /Cost/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('columnheader', { name: /Duration/ })).toHaveAttribute('aria-sort', 'none');
    // The filter panel shows the URL's filter in its units.
    expect(screen.getByLabelText('Min duration (ms)')).toHaveValue('1');
  });

  it('sorts by a header click and puts the sort in the URL', async () => {
    const calls = stubApi(() => ({ body: traceList([A]) }));
    const router = renderAt('/traces');
    await screen.findByRole('table', { name: 'Traces' });
    await userEvent.click(screen.getByRole('button', { name: 'Duration' }));
    await waitFor(() => expect(router.state.location.search).toBe('?sort_by=duration'));
    await waitFor(() => expect(calls[calls.length - 1].url.searchParams.get('sort_by')).toBe('duration'));
    await userEvent.click(screen.getByRole('button', { name: 'Duration' }));
    await waitFor(() => expect(router.state.location.search).toBe('?sort_by=duration&sort_order=asc'));
  });

  it('selects two rows and navigates to compare', async () => {
    stubApi(() => ({ body: traceList([A, B]) }));
    const router = renderAt('/traces');
    const compare = await screen.findByRole('button', { name: 'Compare' });
    await screen.findByRole('checkbox', { name: 'Select trace first run' });
    expect(compare).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select trace first run' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select trace <img src=x onerror=alert(1)>' }));
    expect(compare).toBeEnabled();
    await userEvent.click(compare);
    expect(router.state.location.pathname).toBe('/compare');
    expect(router.state.location.search).toBe(`?a=${A.id}&b=${B.id}`);
  });

  it('opens a trace on row click and with j and Enter', async () => {
    stubApi(() => ({ body: traceList([A, B]) }));
    const router = renderAt('/traces');
    const cell = await screen.findByText('$0.004213');
    await userEvent.click(cell);
    expect(router.state.location.pathname).toBe(`/traces/${A.id}`);

    await router.navigate('/traces');
    await screen.findByRole('table', { name: 'Traces' });
    await userEvent.keyboard('j');
    await userEvent.keyboard('j');
    await userEvent.keyboard('{Enter}');
    expect(router.state.location.pathname).toBe(`/traces/${B.id}`);
  });

  it('pages with the cursor and drops it when the filters change', async () => {
    const calls = stubApi((url) =>
      url.searchParams.get('cursor') === 'c2'
        ? { body: traceList([B], { next_cursor: null, page: null }) }
        : { body: traceList([A], { next_cursor: 'c2' }) },
    );
    renderAt('/traces');
    await screen.findByText('first run');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('<img src=x onerror=alert(1)>');
    expect(calls[calls.length - 1].url.searchParams.get('cursor')).toBe('c2');
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    await screen.findByText('first run');
    expect(calls[calls.length - 1].url.searchParams.has('cursor')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('Page 2');
    await userEvent.click(
      within(screen.getByRole('group', { name: 'Status' })).getByRole('checkbox', { name: 'ERROR' }),
    );
    await waitFor(() => expect(calls[calls.length - 1].url.searchParams.get('status')).toBe('ERROR'));
    expect(calls[calls.length - 1].url.searchParams.has('cursor')).toBe(false);
    expect(screen.getByText('Page 1')).toBeInTheDocument();
  });

  it('teaches where to send traces when there are none', async () => {
    stubApi(() => ({ body: traceList([]) }));
    renderAt('/traces');
    expect(await screen.findByRole('heading', { name: 'No traces yet' })).toBeInTheDocument();
    expect(screen.getByText(`${location.protocol}//${location.hostname}:4318/v1/traces`)).toBeInTheDocument();
    expect(screen.getByLabelText('Example: send a native trace with curl')).toHaveTextContent(
      `curl -s ${location.origin}/api/v1/traces`,
    );
  });

  it('says when nothing matches the filters and clears them', async () => {
    stubApi((url) => ({ body: traceList(url.searchParams.has('status') ? [] : [A]) }));
    const router = renderAt('/traces?status=UNSET');
    expect(await screen.findByRole('heading', { name: 'No traces match these filters' })).toBeInTheDocument();
    const clearButtons = screen.getAllByRole('button', { name: 'Clear filters' });
    await userEvent.click(clearButtons[clearButtons.length - 1]);
    await screen.findByText('first run');
    expect(router.state.location.search).toBe('');
  });

  it('shows the API error with its parameter', async () => {
    stubApi(() => ({
      status: 400,
      body: { error: "min_duration_nanos must be a whole number >= 0, got 'soon'", parameter: 'min_duration_nanos' },
    }));
    renderAt('/traces?min_duration_nanos=soon');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Error (min_duration_nanos):');
    expect(alert).toHaveTextContent("got 'soon'");
  });

  it('reloads by itself while a trace is in progress', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let n = 0;
      const calls = stubApi(() => {
        n += 1;
        return { body: traceList([n < 2 ? B : { ...B, state: 'complete' }]) };
      });
      renderAt('/traces');
      const table = await screen.findByRole('table', { name: 'Traces' });
      expect(within(table).getByText('in progress')).toBeInTheDocument();
      await vi.advanceTimersByTimeAsync(3_100);
      await waitFor(() => expect(within(table).getByText('complete')).toBeInTheDocument());
      const count = calls.length;
      expect(count).toBe(2);
      await vi.advanceTimersByTimeAsync(6_000);
      expect(calls.length).toBe(count);
    } finally {
      vi.useRealTimers();
    }
  });

  it('renders only the visible window of 500 rows', async () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      traceSummary({ id: i.toString(16).padStart(32, '0'), name: `run ${i}` }),
    );
    stubApi(() => ({ body: traceList(many, { page_size: 500 }) }));
    renderAt('/traces?page_size=500');
    const table = await screen.findByRole('table', { name: 'Traces' });
    expect(table).toHaveAttribute('aria-rowcount', '501');
    await within(table).findByText('run 0');
    const rendered = within(table).getAllByRole('checkbox').length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(60);
    expect(within(table).queryByText('run 499')).toBeNull();
  });

  it('focuses the search box on / and shows a hidden filter panel', async () => {
    stubApi(() => ({ body: traceList([A]) }));
    renderAt('/traces');
    await screen.findByRole('table', { name: 'Traces' });
    await userEvent.click(screen.getByRole('button', { name: 'Hide filters' }));
    expect(screen.queryByRole('region', { name: 'Filters' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Show filters' })).toHaveAttribute('aria-expanded', 'false');
    await userEvent.keyboard('/');
    await waitFor(() => expect(screen.getByRole('searchbox', { name: 'Search name, input, output' })).toHaveFocus());
    expect(screen.getByRole('region', { name: 'Filters' })).toBeInTheDocument();
  });
});
