/**
 * The console's shell in headless Chromium against a started Gantry: a deep link without a session
 * lands on sign-in and returns there after signing in with a token; the layout shows the member;
 * keyboard navigation; a phone-width screen; API errors shown with their code; sign out.
 */
import type { Page } from 'playwright-core';
import { startGantry, type Gantry } from '../../support/app-harness';
import { openBrowser, PHONE, screenshot, signInWithToken, type TestBrowser } from '../../support/browser';
import { factory, ok } from '../../support/factories';

let gantry: Gantry;
let browser: TestBrowser;
let ownerName: string;
const CHANGE_REQUEST = '/ui/change-requests/5b0b7c0e-3c1f-4f55-9a43-6f0a2b8d9e10';

beforeAll(async () => {
  gantry = await startGantry();
  const api = gantry.client(gantry.ownerToken);
  ownerName = ok(await api.GET('/api/v1/me')).name;
  await factory.project(api, { key: 'web', name: 'Web shop' });
  await factory.flag(api, 'web', { key: 'new-checkout', name: 'New checkout' });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

describe('the console shell', () => {
  let page: Page;

  it('shows the sign-in page for a deep link without a session, remembering the address', async () => {
    page = await browser.open(gantry, CHANGE_REQUEST);
    await page.waitForURL(/\/ui\/sign-in\?/);
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe(CHANGE_REQUEST);
    await expect(heading(page).textContent()).resolves.toBe('Sign in to Gantry');
    // No data before signing in: no navigation, no member.
    expect(await page.locator('nav').count()).toBe(0);
    await screenshot(page, 'console-sign-in');
  });

  it('shows a refused token with the API error code, and stays on sign-in', async () => {
    await page.getByLabel('Personal access token').fill('gnt_not-a-real-token-0000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('auth/invalid_token');
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in');
  });

  it('signs in with the owner token and returns to the deep link, the layout naming the member', async () => {
    await page.getByLabel('Personal access token').fill('');
    await signInWithToken(page, gantry.ownerToken);
    await page.waitForURL((url) => url.pathname === CHANGE_REQUEST);
    await expect(heading(page).textContent()).resolves.toBe('Change request');
    await expect(page.locator('.member-name').textContent()).resolves.toBe(ownerName);
    await expect(page.title()).resolves.toBe('Change request · Gantry');
    await screenshot(page, 'console-shell-desktop');
  });

  it('navigates by keyboard: Tab to a nav link, Enter opens its page', async () => {
    await page.goto(`${gantry.baseUrl}/ui/`);
    await heading(page).filter({ hasText: 'My reviews' }).waitFor();
    // Flags and Releases join the navigation once the projects are loaded.
    await page.getByRole('navigation').getByRole('link', { name: 'Flags' }).waitFor();
    // The first Tab stop is the skip link, then the brand, then the navigation in order.
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toBe('Skip to content');
    let focused: string | null = null;
    for (let i = 0; i < 5 && focused !== 'Flags'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.locator(':focus').textContent();
    }
    expect(focused).toBe('Flags');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/ui/projects/web/flags');
    await heading(page).filter({ hasText: 'Flags' }).waitFor();
    await page.getByRole('link', { name: 'New checkout' }).waitFor();
    await expect(page.getByRole('link', { name: 'Flags' }).getAttribute('aria-current')).resolves.toBe('page');
    // Focus moved to the new page, as on a full page load.
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('main');
  });

  it('shows an API error with its title and code instead of a blank page', async () => {
    await page.goto(`${gantry.baseUrl}/ui/projects/no-such-project/flags`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('project/not_found');
    await expect(alert.getByRole('heading').textContent()).resolves.toBe('Project not found');
  });

  it('renders the navigation at 390 px wide without horizontal scrolling', async () => {
    const phone = await browser.open(gantry, '/ui/', PHONE);
    await heading(phone).filter({ hasText: 'My reviews' }).waitFor();
    for (const name of ['My reviews', 'Flags', 'Releases', 'Audit log']) {
      // Flags and Releases join the navigation once the projects are loaded.
      await phone.getByRole('navigation').getByRole('link', { name }).waitFor();
      expect(await phone.getByRole('navigation').getByRole('link', { name }).isVisible()).toBe(true);
    }
    expect(await phone.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'console-shell-phone');
    await phone.close();
  });

  it('signs out back to the sign-in page, and the session is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/ui/sign-in');
    await page.getByLabel('Personal access token').waitFor();
    await page.goto(`${gantry.baseUrl}/ui/audit`);
    await page.waitForURL(/\/ui\/sign-in\?returnTo=%2Fui%2Faudit$/);
    browser.expectNoErrors();
  });
});
