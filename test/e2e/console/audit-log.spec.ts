/**
 * The Audit log page in headless Chromium against a started Gantry (API and worker): filters applied
 * from the form and kept in the address, "Load more" by cursor, an entry expanded to its before/after
 * diff (changes named in words), and "Verify chain" running the worker's job to its result.
 */
import type { Page } from 'playwright-core';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { openBrowser, PHONE, screenshot, signInWithToken, type TestBrowser } from '../../support/browser';
import { factory, ok } from '../../support/factories';

let gantry: Gantry;
let owner: ApiClient;
let browser: TestBrowser;
let page: Page;
const P = 'books';
const FLAG_RESOURCE = `proj/${P}:env/production:flag/gift-wrap`;
let turnOnAction: string;
let total: number;

beforeAll(async () => {
  gantry = await startGantry({ role: 'all' });
  owner = gantry.client(gantry.ownerToken);
  await factory.project(owner, { key: P, name: 'Books' });
  await factory.flag(owner, P, { key: 'gift-wrap', name: 'Gift wrap' });
  // More than a page (25) of entries, so "Load more" has something to load.
  await Promise.all(Array.from({ length: 26 }, (_, i) => factory.flag(owner, P, { key: `filler-${i}` })));
  await factory.patchFlag(owner, P, 'gift-wrap', {
    environmentKey: 'production',
    instructions: [{ kind: 'turnFlagOn' }],
    comment: 'launch gift wrapping',
  });
  const entries = ok(await owner.GET('/api/v1/audit-log', { params: { query: { resource: FLAG_RESOURCE } } })).items;
  turnOnAction = entries[0].action;
  total = ok(await owner.GET('/api/v1/audit-log/verify')).checked;
  browser = await openBrowser();
  page = await browser.open(gantry, '/ui/audit');
  await signInWithToken(page, gantry.ownerToken);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
});

const entries = () => page.locator('.audit-entry');

describe('the Audit log page', () => {
  it('lists entries newest first, a page at a time', async () => {
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await entries().first().waitFor();
    expect(await entries().count()).toBe(25);
    await expect(entries().first().textContent()).resolves.toContain(turnOnAction);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText(/End of the log for these filters \(\d+ entries\)/).waitFor();
    expect(await entries().count()).toBe(total);
  });

  it('filters by resource and action, keeping the filters in the address', async () => {
    await page.getByLabel('Resource').fill(FLAG_RESOURCE);
    await page.getByLabel('Action').fill(turnOnAction);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((u) => u.searchParams.get('action') === turnOnAction);
    expect(new URL(page.url()).searchParams.get('resource')).toBe(FLAG_RESOURCE);
    await page.getByText('End of the log for these filters (1 entry).').waitFor();
    await page.reload();
    await entries().first().waitFor();
    expect(await entries().count()).toBe(1);
    await expect(page.getByLabel('Action').inputValue()).resolves.toBe(turnOnAction);
    // A time range that ends before everything shows nothing.
    await page.getByLabel('To', { exact: true }).fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No audit entries match these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('to')).toMatch(/^2019-12-31T|^2020-01-01T/);
    await page.getByLabel('To', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await entries().first().waitFor();
  });

  it('expands an entry to its before/after diff, each change named in words', async () => {
    const toggle = entries()
      .first()
      .getByRole('button', { name: new RegExp(turnOnAction) });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    const diff = entries().first().locator('table.json-diff');
    await diff.waitFor();
    const rows = await diff.locator('tbody tr').allTextContents();
    expect(rows).toContainEqual(expect.stringMatching(/^~ changedenvironment\.onfalsetrue$/));
    expect(rows.every((r) => /^(\+ added|− removed|~ changed)/.test(r))).toBe(true);
    await expect(entries().first().textContent()).resolves.toContain('launch gift wrapping');
    await screenshot(page, 'console-audit-log-desktop');
    // From an entry, the actor's other entries: the actor filter set in the address and the form.
    const me = ok(await owner.GET('/api/v1/me'));
    await entries()
      .first()
      .getByRole('button', { name: `Only entries by ${me.name}` })
      .click();
    await page.waitForURL((u) => u.searchParams.get('actor') === me.id);
    await expect(page.getByLabel('Actor (member or token id)').inputValue()).resolves.toBe(me.id);
    await entries().first().waitFor();
  });

  it('"Verify chain" shows the worker\'s progress and then the chain verified', async () => {
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const status = page.locator('.verify-status');
    await status
      .getByText('Chain verified:')
      .waitFor({ timeout: 20_000 })
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}; status: ${await status.textContent()}; errors: ${browser.errors().join()}`);
      });
    const now = ok(await owner.GET('/api/v1/audit-log/verify')).checked;
    await expect(status.textContent()).resolves.toMatch(new RegExp(`Checked ${now} of ${now} entries`));
    const bar = status.getByRole('progressbar');
    await expect(bar.getAttribute('value')).resolves.toBe(String(now));
    await expect(bar.getAttribute('max')).resolves.toBe(String(now));
    await expect(status.textContent()).resolves.toContain(`all ${now} entries intact`);
    await expect(page.getByRole('button', { name: 'Verify chain' }).isEnabled()).resolves.toBe(true);
  });

  it('reads at phone width without horizontal scrolling', async () => {
    const phone = await browser.open(gantry, `/ui/audit?resource=${encodeURIComponent(FLAG_RESOURCE)}`, PHONE);
    await phone.locator('.audit-entry').first().waitFor();
    await phone.locator('.audit-entry').first().getByRole('button').first().click();
    await phone.locator('table.json-diff').waitFor();
    expect(
      await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).toBeLessThanOrEqual(0);
    await screenshot(phone, 'console-audit-log-phone');
    await phone.close();
    browser.expectNoErrors();
  });
});
