import { describe, expect, it, vi, beforeEach, afterEach } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { EvaluationRule } from '../../api/types';
import { fakeFetch } from '../../test/fakeFetch';
import { renderAt } from '../../test/fixtures';
import { RulesPage } from './RulesPage';
import { ApiError } from '../../api/client';
import { fieldOfError } from '../../components/crud/fieldError';
import { EMPTY_RULE, ruleBody } from './ruleModel';

const rule: EvaluationRule = {
  id: 'r1',
  name: 'failed checkouts',
  enabled: true,
  filter: { status: ['ERROR'], tags: ['checkout'], min_duration_nanos: ['2000000'] },
  sampling_percent: 10,
  turn: 'last',
  last_delay_seconds: 300,
  created_epoch_millis: 1_763_000_000_000,
  updated_epoch_millis: 1_763_000_000_000,
};

const list = (rules: EvaluationRule[]) => ({
  evaluation_rules: rules,
  count: rules.length,
  page: 1,
  page_size: 100,
  has_more: false,
});

describe('ruleBody', () => {
  it('sends every field, numbers as numbers, the delay only with turn last', () => {
    expect(
      ruleBody({ ...EMPTY_RULE, name: ' n ', filter: { status: ['ERROR'], tags: [''] }, last_delay_seconds: '60' }),
    ).toEqual({
      name: 'n',
      enabled: true,
      filter: { status: ['ERROR'] },
      sampling_percent: 100,
      turn: 'every',
    });
    expect(
      ruleBody({ ...EMPTY_RULE, name: 'n', turn: 'last', last_delay_seconds: '60', sampling_percent: '12.5' }),
    ).toMatchObject({
      turn: 'last',
      last_delay_seconds: 60,
      sampling_percent: 12.5,
    });
  });
});

describe('RulesPage', () => {
  let fake: ReturnType<typeof fakeFetch>;
  beforeEach(() => {
    fake = fakeFetch().route('GET', '/api/v1/evaluation-rules', [200, list([rule])]);
    vi.stubGlobal('fetch', fake.fetch);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('lists rules with a filter summary in entered units', async () => {
    renderAt('/rules', '/rules', <RulesPage />);
    const row = await screen.findByRole('row', { name: /failed checkouts/ });
    expect(row).toHaveTextContent('Status: ERROR · Tags: checkout · Min duration (ms): 2');
    expect(row).toHaveTextContent('10 %');
    expect(row).toHaveTextContent('5 min');
  });

  it('creates a rule with the right body and shows a 400 on its field', async () => {
    fake.route('GET', '/api/v1/traces', [
      200,
      {
        traces: [],
        count: 0,
        total_count: 1000,
        total_count_capped: true,
        next_cursor: null,
        page: 1,
        page_size: 1,
        sort_by: 'start_time',
        sort_order: 'desc',
      },
    ]);
    fake.route('POST', '/api/v1/evaluation-rules', [
      400,
      { error: 'sampling_percent must be between 0 and 100', parameter: 'sampling_percent' },
    ]);
    renderAt('/rules', '/rules', <RulesPage />);
    await screen.findByRole('row', { name: /failed checkouts/ });
    fireEvent.click(screen.getByRole('button', { name: 'New rule' }));
    const form = screen.getByRole('form', { name: 'New evaluation rule' });
    expect(await within(form).findByText('Matches more than 1,000 stored traces now.')).toBeInTheDocument();
    expect(fake.calls.find((c) => c.path === '/api/v1/traces')?.query.get('page_size')).toBe('1');
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'slow answers' } });
    fireEvent.change(within(form).getByLabelText('Sampling %'), { target: { value: '12.5' } });
    fireEvent.change(within(form).getByLabelText('Turn'), { target: { value: 'last' } });
    fireEvent.change(within(form).getByLabelText('Delay after last revision (seconds)'), { target: { value: '60' } });
    fireEvent.click(within(form).getByLabelText('Enabled'));
    fireEvent.click(within(form).getByRole('button', { name: 'Create rule' }));

    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent('Error (sampling_percent): sampling_percent must be between 0 and 100');
    const post = fake.calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      name: 'slow answers',
      enabled: false,
      filter: {},
      sampling_percent: 12.5,
      turn: 'last',
      last_delay_seconds: 60,
    });
    const sampling = within(form).getByLabelText('Sampling %');
    expect(sampling).toHaveAttribute('aria-invalid', 'true');
    expect(sampling).toHaveAccessibleDescription('sampling_percent must be between 0 and 100');
    expect(within(form).getByLabelText('Name')).not.toHaveAttribute('aria-invalid');
  });

  it('maps a filter parameter error to the filter field', () => {
    expect(fieldOfError(new ApiError(400, 'bad', 'filter.status', null))).toBe('filter');
    expect(fieldOfError(new ApiError(400, 'bad', null, null))).toBeNull();
  });

  it('edits with a PUT of the whole rule and deletes after confirming', async () => {
    fake
      .route('PUT', '/api/v1/evaluation-rules/r1', (call) => [200, { ...rule, ...(call.body as object) }])
      .route('DELETE', '/api/v1/evaluation-rules/r1', [204, null]);
    renderAt('/rules', '/rules', <RulesPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit rule failed checkouts' }));
    const form = screen.getByRole('form', { name: 'Edit rule failed checkouts' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'renamed' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    expect(fake.calls.find((c) => c.method === 'PUT')?.body).toEqual({
      name: 'renamed',
      enabled: true,
      filter: { status: ['ERROR'], tags: ['checkout'], min_duration_nanos: ['2000000'] },
      sampling_percent: 10,
      turn: 'last',
      last_delay_seconds: 300,
    });

    fireEvent.click(screen.getByRole('button', { name: 'Delete rule failed checkouts' }));
    expect(fake.calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Confirm delete rule failed checkouts' }));
    await waitFor(() =>
      expect(fake.calls.some((c) => c.method === 'DELETE' && c.path === '/api/v1/evaluation-rules/r1')).toBe(true),
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Rule “failed checkouts” deleted.');
  });
});
