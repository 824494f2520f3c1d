/**
 * Real headless Chromium (Debian's package) driven by playwright-core, with the flags this
 * closed network needs (no background networking, no component updates, no sync); Playwright
 * gives each launch a new empty profile.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { resolve } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';

export async function launch(): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await chromium.launch({
    executablePath: inject('chromiumPath'),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  return { browser, context, page };
}

/**
 * One browser for the calling test file: launched before its tests, closed after them. Returns
 * getters, since the browser exists only once `beforeAll` has run.
 */
export function browserForFile(): { browser: () => Browser; page: () => Page } {
  let opened: { browser: Browser; page: Page } | undefined;
  beforeAll(async () => {
    opened = await launch();
  });
  afterAll(async () => {
    await opened?.browser.close();
  });
  const get = () => {
    if (!opened) throw new Error('the browser is launched in beforeAll');
    return opened;
  };
  return { browser: () => get().browser, page: () => get().page };
}

/**
 * Opens `path`; when the tab has no key yet, signs in with the development key through the
 * sign-in form, which then lands on `path`.
 */
export async function signIn(page: Page, path = '/traces'): Promise<void> {
  await page.goto(`${inject('baseUrl')}${path}`);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form
    .or(page.getByRole('navigation', { name: 'Main' }))
    .first()
    .waitFor();
  if (!(await form.isVisible())) return;
  await page.getByLabel('API key').fill(inject('apiKey'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Saves a PNG under target/e2e/screenshots so a person can look at what the test saw. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = resolve(inject('screenshotDir'), `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
