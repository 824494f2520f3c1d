import { describe, expect, it, vi, beforeEach, afterEach } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AnnotationQueue, QueueItem } from '../../api/types';
import { fakeFetch } from '../../test/fakeFetch';
import { renderAt, traceSummary } from '../../test/fixtures';
import { QueueReviewPage } from './QueueReviewPage';

const T1 = '1'.repeat(32);
const T2 = '2'.repeat(32);
const queue: AnnotationQueue = {
  id: 'q1',
  name: 'checkout review',
  description: null,
  enabled: true,
  filter: {},
  sampling_percent: 100,
  pending_count: 2,
  done_count: 0,
  created_epoch_millis: 1,
  updated_epoch_millis: 1,
};
const item = (traceId: string, name: string, output: unknown): QueueItem => ({
  trace_id: traceId,
  revision: 1,
  status: 'pending',
  added_epoch_millis: 1_763_000_000_000,
  done_epoch_millis: null,
  done_by: null,
  trace: traceSummary({ id: traceId, name, output }),
});
const page = (items: QueueItem[]) => ({ items, count: items.length, page: 1, page_size: 1, has_more: false });

describe('QueueReviewPage', () => {
  let fake: ReturnType<typeof fakeFetch>;
  let pending: QueueItem[];
  beforeEach(() => {
    localStorage.clear();
    pending = [
      item(T1, 'first run', JSON.stringify([{ role: 'assistant', content: 'Paris <img src=x onerror=alert(1)>' }])),
      item(T2, 'second run', 'Lyon'),
    ];
    fake = fakeFetch()
      .route('GET', '/api/v1/annotation-queues/q1', [200, queue])
      .route('GET', '/api/v1/annotation-queues/q1/items', (call) => {
        const n = Number(call.query.get('page') ?? '1');
        return [200, page(pending.slice(n - 1, n))];
      })
      .route('POST', `/api/v1/traces/${T1}/annotations`, (call) => [
        201,
        { id: 7, created_epoch_millis: 1, score: null, label: null, ...(call.body as object) },
      ])
      .route('PUT', `/api/v1/annotation-queues/q1/items/${T1}`, () => {
        pending = pending.filter((i) => i.trace_id !== T1);
        return [200, { ...item(T1, 'first run', null), status: 'done' }];
      });
    vi.stubGlobal('fetch', fake.fetch);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('annotates, marks done and loads the next pending item', async () => {
    renderAt('/queues/q1/review', '/queues/:queueId/review', <QueueReviewPage />);
    const trace = await screen.findByRole('region', { name: 'Trace under review' });
    expect(trace).toHaveTextContent('first run');
    // output messages rendered as text, never as HTML
    expect(within(trace).getByRole('region', { name: 'Output' })).toHaveTextContent(
      'Paris <img src=x onerror=alert(1)>',
    );
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByRole('link', { name: 'Open full trace' })).toHaveAttribute('href', `/traces/${T1}`);
    const itemsCall = fake.calls.find((c) => c.path.endsWith('/items'));
    expect(itemsCall?.query.get('status')).toBe('pending');
    expect(itemsCall?.query.get('page_size')).toBe('1');

    fireEvent.change(screen.getByLabelText('Reviewer'), { target: { value: 'ana' } });
    fireEvent.change(screen.getByLabelText('Annotation'), { target: { value: 'wrong city' } });
    fireEvent.change(screen.getByLabelText('Score (optional)'), { target: { value: '0.5' } });
    fireEvent.change(screen.getByLabelText('Label (optional)'), { target: { value: 'hallucination' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add annotation' }));
    expect(await screen.findByRole('list', { name: 'Annotations added' })).toHaveTextContent('ana: wrong city');
    expect(fake.calls.find((c) => c.method === 'POST')?.body).toEqual({
      text: 'wrong city',
      author: 'ana',
      score: 0.5,
      label: 'hallucination',
    });
    expect(localStorage.getItem('tracefold.reviewer')).toBe('ana');

    fireEvent.click(screen.getByRole('button', { name: 'Mark done' }));
    await waitFor(() =>
      expect(screen.getByRole('region', { name: 'Trace under review' })).toHaveTextContent('second run'),
    );
    expect(fake.calls.find((c) => c.method === 'PUT')?.body).toEqual({ status: 'done', done_by: 'ana' });
    expect(screen.getByLabelText('Annotation')).toHaveValue('');
  });

  it('skips without marking and says when the queue is empty', async () => {
    renderAt('/queues/q1/review', '/queues/:queueId/review', <QueueReviewPage />);
    await screen.findByText('first run');
    fireEvent.click(screen.getByRole('button', { name: 'Skip' }));
    await screen.findByText('second run');
    expect(fake.calls.some((c) => c.method === 'PUT')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Skip' }));
    expect(await screen.findByText(/No more pending items after the 2 you skipped/)).toBeInTheDocument();

    pending = [];
    fireEvent.click(screen.getByRole('button', { name: 'Start over with the skipped items' }));
    expect(await screen.findByText('Queue is empty.')).toBeInTheDocument();
  });

  it('remembers the reviewer name', async () => {
    localStorage.setItem('tracefold.reviewer', 'bo');
    renderAt('/queues/q1/review', '/queues/:queueId/review', <QueueReviewPage />);
    expect(await screen.findByLabelText('Reviewer')).toHaveValue('bo');
  });
});
