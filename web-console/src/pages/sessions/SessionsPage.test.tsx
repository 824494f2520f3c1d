import { describe, expect, it, vi, afterEach } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import type { Session } from '../../api/types';
import { fakeFetch } from '../../test/fakeFetch';
import { renderAt, traceSummary } from '../../test/fixtures';
import { shownValue } from '../../components/crud/TextValue';
import { SessionsPage } from './SessionsPage';
import { SessionPage } from './SessionPage';

const session: Session = {
  session_id: 'chat/17',
  trace_count: 2,
  first_start_epoch_nanos: 1_763_000_000_000_000_000,
  last_start_epoch_nanos: 1_763_000_060_000_000_000,
  last_end_epoch_nanos: 1_763_000_061_000_000_000,
  duration_nanos: 61_000_000_000,
  total_trace_duration_nanos: 2_000_000_000,
  input_tokens: 1000,
  output_tokens: 234,
  total_tokens: 1234,
  cost_microcents: 421_300,
  error_count: 1,
  error_trace_count: 1,
  user_ids: ['u-3'],
};

describe('shownValue', () => {
  it('shows strings as text, message arrays (also as JSON text) as messages, other JSON pretty', () => {
    expect(shownValue('hi')).toEqual({ kind: 'text', text: 'hi' });
    expect(shownValue('[not json')).toEqual({ kind: 'text', text: '[not json' });
    expect(shownValue('[{"role":"user","content":"hi"}]')).toEqual({
      kind: 'messages',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(shownValue({ q: 1 })).toEqual({ kind: 'json', text: '{\n  "q": 1\n}' });
    expect(shownValue(null)).toEqual({ kind: 'none' });
  });
});

describe('sessions pages', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists sessions with human units and finds one by id', async () => {
    const fake = fakeFetch().route('GET', '/api/v1/sessions', [
      200,
      { sessions: [session], count: 1, page: 1, page_size: 50, has_more: true },
    ]);
    vi.stubGlobal('fetch', fake.fetch);
    renderAt('/sessions', '/sessions', <SessionsPage />);
    const table = await screen.findByRole('table', { name: 'Sessions' });
    const row = within(table).getAllByRole('row')[1];
    expect(row).toHaveTextContent('chat/17');
    expect(row).toHaveTextContent('1.23k');
    expect(row).toHaveTextContent('$0.004213');
    expect(row).toHaveTextContent('1m 01s');
    expect(within(row).getByRole('link', { name: 'chat/17' })).toHaveAttribute('href', '/sessions/chat%2F17');
    expect(screen.getByRole('button', { name: 'Next page →' })).toBeEnabled();

    fireEvent.change(screen.getByLabelText('Session id'), { target: { value: 'chat/17' } });
    fireEvent.click(screen.getByRole('button', { name: 'Find session' }));
    await vi.waitFor(() => expect(fake.calls.at(-1)?.query.get('session_id')).toBe('chat/17'));
  });

  it('shows a session as a conversation of its traces', async () => {
    const traces = [
      traceSummary({ id: 'a'.repeat(32), input: 'What is the capital of France?', output: 'Paris' }),
      traceSummary({
        id: 'b'.repeat(32),
        status: 'ERROR',
        input: [{ role: 'user', content: 'And Spain?' }],
        output: { error: 'timeout' },
      }),
    ];
    const fake = fakeFetch().route('GET', '/api/v1/sessions/chat%2F17', [
      200,
      { session, traces, count: 2, page: 1, page_size: 50, has_more: false },
    ]);
    vi.stubGlobal('fetch', fake.fetch);
    renderAt('/sessions/chat%2F17', '/sessions/:sessionId', <SessionPage />);
    expect(await screen.findByRole('group', { name: 'Input of turn 1' })).toHaveTextContent(
      'What is the capital of France?',
    );
    expect(screen.getByRole('group', { name: 'Output of turn 1' })).toHaveTextContent('Paris');
    expect(screen.getByRole('group', { name: 'Input of turn 2' })).toHaveTextContent('And Spain?');
    expect(screen.getByRole('group', { name: 'Output of turn 2' })).toHaveTextContent('"error": "timeout"');
    expect(screen.getByRole('link', { name: `Open trace ${'b'.repeat(32)}` })).toHaveAttribute(
      'href',
      `/traces/${'b'.repeat(32)}`,
    );
    expect(screen.getByRole('group', { name: 'Session totals' })).toHaveTextContent('1 spans, 1 traces');
  });
});
