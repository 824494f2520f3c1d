import { beforeEach, describe, expect, it, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { browserForFile, screenshot, signIn } from '../support/browser';
import { apiGet } from '../support/api';
import { HOSTILE_ATTRIBUTE, HOSTILE_NAME } from '../support/seed';

/** Horizontal position of a span's bar in its waterfall cell, as fractions of the cell's width. */
async function barFractions(page: Page, rowName: string): Promise<{ left: number; width: number }> {
  const row = page.getByRole('row', { name: rowName });
  const cell = row.locator('.span-cell-bar');
  const bar = cell.locator('.bar');
  const [c, b] = [await cell.boundingBox(), await bar.boundingBox()];
  if (!c || !b) throw new Error(`no bar for ${rowName}`);
  return { left: (b.x - c.x) / c.width, width: b.width / c.width };
}

describe('one trace', () => {
  const opened = browserForFile();
  let page: Page;

  beforeEach(() => {
    page = opened.page();
  });

  it('draws the span tree and waterfall on one time axis and shows a span’s tokens and cost', async () => {
    await signIn(page, `/traces/${inject('seed').passing}`);
    await page.getByRole('heading', { level: 1, name: 'checkout agent' }).waitFor();
    const tree = page.getByRole('treegrid', { name: 'Spans' });
    await tree.getByRole('row', { name: /^chat gpt-4o/ }).waitFor();

    // a 2 s run: the LLM call at 100-1,100 ms, the tool call at 1,200-1,800 ms
    const llm = await barFractions(page, 'chat gpt-4o (llm)');
    expect(llm.left).toBeCloseTo(0.05, 1);
    expect(llm.width).toBeCloseTo(0.5, 1);
    const tool = await barFractions(page, 'lookup_order (tool)');
    expect(tool.left).toBeCloseTo(0.6, 1);
    expect(tool.width).toBeCloseTo(0.3, 1);

    await tree.getByRole('row', { name: 'chat gpt-4o (llm)' }).click();
    const panel = page.getByRole('complementary', { name: 'Span details' });
    await panel.waitFor();
    const panelText = await panel.textContent();
    expect(panelText).toContain('1.2k in / 340 out');
    // gpt-4o at $2.50 / $10.00 per million tokens (ingest-gateway's price table): 1,200 in, 340 out
    expect(panelText).toContain('$0.0064');
    expect(panelText).toContain('estimated');
    expect(panelText).toContain('gpt-4o');
    await expect
      .poll(() => panel.getByRole('region', { name: 'Span output' }).textContent())
      .toContain('Order 1042 ships today.');
    await screenshot(page, 'trace-page');
  });

  it('shows the failing tool call in red with its error', async () => {
    await signIn(page, `/traces/${inject('seed').failing}`);
    const row = page.getByRole('treegrid', { name: 'Spans' }).getByRole('row', { name: 'lookup_order (tool, error)' });
    await row.click();
    expect(await row.locator('.bar').getAttribute('class')).toContain('bar-error');
    const panel = page.getByRole('complementary', { name: 'Span details' });
    await panel.getByRole('tab', { name: 'Error' }).click();
    await expect.poll(() => panel.textContent()).toContain('order service timed out');
    await screenshot(page, 'trace-error-span');
  });

  it('adds a tag and an annotation that the API then holds', async () => {
    const id = inject('seed').passing;
    await signIn(page, `/traces/${id}`);
    await page.getByRole('textbox', { name: 'New tag' }).fill('reviewed-e2e');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('button', { name: 'Remove tag reviewed-e2e' }).waitFor();

    await page.getByRole('tab', { name: 'Annotations and scores' }).click();
    await page.getByRole('textbox', { name: 'Annotation' }).fill('answer is right, tone is curt');
    await page.getByRole('textbox', { name: 'Author' }).fill('ana');
    await page.getByRole('button', { name: 'Add annotation' }).click();
    await expect.poll(() => page.getByText('answer is right, tone is curt').count()).toBeGreaterThan(0);
    await screenshot(page, 'trace-annotated');

    const stored = await apiGet<{ user_tags: string[]; annotations: { text: string; author: string }[] }>(
      inject('baseUrl'),
      inject('apiKey'),
      `/api/v1/traces/${id}`,
    );
    expect(stored.user_tags).toContain('reviewed-e2e');
    expect(stored.annotations.map((a) => [a.text, a.author])).toContainEqual(['answer is right, tone is curt', 'ana']);
  });

  it('shows markup in span texts as text and runs none of it', async () => {
    await signIn(page, `/traces/${inject('seed').hostile}`);
    await page.getByRole('heading', { level: 1, name: HOSTILE_NAME }).waitFor();
    const tree = page.getByRole('treegrid', { name: 'Spans' });
    await tree.getByRole('row').first().click();
    const panel = page.getByRole('complementary', { name: 'Span details' });
    await panel.getByRole('tab', { name: 'Attributes' }).click();
    await expect.poll(() => panel.textContent()).toContain(HOSTILE_ATTRIBUTE);
    await screenshot(page, 'trace-hostile-text');

    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);

    // the list shows the same name as text too
    await page.goto(`${inject('baseUrl')}/traces`);
    await page.getByRole('table', { name: 'Traces' }).getByText(HOSTILE_NAME).first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  });
});
