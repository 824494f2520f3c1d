import { beforeEach, describe, expect, it, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { browserForFile, screenshot, signIn } from '../support/browser';

describe('sign-in', () => {
  const opened = browserForFile();
  let page: Page;

  beforeEach(() => {
    page = opened.page();
  });

  it('sends a tab without a key to sign-in, refuses a wrong key in the API words, and keeps a good key out of the URL', async () => {
    const response = await page.goto(`${inject('baseUrl')}/traces?status=ERROR`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForURL(/\/sign-in\?next=/);

    await page.getByLabel('API key').fill('tf_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('the API key is not valid');
    await screenshot(page, 'sign-in-refused');

    await page.getByLabel('API key').fill(inject('apiKey'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/traces\?status=ERROR$/);
    expect(page.url()).not.toContain(inject('apiKey'));
    expect(await page.evaluate(() => sessionStorage.getItem('tracefold.apiKey'))).toBe(inject('apiKey'));
    expect(await page.evaluate(() => localStorage.getItem('tracefold.apiKey'))).toBeNull();
    await screenshot(page, 'signed-in');
  });

  it('signs in once per tab: a reload keeps the key', async () => {
    await signIn(page);
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/traces');
  });
});
