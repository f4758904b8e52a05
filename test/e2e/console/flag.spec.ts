/**
 * The console's Flag page in headless Chromium against a started Gantry: the flag's definition,
 * switching environment with the keyboard (kept in the URL), the history with authors by name,
 * comparing two versions (the differences as text), restoring an old version (a change request in
 * the environment gated by approval, a new version in the other), the flags list's search, errors
 * with their code, and a phone-width screen.
 */
import type { Page } from 'playwright-core';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { openBrowser, PHONE, screenshot, signInWithToken, type TestBrowser } from '../../support/browser';
import { factory, ok, type Instruction } from '../../support/factories';
import { getChangeRequest } from '../../support/governance';

let gantry: Gantry;
let browser: TestBrowser;
let owner: ApiClient;
let ownerName: string;
let page: Page;

const PROJECT = 'shop';
const FLAG = 'checkout-redesign';
const WRITER = 'Wanda Writer';
const flagPath = (env?: string) => `/ui/projects/${PROJECT}/flags/${FLAG}${env ? `?env=${env}` : ''}`;

async function patch(api: ApiClient, envKey: string, instructions: Instruction[], comment: string, bypass?: string) {
  await factory.patchFlag(api, PROJECT, FLAG, {
    environmentKey: envKey,
    instructions,
    comment,
    ...(bypass ? { bypass: { reason: bypass } } : {}),
  });
}

async function envVersion(envKey: string) {
  const flag = ok(
    await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: PROJECT, flagKey: FLAG } },
    }),
  );
  return flag.environments[envKey];
}

beforeAll(async () => {
  gantry = await startGantry();
  owner = gantry.client(gantry.ownerToken);
  ownerName = ok(await owner.GET('/api/v1/me')).name;
  // Staging is ungated; Production is critical, so approval is required there by default.
  await factory.project(owner, {
    key: PROJECT,
    name: 'Shop',
    environments: [
      { key: 'staging', name: 'Staging' },
      { key: 'production', name: 'Production', critical: true },
    ],
  });
  const writerMember = await factory.member(owner, { role: 'writer', name: WRITER });
  const writer = gantry.client((await factory.token(owner, { name: 'wanda token', memberId: writerMember.id })).token);
  const flag = ok(
    await owner.POST('/api/v1/projects/{projectKey}/flags', {
      params: { path: { projectKey: PROJECT } },
      body: {
        key: FLAG,
        name: 'Checkout redesign',
        description: 'The new one-page checkout.',
        tags: ['checkout', 'q4'],
        variations: [
          { value: 'classic', name: 'Classic' },
          { value: 'one-page', name: 'One page' },
        ],
      },
    }),
  );
  await factory.flag(owner, PROJECT, { key: 'dark-mode', name: 'Dark mode' });
  const [classic, onePage] = flag.variations.map((v) => v._id);
  const staff = { attribute: 'email', op: 'endsWith' as const, values: ['@shop.example'] };

  // Staging: v2 (Wanda) on + a rule, v3 (owner) a fallthrough rollout, v4 (Wanda) off.
  await patch(
    writer,
    'staging',
    [
      { kind: 'turnFlagOn' },
      { kind: 'addRule', ruleId: 'staff', clauses: [staff], variationId: onePage, description: 'Staff' },
    ],
    'try it on staff',
  );
  await patch(
    owner,
    'staging',
    [{ kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [classic]: 60_000, [onePage]: 40_000 } }],
    'start a 40% rollout',
  );
  await patch(writer, 'staging', [{ kind: 'turnFlagOff' }], 'pause: checkout errors');
  // Production: v2 on, v3 a rule (break-glass, as set-up).
  await patch(owner, 'production', [{ kind: 'turnFlagOn' }], 'launch', 'test set-up');
  await patch(
    owner,
    'production',
    [{ kind: 'addRule', ruleId: 'staff', clauses: [staff], variationId: onePage, description: 'Staff' }],
    'staff first',
    'test set-up',
  );

  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
});

const heading = (p: Page) => p.getByRole('heading', { level: 1 });
const versionItem = (p: Page, n: number) => p.getByRole('listitem', { name: `Version ${n}`, exact: true });
const differences = (p: Page) => p.getByRole('list', { name: 'Differences' });

