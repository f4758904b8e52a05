/**
 * The console in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
 * Playwright's own browser download cannot work on these machines):
 *
 *   const browser = await openBrowser();                      // fresh profile; records page errors
 *   const page = await browser.open(gantry, '/ui/change-requests/…');
 *   await signInWithToken(page, gantry.ownerToken);
 *   await screenshot(page, 'change-request');                 // test-artifacts/screenshots/change-request.png
 *   await browser.close();                                    // fails if the page logged an error
 *
 * Any uncaught page exception or console error fails the test at close() (or at expectNoErrors()).
 * Chromium logs every 4xx response as a console error; the app handles those itself (a 401 from
 * GET /api/v1/session is how it learns it is signed out) and shows them in its ErrorPanel, so they
 * are not counted; a 5xx is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Gantry } from './app-harness';

export const CHROMIUM = process.env.GANTRY_TEST_CHROMIUM ?? '/usr/bin/chromium';
/** The flags CI and development machines run Chromium with (notes/machine.md); the profile is a fresh temp dir. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

const ROOT = path.join(__dirname, '..', '..');
const HANDLED_HTTP_ERROR = /^Failed to load resource: the server responded with a status of 4\d\d/;

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab at `gantry.baseUrl + path`, loaded. */
  open(gantry: Pick<Gantry, 'baseUrl'>, path: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Page errors and console errors so far. */
  errors(): string[];
  /** Throws when the pages logged errors (see above). */
  expectNoErrors(): void;
  /** Closes Chromium, removes the profile, then expectNoErrors(). */
  close(): Promise<void>;
}

export async function openBrowser(): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-chromium-'));
  // launchPersistentContext passes the profile as --user-data-dir (launch() refuses that flag in args).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: DESKTOP,
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (e) => errors.push(`page error on ${page.url()}: ${e.stack ?? e.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !HANDLED_HTTP_ERROR.test(msg.text()))
        errors.push(`console error on ${page.url()}: ${msg.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const expectNoErrors = () => {
    if (errors.length) throw new Error(`the console logged errors:\n${errors.join('\n')}`);
  };
  let closed = false;
  return {
    context,
    open: async (gantry, p, viewport = DESKTOP) => {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      await page.goto(`${gantry.baseUrl}${p}`);
      return page;
    },
    errors: () => [...errors],
    expectNoErrors,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
      expectNoErrors();
    },
  };
}

/** Signs in through the sign-in form (the page must show it) and waits for the signed-in layout. */
export async function signInWithToken(page: Page, token: string): Promise<void> {
  await page.getByLabel('Personal access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.member-name').waitFor();
}

/** Saves a full-page PNG as <GANTRY_TEST_ARTIFACTS or test-artifacts>/screenshots/<name>.png (CI keeps them). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(process.env.GANTRY_TEST_ARTIFACTS ?? path.join(ROOT, 'test-artifacts'), 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
