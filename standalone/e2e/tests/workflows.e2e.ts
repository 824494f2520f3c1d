import { beforeEach, describe, expect, it, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { browserForFile, screenshot, signIn } from '../support/browser';
import { apiGet } from '../support/api';

/** Compare, sessions, evaluation rules and upload, as a person does them in the console. */
describe('workflows', () => {
  const opened = browserForFile();
  let page: Page;

  beforeEach(() => {
    page = opened.page();
  });

  it('compares two traces span by span with their differences', async () => {
    const seed = inject('seed');
    await signIn(page, `/compare?a=${seed.passing}&b=${seed.failing}`);
    const spans = page.getByRole('table', { name: 'Aligned spans' });
    const tool = spans.getByRole('row').filter({ hasText: 'lookup_order' }).first();
    await tool.waitFor();
    const toolText = await tool.textContent();
    expect(toolText).toContain('changed');
    expect(toolText).toMatch(/UNSET\s*→\s*✕?\s*ERROR/);
    await expect
      .poll(() => page.getByRole('group', { name: 'Output A of chat gpt-4o' }).textContent())
      .toContain('Order 1042 ships today.');
    expect(await page.getByRole('group', { name: 'Output B of chat gpt-4o' }).textContent()).toContain(
      'I could not find that order.',
    );
    const rollup = await page.getByRole('table', { name: 'Rollup comparison' }).textContent();
    expect(rollup).toContain('1.2k');
    expect(rollup).toContain('1.5k');
    await screenshot(page, 'compare');
  });

  it('shows a session as the conversation of its traces', async () => {
    await signIn(page, '/sessions');
    const row = page.getByRole('table', { name: 'Sessions' }).getByRole('row').filter({ hasText: 'e2e-session' });
    await row.waitFor();
    await row.getByRole('link', { name: 'e2e-session' }).click();
    await page.waitForURL(/\/sessions\/e2e-session/);
    await page.getByRole('group', { name: 'Input of turn 2' }).waitFor();
    expect(await page.getByRole('group', { name: 'Input of turn 1' }).textContent()).toContain(
      'Where is my order 1042?',
    );
    expect(await page.getByRole('group', { name: 'Input of turn 2' }).textContent()).toContain('And order 1043?');
    expect(await page.getByRole('group', { name: 'Output of turn 2' }).textContent()).toContain(
      'I could not find that order.',
    );
    await screenshot(page, 'session');
  });

  it('creates an evaluation rule with the filter panel', async () => {
    await signIn(page, '/rules');
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New evaluation rule' });
    await form.getByLabel('Name', { exact: true }).fill('failed checkouts (e2e)');
    const panel = form.getByRole('region', { name: 'Rule filter' });
    await panel.getByRole('group', { name: 'Status' }).getByLabel('ERROR').click();
    await expect.poll(() => form.textContent()).toContain('Matches 1 stored trace now.');
    await form.getByLabel('Sampling %').fill('50');
    await screenshot(page, 'rule-form');
    await form.getByRole('button', { name: 'Create rule' }).click();
    const table = page.getByRole('table', { name: 'Evaluation rules' });
    await table.getByRole('row').filter({ hasText: 'failed checkouts (e2e)' }).waitFor();

    const rules = await apiGet<{
      evaluation_rules: { name: string; filter: Record<string, string[]>; sampling_percent: number }[];
    }>(inject('baseUrl'), inject('apiKey'), '/api/v1/evaluation-rules');
    const rule = rules.evaluation_rules.find((r) => r.name === 'failed checkouts (e2e)');
    expect(rule?.filter).toEqual({ status: ['ERROR'] });
    expect(rule?.sampling_percent).toBe(50);
  });

  it('uploads a JSONL file, stores its good line and lists the refused one with its pointer', async () => {
    await signIn(page, '/upload');
    const good = {
      id: 'e2e-upload-good',
      name: 'uploaded run',
      spans: [{ name: 'chat', model: 'gpt-4o-mini', input_tokens: 12 }],
    };
    const bad = { id: 'e2e-upload-bad', name: 'bad run', spans: [{ name: 'step', kind: 'banana' }] };
    await page.getByLabel('Choose files').setInputFiles({
      name: 'runs.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(`${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`),
    });
    const refused = page.getByRole('table', { name: 'Refused lines of runs.jsonl' });
    await refused.waitFor();
    const refusedText = await refused.textContent();
    expect(refusedText).toContain('/spans/0/kind');
    expect(refusedText).toContain('e2e-upload-bad');
    const summary = await page.getByRole('status', { name: 'Summary of runs.jsonl' }).textContent();
    expect(summary).toContain('1 trace accepted (2 spans)');
    expect(summary).toContain('1 trace rejected');
    await screenshot(page, 'upload');

    const accepted = page.getByRole('list', { name: 'Accepted traces of runs.jsonl' }).getByRole('link').first();
    await accepted.click();
    try {
      await page.getByRole('heading', { level: 1, name: 'uploaded run' }).waitFor();
    } finally {
      await screenshot(page, 'upload-opened-trace');
    }
  });

  it('switches to the dark theme', async () => {
    await signIn(page, `/traces/${inject('seed').failing}`);
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.getByLabel('Theme').selectOption('light');
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.getByLabel('Theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe('dark');
    expect(await background()).toBe('rgb(20, 23, 29)');
    await page.getByRole('treegrid', { name: 'Spans' }).getByRole('row').first().waitFor();
    await screenshot(page, 'trace-page-dark');
  });
});
