import { describe, expect, it, vi, afterEach } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { fakeFetch } from '../../test/fakeFetch';
import { renderAt, traceSummary } from '../../test/fixtures';
import { SetsPage } from './SetsPage';
import { SetPage } from './SetPage';
import { parseTraceIds } from './setModel';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const set = {
  id: 's1',
  name: 'picked',
  description: null,
  filter: null,
  trace_count: 2,
  created_epoch_millis: 1_763_000_000_000,
};

describe('trace sets', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('parses pasted ids, dropping repeats and separators', () => {
    expect(parseTraceIds(`"${A}",\n${B}; ${A}`)).toEqual([A, B]);
  });

  it('creates a set from pasted ids and shows an API 400 on the ids', async () => {
    const fake = fakeFetch()
      .route('GET', '/api/v1/trace-sets', [200, { trace_sets: [], count: 0, page: 1, page_size: 100, has_more: false }])
      .route('POST', '/api/v1/trace-sets', [400, { error: `not traces of the project: ${B}`, parameter: 'trace_ids' }]);
    vi.stubGlobal('fetch', fake.fetch);
    renderAt('/sets', '/sets', <SetsPage />);
    expect(await screen.findByText('No trace sets yet.')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'New trace set' }));
    const form = screen.getByRole('form', { name: 'New trace set' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'picked' } });
    fireEvent.click(within(form).getByRole('radio', { name: 'From trace ids' }));
    fireEvent.change(within(form).getByLabelText('Trace ids'), { target: { value: `${A}\n${B}` } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create set' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      `Error (trace_ids): not traces of the project: ${B}`,
    );
    expect(fake.calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'picked', trace_ids: [A, B] });
    expect(within(form).getByLabelText('Trace ids')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows a set with member links and missing ids', async () => {
    const fake = fakeFetch().route('GET', '/api/v1/trace-sets/s1', [
      200,
      {
        ...set,
        trace_ids: [A, B],
        traces: [traceSummary({ id: A, name: 'run A' })],
        missing_trace_ids: [B],
        page: 1,
        page_size: 100,
        count: 2,
        has_more: false,
      },
    ]);
    vi.stubGlobal('fetch', fake.fetch);
    renderAt('/sets/s1', '/sets/:setId', <SetPage />);
    const table = await screen.findByRole('table', { name: 'Set members' });
    expect(within(table).getByRole('link', { name: A })).toHaveAttribute('href', `/traces/${A}`);
    expect(within(table).getAllByRole('row')[2]).toHaveTextContent('missing');
    expect(screen.getByRole('region', { name: 'Missing traces' })).toHaveTextContent(B);
  });
});
