import { beforeEach, describe, expect, it, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserForFile, screenshot, signIn } from '../support/browser';
import { liveTrace } from '../support/seed';
import { apiGet } from '../support/api';

/** The trace list: rows of the seeded traces, a filter from the panel kept in the URL. */
describe('traces list', () => {
  const opened = browserForFile();
  let page: Page;
  let browser: Browser;

  beforeEach(() => {
    page = opened.page();
    browser = opened.browser();
  });

  it('lists the traces newest first with their rollups', async () => {
    await signIn(page, '/traces');
    const table = page.getByRole('table', { name: 'Traces' });
    const agentRows = table.getByRole('row').filter({ hasText: 'checkout agent' });
    await expect.poll(() => agentRows.count()).toBe(2);
    // newest first: the failing run started 10 s after the passing one
    await expect.poll(() => agentRows.first().textContent()).toContain('ERROR');
    await expect.poll(() => agentRows.nth(1).textContent()).toContain('1.2k');
    await screenshot(page, 'traces-list');
  });

  it('filters by status from the panel, keeps the filter in the URL, and a link reproduces the view', async () => {
    await signIn(page, '/traces');
    const status = page.getByRole('group', { name: 'Status' });
    // the panel's state is the URL: the box shows checked once the navigation is done
    await status.getByLabel('ERROR').click();
    await page.waitForURL(/status=ERROR/);
    await expect.poll(() => status.getByLabel('ERROR').isChecked()).toBe(true);
    const table = page.getByRole('table', { name: 'Traces' });
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'checkout agent' }).count()).toBe(1);
    await expect.poll(() => table.textContent()).toContain('ERROR');
    await screenshot(page, 'traces-filtered-error');

    const link = page.url();
    const fresh = await browser.newContext();
    const second = await fresh.newPage();
    await signIn(second, new URL(link).pathname + new URL(link).search);
    const rows = second.getByRole('table', { name: 'Traces' }).getByRole('row').filter({ hasText: 'checkout agent' });
    await expect.poll(() => rows.count()).toBe(1);
    expect(await second.getByRole('group', { name: 'Status' }).getByLabel('ERROR').isChecked()).toBe(true);
    await fresh.close();
  });

  it('picks two traces and opens them in compare', async () => {
    await signIn(page, '/traces');
    await page.getByLabel('Select trace checkout agent').first().check();
    await page.getByLabel('Select trace checkout agent').nth(1).check();
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/\/compare\?/);
    const url = new URL(page.url());
    const seed = inject('seed');
    expect([url.searchParams.get('a'), url.searchParams.get('b')].sort()).toEqual([seed.passing, seed.failing].sort());
  });

  it('updates a trace in progress by itself until it is complete', async () => {
    const live = liveTrace(inject('otlpUrl'), inject('apiKey'));
    await live.child();
    let sending = true;
    const sender = (async () => {
      while (sending) {
        await new Promise((r) => setTimeout(r, 400)); // well inside the 2 s quiet window
        await live.child();
      }
    })();
    try {
      // the list refreshes its traces in progress, not the set of traces: open it once the trace is stored
      await expect
        .poll(
          async () =>
            (
              await apiGet<{ count: number }>(
                inject('baseUrl'),
                inject('apiKey'),
                `/api/v1/traces?trace_id=${live.traceId}`,
              )
            ).count,
        )
        .toBe(1);
      await signIn(page, `/traces?trace_id=${live.traceId}`);
      let loads = 0;
      page.on('load', () => loads++);
      // its root never arrives: the trace is named after its earliest orphan, "step 1"
      const row = page.getByRole('table', { name: 'Traces' }).getByRole('row').filter({ hasText: 'step 1' });
      await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('in progress');
      await screenshot(page, 'traces-live-in-progress');
      sending = false;
      await sender;
      await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('complete');
      expect(await row.textContent()).not.toContain('in progress');
      expect(loads).toBe(0);
    } finally {
      sending = false;
      await sender;
      await live.close();
    }
  });
});
