import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { StoredFilter } from '../../filters/filter';
import type { TraceFacets } from '../../api/types';
import { FilterPanel } from './FilterPanel';

const FACETS: TraceFacets = {
  models: ['gpt-4o', 'claude-sonnet'],
  providers: ['openai'],
  service_names: ['agent'],
  tags: ['eval'],
  metadata_keys: ['env', 'dataset'],
  sources: ['native-json', 'otlp-grpc'],
};

function stubFacets(status: number, body: unknown = FACETS) {
  const fetchMock = vi.fn(async (_input: string) => new Response(JSON.stringify(body), { status }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The panel with its value held in state, like a page; `changes` records every onChange. */
function renderPanel(initial: StoredFilter = {}) {
  const changes: StoredFilter[] = [];
  function Harness() {
    const [value, setValue] = useState(initial);
    return (
      <FilterPanel
        value={value}
        onChange={(next) => {
          changes.push(next);
          setValue(next);
        }}
      />
    );
  }
  render(<Harness />);
  return { changes, last: () => changes[changes.length - 1] };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('FilterPanel', () => {
  it('converts ranges typed in ms and $ to nanoseconds and microcents', async () => {
    stubFacets(200);
    const user = userEvent.setup();
    const { last } = renderPanel();
    await user.type(screen.getByLabelText('Min duration (ms)'), '250{Enter}');
    expect(last()).toEqual({ min_duration_nanos: ['250000000'] });
    await user.type(screen.getByLabelText('Max cost ($)'), '0.5{Enter}');
    expect(last()).toEqual({ min_duration_nanos: ['250000000'], max_cost_microcents: ['50000000'] });
    await user.type(screen.getByLabelText('Min TTFT (ms)'), '1.5');
    await user.tab();
    expect(last().min_ttft_nanos).toEqual(['1500000']);
  });

  it('shows stored ranges in the units they are entered in', () => {
    stubFacets(200);
    renderPanel({ max_duration_nanos: ['1500000'], min_cost_microcents: ['250000'], min_span_count: ['3'] });
    expect(screen.getByLabelText('Max duration (ms)')).toHaveValue('1.5');
    expect(screen.getByLabelText('Min cost ($)')).toHaveValue('0.0025');
    expect(screen.getByLabelText('Min spans')).toHaveValue('3');
  });

  it('fills multi-selects from the project facets and fixed choices', async () => {
    const fetchMock = stubFacets(200);
    const user = userEvent.setup();
    const { last } = renderPanel();
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/traces/facets');
    const models = screen.getByRole('group', { name: 'Models' });
    await user.click(await within(models).findByRole('checkbox', { name: 'claude-sonnet' }));
    expect(last()).toEqual({ models: ['claude-sonnet'] });
    await user.click(within(screen.getByRole('group', { name: 'Status' })).getByRole('checkbox', { name: 'ERROR' }));
    expect(last()).toEqual({ models: ['claude-sonnet'], status: ['ERROR'] });
    await user.click(
      within(screen.getByRole('group', { name: 'State' })).getByRole('checkbox', { name: 'in progress' }),
    );
    expect(last().state).toEqual(['in_progress']);
    await user.type(screen.getByRole('textbox', { name: 'Other models' }), 'o3-mini{Enter}');
    expect(last().models).toEqual(['claude-sonnet', 'o3-mini']);
    await user.click(within(models).getByRole('checkbox', { name: 'claude-sonnet' }));
    expect(last().models).toEqual(['o3-mini']);
  });

  it('takes free text when the facets endpoint answers 404', async () => {
    stubFacets(404, { error: 'no such route' });
    const user = userEvent.setup();
    const { last } = renderPanel();
    const models = await screen.findByRole('textbox', { name: 'Models' });
    await user.type(models, 'gpt-4o, o3{Enter}');
    expect(last()).toEqual({ models: ['gpt-4o', 'o3'] });
    // Status keeps its fixed choices.
    expect(within(screen.getByRole('group', { name: 'Status' })).getAllByRole('checkbox')).toHaveLength(3);
  });

  it('debounces the search box and applies after a pause in typing', async () => {
    stubFacets(200);
    const user = userEvent.setup();
    const { changes, last } = renderPanel();
    await user.type(screen.getByLabelText('Search name, input, output'), 'capital');
    expect(changes.filter((c) => c.search)).toHaveLength(0);
    await waitFor(() => expect(last()).toEqual({ search: ['capital'] }));
    expect(changes).toHaveLength(1);
  });

  it('builds metadata.<key> filters from rows', async () => {
    stubFacets(200);
    const user = userEvent.setup();
    const { last } = renderPanel();
    await user.click(screen.getByText('Metadata'));
    await user.click(screen.getByRole('button', { name: 'Add metadata filter' }));
    await user.type(screen.getByRole('combobox', { name: 'Metadata key 1' }), 'env{Enter}');
    await user.type(screen.getByRole('textbox', { name: 'Metadata value 1' }), 'prod{Enter}');
    expect(last()).toEqual({ 'metadata.env': ['prod'] });
    await user.click(screen.getByRole('button', { name: 'Add metadata filter' }));
    await user.type(screen.getByRole('combobox', { name: 'Metadata key 2' }), 'dataset{Enter}');
    await user.type(screen.getByRole('textbox', { name: 'Metadata value 2' }), 'geo{Enter}');
    expect(last()).toEqual({ 'metadata.env': ['prod'], 'metadata.dataset': ['geo'] });
    await user.click(screen.getByRole('button', { name: 'Remove metadata filter 1' }));
    expect(last()).toEqual({ 'metadata.dataset': ['geo'] });
  });

  it('writes from/to as RFC 3339 and keeps time_range exclusive of them', async () => {
    stubFacets(200);
    const user = userEvent.setup();
    const { last } = renderPanel();
    await user.selectOptions(screen.getByLabelText('Time range'), '24h');
    expect(last()).toEqual({ time_range: ['24h'] });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-21T09:30:00' } });
    expect(Object.keys(last())).toEqual(['from']);
    expect(last().from[0]).toMatch(/^2026-11-21T09:30:00[+-]\d{2}:\d{2}$/);
    expect(new Date(last().from[0]).getTime()).toBe(new Date('2026-11-21T09:30:00').getTime());
  });

  it('labels every parameter and clears all filters', async () => {
    stubFacets(200);
    const user = userEvent.setup();
    const { last } = renderPanel({ status: ['ERROR'], 'metadata.env': ['prod'], passed: ['false'] });
    for (const label of [
      'Trace ids',
      'Session ids',
      'User ids',
      'Name (exact)',
      'Name contains',
      'Tags match',
      'Evaluators',
      'Verdict passed',
      'Min score',
      'Max score',
      'Score labels',
      'Score pending',
      'To',
    ]) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    expect(screen.getByLabelText('Verdict passed')).toHaveValue('false');
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(last()).toEqual({});
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeDisabled();
  });
});