describe('the flag page', () => {
  it('shows the flag: name, key, description, tags and variations by name and value', async () => {
    page = await browser.open(gantry, flagPath('staging'));
    await signInWithToken(page, gantry.ownerToken);
    await heading(page).filter({ hasText: 'Checkout redesign' }).waitFor();
    const header = page.locator('.flag-header');
    await expect(header.textContent()).resolves.toContain(FLAG);
    await expect(header.textContent()).resolves.toContain('The new one-page checkout.');
    await expect(page.getByRole('list', { name: 'Tags' }).textContent()).resolves.toBe('checkoutq4');
    const variations = await page.locator('.variation').allTextContents();
    expect(variations).toEqual(['Classic"classic"', 'One page"one-page"']);
    // Staging (from the URL): ungated, off at version 4.
    await page.getByRole('heading', { name: 'In Staging', exact: true }).waitFor();
    await expect(page.getByTestId('current-version').textContent()).resolves.toBe('4');
    await expect(page.locator('.facts').textContent()).resolves.toContain('Not required');
    expect(await page.getByRole('link', { name: 'Releases of this project' }).getAttribute('href')).toBe(
      `/ui/projects/${PROJECT}/releases`,
    );
  });

  it('lists the history with authors by name, comments and the kind of change', async () => {
    await versionItem(page, 4).waitFor();
    await expect(versionItem(page, 4).textContent()).resolves.toMatch(
      new RegExp(`Version 4 by ${WRITER}.*pause: checkout errors.*Changed: on/off`),
    );
    await expect(versionItem(page, 3).textContent()).resolves.toMatch(
      new RegExp(`Version 3 by ${ownerName}.*start a 40% rollout.*Changed: fallthrough`),
    );
    await expect(versionItem(page, 2).textContent()).resolves.toContain('Changed: on/off, rules');
    await expect(versionItem(page, 1).textContent()).resolves.toContain('Created');
    // No UUID shown for an author.
    expect(await page.locator('.version-list').textContent()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // The current version cannot be restored; the others can.
    expect(await versionItem(page, 4).getByRole('button', { name: 'Propose restoring this version' }).count()).toBe(0);
    await expect(versionItem(page, 4).textContent()).resolves.toContain('Current version');
  });

  it('compares the latest version with the one before by default, and any two versions on request', async () => {
    await page.getByRole('heading', { name: 'From version 3 to version 4' }).waitFor();
    await expect(differences(page).textContent()).resolves.toContain('on: true → false');
    await page.getByLabel('Compare', { exact: true }).selectOption('1');
    await page.getByLabel('with', { exact: true }).selectOption('3');
    await page.getByRole('heading', { name: 'From version 1 to version 3' }).waitFor();
    const text = (await differences(page).allInnerTexts()).join('\n');
    expect(text).toContain('on: false → true');
    expect(text).toContain('rule 1 added: "Staff"');
    expect(text).toContain('fallthrough: Classic → rollout Classic 60% · One page 40%');
    // The comparison is in the URL: a reload (or a shared link) shows the same one.
    expect(new URL(page.url()).searchParams.toString()).toBe('env=staging&from=1&to=3');
    await page.reload();
    await page.getByRole('heading', { name: 'From version 1 to version 3' }).waitFor();
    await expect(page.getByLabel('Compare', { exact: true }).inputValue()).resolves.toBe('1');
    // "Compare with previous" on a row picks that version and the one before.
    await versionItem(page, 2).getByRole('button', { name: 'Compare with previous' }).click();
    await page.getByRole('heading', { name: 'From version 1 to version 2' }).waitFor();
    await expect(page.locator(':focus').textContent()).resolves.toBe('Compare versions');
    await screenshot(page, 'console-flag-compare');
  });

  it('switches environment with the keyboard, keeping it in the URL', async () => {
    const select = page.getByLabel('Environment');
    // Environments created together have no fixed order: arrow towards Production.
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
    await select.focus();
    await page.keyboard.press(options.indexOf('production') > options.indexOf('staging') ? 'ArrowDown' : 'ArrowUp');
    await page.waitForURL((url) => url.searchParams.get('env') === 'production');
    // Another environment's versions are another sequence: the compared pair is dropped.
    expect(new URL(page.url()).searchParams.has('from')).toBe(false);
    await page.getByRole('heading', { name: 'In Production', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'History in Production' }).waitFor();
    await expect(page.locator('.facts').textContent()).resolves.toContain('Required');
    await expect(page.getByTestId('current-version').textContent()).resolves.toBe('3');
    await expect(versionItem(page, 3).textContent()).resolves.toContain(`Version 3 by ${ownerName}`);
    // A reload keeps the environment.
    await page.reload();
    await page.getByRole('heading', { name: 'In Production', exact: true }).waitFor();
    await expect(page.getByLabel('Environment').inputValue()).resolves.toBe('production');
  });

  it('in the gated environment, restoring an old version opens a change request and links to it', async () => {
    const row = versionItem(page, 1);
    await row.getByRole('button', { name: 'Propose restoring this version' }).click();
    const panel = page.getByRole('region', { name: 'Restore version 1 in Production?' });
    await panel.getByText('need approval').waitFor();
    await panel.getByLabel('Description of the change request').fill('Back to off: the launch broke checkout');
    await screenshot(page, 'console-flag-restore-confirm');
    await panel.getByRole('button', { name: 'Open change request' }).click();
    const link = page.getByRole('status').getByRole('link', { name: 'Open the change request' });
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    const id = /\/ui\/change-requests\/([0-9a-f-]{36})$/.exec(href)?.[1];
    expect(id).toBeDefined();
    const request = ok(await getChangeRequest(owner, id!));
    expect(request).toMatchObject({
      status: 'pending',
      resourceKind: 'flag',
      resourceKey: FLAG,
      environmentKey: 'production',
      description: 'Back to off: the launch broke checkout',
    });
    // Nothing written yet; the open request is listed on the page.
    expect((await envVersion('production')).version).toBe(3);
    await page
      .locator('.open-requests')
      .getByRole('link', { name: 'Back to off: the launch broke checkout' })
      .waitFor();
    await screenshot(page, 'console-flag-restore-pending');
  });

  it('in the ungated environment, restoring writes a new version at once', async () => {
    await page.goto(`${gantry.baseUrl}${flagPath('staging')}`);
    await page.getByRole('heading', { name: 'History in Staging' }).waitFor();
    await versionItem(page, 2).getByRole('button', { name: 'Propose restoring this version' }).click();
    const panel = page.getByRole('region', { name: 'Restore version 2 in Staging?' });
    await panel.getByText('writes a new version').waitFor();
    await panel.getByRole('button', { name: 'Restore now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Restored version 2 in Staging: the configuration is now version 5.' })
      .waitFor();
    const now = await envVersion('staging');
    expect(now.version).toBe(5);
    expect(now.on).toBe(true);
    expect(now.fallthrough.rollout).toBeUndefined();
    // The page shows the new version and its author.
    await versionItem(page, 5).waitFor();
    await expect(versionItem(page, 5).textContent()).resolves.toContain(`Version 5 by ${ownerName}`);
    await expect(page.getByTestId('current-version').textContent()).resolves.toBe('5');
  });

  it('shows an unknown flag as an API error with its code', async () => {
    await page.goto(`${gantry.baseUrl}/ui/projects/${PROJECT}/flags/no-such-flag`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('flag/not_found');
  });

  it('is readable at phone width without horizontal page scroll', async () => {
    const phone = await browser.open(gantry, flagPath('production'), PHONE);
    await phone.getByRole('heading', { name: 'History in Production' }).waitFor();
    await versionItem(phone, 1).waitFor();
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'console-flag-phone');
    await phone.close();
  });
});

describe('a long history, and a version that can no longer be restored', () => {
  const LAB = 'lab';
  const labPath = (flagKey: string) => `/ui/projects/${LAB}/flags/${flagKey}`;

  beforeAll(async () => {
    await factory.project(owner, { key: LAB, environments: [{ key: 'staging', name: 'Staging' }] });
    // 25 versions: more than one page of the history (20).
    await factory.flag(owner, LAB, { key: 'busy', name: 'Busy flag' });
    for (let i = 0; i < 24; i++)
      await factory.patchFlag(owner, LAB, 'busy', {
        environmentKey: 'staging',
        instructions: [{ kind: i % 2 === 0 ? 'turnFlagOn' : 'turnFlagOff' }],
        comment: `toggle ${i + 2}`,
      });
    // Version 2 serves "green", which is then removed from the flag (the middle one: defaults use the others).
    const colours = await factory.flag(owner, LAB, {
      key: 'colours',
      name: 'Colours',
      variations: ['red', 'green', 'blue'],
    });
    const [red, green] = colours.variations.map((v) => v._id);
    const serve = (variationId: string) =>
      factory.patchFlag(owner, LAB, 'colours', {
        environmentKey: 'staging',
        instructions: [{ kind: 'updateFallthroughVariationOrRollout', variationId }],
      });
    await serve(green);
    await serve(red);
    await factory.patchFlag(owner, LAB, 'colours', { instructions: [{ kind: 'removeVariation', variationId: green }] });
  });

  it('loads older versions with "Load more", then knows what the oldest of the first page changed', async () => {
    await page.goto(`${gantry.baseUrl}${labPath('busy')}`);
    await versionItem(page, 25).waitFor();
    expect(await page.locator('.version-item').count()).toBe(20);
    await expect(versionItem(page, 6).textContent()).resolves.toContain('Load older versions to see what changed');
    await page.getByRole('button', { name: 'Load more' }).click();
    await versionItem(page, 1).waitFor();
    expect(await page.locator('.version-item').count()).toBe(25);
    await expect(versionItem(page, 6).textContent()).resolves.toContain('Changed: on/off');
    await expect(versionItem(page, 5).textContent()).resolves.toContain('toggle 5');
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('shows why a version cannot be restored, with the message and the code', async () => {
    await page.goto(`${gantry.baseUrl}${labPath('colours')}`);
    await versionItem(page, 2).getByRole('button', { name: 'Propose restoring this version' }).click();
    const panel = page.getByRole('region', { name: 'Restore version 2 in Staging?' });
    const alert = panel.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('flag_version/variation_removed');
    await expect(alert.textContent()).resolves.toContain('HTTP 409');
    expect(await panel.getByRole('button', { name: 'Restore now' }).count()).toBe(0);
    await screenshot(page, 'console-flag-restore-refused');
    await panel.getByRole('button', { name: 'Cancel' }).click();
    expect(await panel.count()).toBe(0);
    // Focus returns to the button that opened the panel.
    await expect(page.locator(':focus').textContent()).resolves.toBe('Propose restoring this version');
    expect(await versionItem(page, 2).locator(':focus').count()).toBe(1);
  });
});

describe('the flags list', () => {
  it('filters by key or name with a search kept in the URL, showing tags and on/off per environment', async () => {
    await page.goto(`${gantry.baseUrl}/ui/projects/${PROJECT}/flags`);
    await page.getByRole('link', { name: 'Dark mode' }).waitFor();
    await page.getByLabel('Search flags').fill('redesign');
    await page.waitForURL((url) => url.searchParams.get('q') === 'redesign');
    await page.getByRole('status').filter({ hasText: '1 of 2 flags match' }).waitFor();
    expect(await page.getByRole('link', { name: 'Dark mode' }).count()).toBe(0);
    const item = page.getByRole('listitem').filter({ hasText: 'Checkout redesign' });
    await expect(item.textContent()).resolves.toContain('checkoutq4');
    await expect(item.textContent()).resolves.toContain('staging: on');
    await expect(item.textContent()).resolves.toContain('production: on');
    await screenshot(page, 'console-flags-search');
    // By name too, and the search survives a reload.
    await page.goto(`${gantry.baseUrl}/ui/projects/${PROJECT}/flags?q=dark`);
    await page.getByRole('link', { name: 'Dark mode' }).waitFor();
    await expect(page.getByLabel('Search flags').inputValue()).resolves.toBe('dark');
    expect(await page.getByRole('link', { name: 'Checkout redesign' }).count()).toBe(0);
    browser.expectNoErrors();
  });
});
