import { describe, expect, it, vi, afterEach } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fakeFetch } from '../../test/fakeFetch';
import { renderAt } from '../../test/fixtures';
import { QueuesPage } from './QueuesPage';

const queue = {
  id: 'q/1',
  name: 'checkout review',
  description: 'check the answers',
  enabled: true,
  filter: { tags: ['checkout'] },
  sampling_percent: 25,
  pending_count: 3,
  done_count: 5,
  created_epoch_millis: 1,
  updated_epoch_millis: 1,
};

describe('QueuesPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists queues with counts and a review link, and creates one', async () => {
    const fake = fakeFetch()
      .route('GET', '/api/v1/annotation-queues', [
        200,
        { annotation_queues: [queue], count: 1, page: 1, page_size: 100, has_more: false },
      ])
      .route('POST', '/api/v1/annotation-queues', (call) => [201, { ...queue, id: 'q2', ...(call.body as object) }]);
    vi.stubGlobal('fetch', fake.fetch);
    renderAt('/queues', '/queues', <QueuesPage />);
    const row = await screen.findByRole('row', { name: /checkout review/ });
    expect(row).toHaveTextContent('Tags: checkout');
    expect(row).toHaveTextContent('25 %');
    expect(within(row).getByRole('link', { name: 'Review queue checkout review' })).toHaveAttribute(
      'href',
      '/queues/q%2F1/review',
    );

    fireEvent.click(screen.getByRole('button', { name: 'New queue' }));
    const form = screen.getByRole('form', { name: 'New annotation queue' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'failed evals' } });
    fireEvent.change(within(form).getByLabelText('Description'), { target: { value: 'look at these' } });
    fireEvent.change(within(form).getByLabelText('Sampling %'), { target: { value: '50' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create queue' }));
    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    expect(fake.calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'failed evals',
      description: 'look at these',
      enabled: true,
      filter: {},
      sampling_percent: 50,
    });
  });
});
