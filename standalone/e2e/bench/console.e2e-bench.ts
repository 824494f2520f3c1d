/**
 * The console's speed figures (issue #14: "a list of 500 rows and a trace of 10,000 spans stay
 * smooth; the initial bundle under 500 KB gzipped"), measured in real headless Chromium against
 * the real standalone pipeline:
 *
 * - initial bundle: gzipped bytes of the script and stylesheet index.html loads (lazy chunks apart);
 * - a trace of 10,000 spans (native JSON, 99 steps of 100 LLM calls): time from navigation to the
 *   first tree rows, to all spans loaded, rows in the DOM, and frame times while the tree scrolls
 *   400 px per animation frame for 120 frames;
 * - the trace list with 500 rows (`page_size=500`): the same.
 *
 * Run alone on the machine (no build or test beside it):
 *   ./mvnw -B -DskipTests package -pl standalone -am && (cd standalone/e2e && npm ci && npm run bench)
 * Figures are printed and written to standalone/target/e2e/console-bench.json.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signIn } from '../support/browser';
import { apiGet, waitForComplete } from '../support/api';
import { TARGET } from '../support/standalone';

const BUNDLE = resolve(TARGET, '../../web-console/target/classes/dev/tracefold/console/bundle');
const figures: Record<string, unknown> = {};

async function post(path: string, body: string, contentType: string): Promise<{ trace_ids: string[] }> {
  const response = await fetch(inject('baseUrl') + path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${inject('apiKey')}`, 'Content-Type': contentType },
    body,
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { trace_ids: string[] };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Scrolls `selector` by 400 px per animation frame for 120 frames; frame intervals in ms. */
async function scrollFrames(page: Page, selector: string) {
  const intervals = await page.evaluate(async (sel) => {
    const element = document.querySelector(sel) as HTMLElement;
    const times: number[] = [];
    await new Promise<void>((done) => {
      let frames = 0;
      const step = (now: number) => {
        times.push(now);
        element.scrollTop += 400;
        if (++frames >= 120) done();
        else requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    return times.slice(1).map((t, i) => t - times[i]);
  }, selector);
  const sorted = [...intervals].sort((a, b) => a - b);
  return {
    frames: intervals.length,
    p50_ms: Math.round(percentile(sorted, 50) * 10) / 10,
    p95_ms: Math.round(percentile(sorted, 95) * 10) / 10,
    max_ms: Math.round(sorted[sorted.length - 1] * 10) / 10,
    over_50ms: intervals.filter((i) => i > 50).length,
  };
}

describe('console bench', () => {
  let browser: Browser;
  let page: Page;
  let bigTrace: string;

  beforeAll(async () => {
    const start = Date.now() - 600_000;
    const steps = Array.from({ length: 99 }, (_, s) => ({
      name: `step ${s}`,
      kind: 'chain',
      started_at: new Date(start + s * 1_000).toISOString(),
      duration_ms: 1_000,
      spans: Array.from({ length: 100 }, (_, c) => ({
        name: `chat ${s}.${c}`,
        model: 'gpt-4o-mini',
        provider: 'openai',
        input_tokens: 100 + c,
        output_tokens: 20,
        started_at: new Date(start + s * 1_000 + c * 10).toISOString(),
        duration_ms: 8,
      })),
    }));
    const big = { id: 'bench-10k-spans', name: 'ten thousand spans', spans: steps };
    bigTrace = (await post('/api/v1/traces', JSON.stringify(big), 'application/json')).trace_ids[0];
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({
        id: `bench-list-${i}`,
        name: `list run ${i}`,
        started_at: new Date(start + i * 100).toISOString(),
        duration_ms: 50 + i,
        session_id: `bench-session-${i % 20}`,
        spans: [{ name: 'chat', model: 'gpt-4o-mini', provider: 'openai', input_tokens: i, output_tokens: 5 }],
      }),
    ).join('\n');
    const listIds = (await post('/api/v1/traces/upload', lines, 'application/x-ndjson')).trace_ids;
    // every trace complete, so that neither the pipeline nor the list's live refresh runs during a figure
    await waitForComplete(inject('baseUrl'), inject('apiKey'), [bigTrace, ...listIds.slice(-50)], 300_000);
    const deadline = Date.now() + 300_000;
    while (
      (
        await apiGet<{ total_count: number }>(
          inject('baseUrl'),
          inject('apiKey'),
          '/api/v1/traces?state=in_progress&page_size=1',
        )
      ).total_count > 0
    ) {
      if (Date.now() > deadline) throw new Error('traces still in progress after 300 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    ({ browser, page } = await launch());
    await signIn(page, '/traces');
  });

  afterAll(async () => {
    await browser?.close();
    console.log(JSON.stringify(figures, null, 2));
    writeFileSync(resolve(TARGET, 'e2e/console-bench.json'), JSON.stringify(figures, null, 2) + '\n');
  });

  it('initial bundle', () => {
    const index = readFileSync(resolve(BUNDLE, 'index.html'), 'utf8');
    const initial = [...index.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]);
    const gz = (file: string) => gzipSync(readFileSync(resolve(BUNDLE, 'assets', file))).length;
    const lazy = readdirSync(resolve(BUNDLE, 'assets')).filter((f) => !initial.includes(f));
    figures.initial_bundle_gzip_bytes = initial.reduce((sum, f) => sum + gz(f), 0);
    figures.lazy_chunks_gzip_bytes = Object.fromEntries(lazy.map((f) => [f, gz(f)]));
    expect(figures.initial_bundle_gzip_bytes).toBeGreaterThan(0);
  });

  it('a trace of 10,000 spans', async () => {
    const t0 = Date.now();
    await page.goto(`${inject('baseUrl')}/traces/${bigTrace}`);
    const tree = page.getByRole('treegrid', { name: 'Spans' });
    await tree.getByRole('row').first().waitFor();
    const firstRowsMillis = Date.now() - t0;
    await page.waitForFunction(() => !document.body.textContent?.includes('Loading more spans'), null, {
      timeout: 120_000,
    });
    const allLoadedMillis = Date.now() - t0;
    const rowCount = Number(await tree.getAttribute('aria-rowcount'));
    const domRows = await tree.getByRole('row').count();
    const scroll = await scrollFrames(page, '[role="treegrid"][aria-label="Spans"]');
    figures.trace_10k_spans = {
      first_rows_ms: firstRowsMillis,
      all_spans_loaded_ms: allLoadedMillis,
      tree_rows: rowCount,
      dom_rows: domRows,
      scroll,
    };
    expect(rowCount).toBe(10_000);
  });

  it('a list of 500 rows', async () => {
    const t0 = Date.now();
    await page.goto(`${inject('baseUrl')}/traces?page_size=500`);
    const table = page.getByRole('table', { name: 'Traces' });
    await page.waitForFunction(
      () => document.querySelector('table[aria-label="Traces"]')?.getAttribute('aria-rowcount') === '501',
      null,
      { timeout: 60_000 },
    );
    const renderedMillis = Date.now() - t0;
    const domRows = await table.locator('tbody tr').count();
    const scroll = await scrollFrames(page, '.traces-scroll');
    figures.list_500_rows = { rows_ms: renderedMillis, dom_rows: domRows, scroll };
    expect(domRows).toBeLessThan(500);
  });
});
