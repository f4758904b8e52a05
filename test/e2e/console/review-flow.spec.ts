/**
 * The approver's path in headless Chromium, signed in through the test identity provider (its own
 * login form): Ada asks for a change to a flag in production (approval required) through the API;
 * Bob finds it in My reviews (with the count in the navigation), opens it, sees the targeting before
 * and after and the impact numbers, approves, applies and sees the audit entry. Ada's own view does
 * not offer self-approval: the button is disabled with the API's reason beside it.
 */
import type { Page } from 'playwright-core';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { openBrowser, PHONE, screenshot, type TestBrowser } from '../../support/browser';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag } from '../../support/factories';
import { openFlagRequest, openSegmentRequestCall, type ChangeRequest } from '../../support/governance';
import { providerPort, ssoEnv, startIdentityProvider, type IdentityProvider } from '../../support/oidc';

const ADA = { sub: 'ada', email: 'ada@example.com', name: 'Ada Author', groups: ['gantry-writers'] };
const BOB = { sub: 'bob', email: 'bob@example.com', name: 'Bob Reviewer', groups: ['gantry-writers'] };
/** Contexts the production environment has seen (OFREP evaluations): the sample the impact preview uses. */
const SEEN = [
  { targetingKey: 'staff-1', email: 'sam@example.com' },
  { targetingKey: 'staff-2', email: 'sue@example.com' },
  { targetingKey: 'guest-1', email: 'gus@other.org' },
  { targetingKey: 'guest-2', email: 'gil@other.org' },
];

let gantry: Gantry;
let idp: IdentityProvider;
let owner: ApiClient;
let flag: Flag;
let cr: ChangeRequest;
let adaBrowser: TestBrowser;
let bobBrowser: TestBrowser;
let ada: Page;
/** Ada's API client (her personal token), once she is provisioned. */
let adaApi: ApiClient;
let bob: Page;

beforeAll(async () => {
  const port = await providerPort();
  gantry = await startGantry({ env: ssoEnv(port, { GANTRY_GROUP_ROLES: 'gantry-writers=writer' }) });
  idp = await startIdentityProvider(port, `${gantry.baseUrl}/auth/oidc/callback`);
  await Promise.all([idp.person(ADA), idp.person(BOB)]);
  owner = gantry.client(gantry.ownerToken);
  await factory.project(owner, {
    key: 'shop',
    name: 'Shop',
    environments: ['staging', { key: 'production', name: 'Production', critical: true }],
  });
  flag = await factory.flag(owner, 'shop', { key: 'new-checkout', name: 'New checkout' });
  const [on, off] = flag.variations.map((v) => v._id);
  // Production is gated: the owner sets the starting point as break-glass, with a reason.
  await factory.patchFlag(
    owner,
    'shop',
    flag.key,
    {
      environmentKey: 'production',
      instructions: [
        { kind: 'turnFlagOn' },
        {
          kind: 'addRule',
          ruleId: 'staff',
          description: 'staff first',
          clauses: [{ attribute: 'email', op: 'endsWith', values: ['@example.com'] }],
          variationId: on,
        },
        { kind: 'updateFallthroughVariationOrRollout', variationId: off },
      ],
    },
    { bypassReason: 'test set-up: the starting configuration' },
  );
  const sdkKey = await sdkKeyOf(owner, 'shop', 'production');
  for (const context of SEEN) {
    const res = await gantry.raw('POST', `/ofrep/v1/evaluate/flags/${flag.key}`, {
      headers: { authorization: `Bearer ${sdkKey}` },
      body: { context },
    });
    expect(res.status).toBe(200);
    // A node samples at most one context per environment per 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  [adaBrowser, bobBrowser] = await Promise.all([openBrowser(), openBrowser()]);
}, 90_000);
afterAll(async () => {
  await Promise.all([adaBrowser?.close(), bobBrowser?.close()]);
  await idp?.stop();
  await gantry?.stop();
});

/** Signs in as a person would: the console's identity-provider button, then the provider's login form. */
async function signInThroughIdp(browser: TestBrowser, username: string, name: string): Promise<Page> {
  const page = await browser.open(gantry, '/ui/');
  await page.waitForURL(/\/ui\/sign-in/);
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await page.waitForURL((url) => url.origin === idp.issuer);
  await page.getByLabel('Username').fill(username);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.origin === gantry.baseUrl && url.pathname === '/ui/');
  await expect(page.locator('.member-name').textContent()).resolves.toBe(name);
  return page;
}

/** Whether an action button is disabled, and the text its aria-describedby points at (the reason). */
async function actionReason(page: Page, label: string) {
  const button = page.getByRole('button', { name: label, exact: true });
  const id = await button.getAttribute('aria-describedby');
  return {
    disabled: await button.isDisabled(),
    reason: id ? await page.locator(`[id="${id}"]`).textContent() : null,
  };
}

const horizontalOverflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

describe('reviewing a change request in the console', () => {
  it('signs both people in through the identity provider (provisioned as writers)', async () => {
    [ada, bob] = await Promise.all([
      signInThroughIdp(adaBrowser, 'ada', ADA.name),
      signInThroughIdp(bobBrowser, 'bob', BOB.name),
    ]);
    // Ada asks for the change through the API, with a token of her own.
    const members = ok(await owner.GET('/api/v1/members')).items;
    const adaId = members.find((m) => m.email === ADA.email)!.id;
    const token = await factory.token(owner, { name: 'ada token', memberId: adaId });
    adaApi = gantry.client(token.token);
    const [on, off] = flag.variations.map((v) => v._id);
    cr = await openFlagRequest(adaApi, 'shop', flag.key, 'production', {
      description: 'Move staff back to the old checkout; roll out to Germany',
      instructions: [
        { kind: 'updateRuleVariationOrRollout', ruleId: 'staff', variationId: off },
        {
          kind: 'addRule',
          ruleId: 'germany',
          clauses: [{ attribute: 'country', op: 'in', values: ['DE'] }],
          rolloutWeights: { [on]: 25000, [off]: 75000 },
        },
      ],
    });
    expect(cr.status).toBe('pending');
    // A second request on the same flag, which the first one's apply will leave stale.
    await openFlagRequest(adaApi, 'shop', flag.key, 'production', {
      description: 'Switch the new checkout off',
      instructions: [{ kind: 'turnFlagOff' }],
    });
  });

  it("shows the request in Bob's My reviews, with the author's name and the count in the navigation", async () => {
    await bob.goto(`${gantry.baseUrl}/ui/`);
    const awaiting = bob.getByRole('region', { name: 'Awaiting my review', exact: true });
    const row = awaiting.locator('.review-item').filter({ hasText: 'Move staff back' });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain(ADA.name);
    expect(text).toContain('production');
    expect(text).toContain('new-checkout');
    expect(text).toContain('pending');
    await expect(
      bob
        .getByRole('link', { name: /My reviews/ })
        .locator('.badge')
        .textContent(),
    ).resolves.toBe('2');
    // The owner's break-glass set-up awaits acknowledgement.
    const bypasses = bob.getByRole('region', { name: 'Break-glass changes awaiting acknowledgement', exact: true });
    await bypasses.locator('.review-item').first().waitFor();
    await screenshot(bob, 'console-my-reviews-desktop');

    // Filters live in the URL: a state filter other than pending empties "awaiting".
    await bob.getByLabel('State').selectOption('applied');
    await bob.waitForURL((url) => url.searchParams.get('state') === 'applied');
    await awaiting.getByText('Nothing awaits your review.').waitFor();
    await bob.goto(`${gantry.baseUrl}/ui/`);

    const phone = await bobBrowser.open(gantry, '/ui/', PHONE);
    await phone.locator('.review-item').filter({ hasText: 'Move staff back' }).waitFor();
    expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'console-my-reviews-phone');
    await phone.close();
  });

  it('opens the request: targeting before and after for a person, and the impact numbers', async () => {
    await bob.locator('.review-item').filter({ hasText: 'Move staff back' }).getByRole('link').first().click();
    await bob.waitForURL((url) => url.pathname === `/ui/change-requests/${cr.id}`);
    const after = bob.getByRole('region', { name: 'After', exact: true });
    const before = bob.getByRole('region', { name: 'Before', exact: true });
    await after.getByText('country is one of "DE"').waitFor();
    // Variations by value, rollouts as percentages, differences marked in words.
    expect(await after.textContent()).toContain('serve 25% true, 75% false, bucketed by key');
    const staffAfter = after.locator('.targeting-row').filter({ hasText: 'staff first' });
    expect(await staffAfter.textContent()).toMatch(/^Changed.*if email ends with "@example.com".*serve false/);
    expect(await before.locator('.targeting-row').filter({ hasText: 'staff first' }).textContent()).toContain(
      'serve true',
    );
    expect(await after.locator('.targeting-row').filter({ hasText: 'Rule 2' }).textContent()).toMatch(/^Added/);

    // The impact: both staff contexts move from true to false, 2 of 4 (50%), with their keys.
    const impact = bob.getByRole('region', { name: 'Impact', exact: true });
    await impact.getByText(/2 of 4 contexts move \(50%\)/).waitFor();
    const row = impact.locator('tbody tr');
    expect(await row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['true', '→ false', '2 (50%)']);
    expect(cells[3]).toContain('staff-1');
    expect(cells[3]).toContain('staff-2');
    expect(await impact.locator('svg.impact-chart rect.chart-bar').count()).toBe(1);
    await screenshot(bob, 'console-change-request-desktop');

    // Contexts of the reviewer's own (POST /impact, sample left out): a staff member moves, a German guest does not.
    await impact.getByText('Try contexts of your own').click();
    await impact.getByLabel(/^Contexts/).fill(
      JSON.stringify([
        { kind: 'user', key: 'ann', email: 'ann@example.com' },
        { kind: 'user', key: 'max', email: 'max@other.org', country: 'FR' },
      ]),
    );
    await impact.getByRole('button', { name: 'Evaluate' }).click();
    await impact
      .locator('.supplied-contexts')
      .getByText(/1 of 2 contexts move \(50%\)/)
      .waitFor();
    expect(await impact.locator('.supplied-contexts tbody td').allTextContents()).toEqual([
      'true',
      '→ false',
      '1 (50%)',
      'ann',
    ]);

    const phone = await bobBrowser.open(gantry, `/ui/change-requests/${cr.id}`, PHONE);
    await phone.getByText('country is one of "DE"').first().waitFor();
    await phone.getByText(/2 of 4 contexts move \(50%\)/).waitFor();
    expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'console-change-request-phone');
    await phone.close();
  });

  it("does not offer Ada approval of her own request: disabled, with the API's reason beside it", async () => {
    await ada.goto(`${gantry.baseUrl}/ui/change-requests/${cr.id}`);
    await ada.getByRole('button', { name: 'Approve' }).waitFor();
    const approve = await actionReason(ada, 'Approve');
    expect(approve.disabled).toBe(true);
    expect(approve.reason).toContain('requesters may not review their own change requests here');
    expect(approve.reason).toContain('approval/self_review');
    await expect(
      ada.getByText('requesters may not review their own change requests here').first().isVisible(),
    ).resolves.toBe(true);
    // Nor may she apply before approval; she may cancel her own request.
    expect((await actionReason(ada, 'Apply')).disabled).toBe(true);
    expect((await actionReason(ada, 'Cancel request')).disabled).toBe(false);
    await screenshot(ada, 'console-change-request-author');
  });

  it('Bob approves with a comment, applies, and sees the new state and the audit entries', async () => {
    await bob.goto(`${gantry.baseUrl}/ui/change-requests/${cr.id}`);
    await bob.getByLabel(/^Comment/).fill('Checked the impact: only staff move.');
    await bob.getByRole('button', { name: 'Approve' }).click();
    await bob.getByText('Approved. The request is now approved.').waitFor();
    const thread = bob.locator('.review-thread');
    expect(await thread.textContent()).toContain(`${BOB.name} approved`);
    expect(await thread.textContent()).toContain('Checked the impact: only staff move.');
    // The navigation count follows: only Ada's other request awaits Bob now.
    await eventually(async () =>
      expect(
        await bob
          .getByRole('link', { name: /My reviews/ })
          .locator('.badge')
          .textContent(),
      ).toBe('1'),
    );

    await bob.getByRole('button', { name: 'Apply' }).click();
    await bob.getByText('Applied. The request is now applied.').waitFor();
    const audit = bob.getByRole('region', { name: 'Audit trail', exact: true });
    await audit.getByRole('cell', { name: 'applyChangeRequest' }).waitFor();
    const actions = await audit.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(actions).toEqual(
      expect.arrayContaining(['createChangeRequest', 'reviewChangeRequest', 'applyChangeRequest']),
    );
    expect(await audit.locator('tr', { hasText: 'applyChangeRequest' }).textContent()).toContain(BOB.name);
    // Closed: nothing is offered any more.
    for (const button of ['Approve', 'Apply', 'Rebase', 'Cancel request'])
      expect((await actionReason(bob, button)).disabled).toBe(true);
    await screenshot(bob, 'console-change-request-applied');

    const production = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: 'shop', flagKey: flag.key } },
      }),
    ).environments.production;
    expect(production.rules.map((r) => r._id)).toEqual(['staff', 'germany']);
  });

  it("marks Ada's other request on the flag stale once the first is applied, and offers her the rebase", async () => {
    await ada.goto(`${gantry.baseUrl}/ui/`);
    const mine = ada.getByRole('region', { name: 'My requests', exact: true });
    const other = mine.locator('.review-item').filter({ hasText: 'Switch the new checkout off' });
    await other.getByText(/^Stale: the flag changed since version/).waitFor();
    // The applied request is not stale: it is closed.
    const applied = mine.locator('.review-item').filter({ hasText: 'Move staff back' });
    expect(await applied.textContent()).toContain('applied');
    expect(await applied.getByText(/^Stale/).count()).toBe(0);
    await other.getByRole('link').first().click();
    await ada.getByRole('button', { name: 'Rebase', exact: true }).waitFor();
    expect((await actionReason(ada, 'Rebase')).disabled).toBe(false);
    await ada.getByRole('button', { name: 'Rebase', exact: true }).click();
    await ada.getByText('Rebased. The request is now pending.').waitFor();
    expect((await actionReason(ada, 'Rebase')).disabled).toBe(true);
  });

  it('shows a segment request the same way: rows before and after, the changed one marked', async () => {
    await factory.segment(owner, 'shop', 'production', {
      key: 'beta-testers',
      name: 'Beta testers',
      included: ['kim'],
    });
    const segmentCr = ok(
      await openSegmentRequestCall(adaApi, 'shop', 'production', 'beta-testers', {
        description: 'Let Lee into the beta',
        instructions: [{ kind: 'addIncludedTargets', values: ['lee'] }],
      }),
    );
    await bob.goto(`${gantry.baseUrl}/ui/change-requests/${segmentCr.id}`);
    const after = bob.getByRole('region', { name: 'After', exact: true });
    const included = after.locator('.targeting-row').filter({ hasText: 'Included (user)' });
    await included.waitFor();
    expect(await included.textContent()).toBe('ChangedIncluded (user)kim, lee');
    const before = bob.getByRole('region', { name: 'Before', exact: true });
    expect(await before.locator('.targeting-row').filter({ hasText: 'Included (user)' }).textContent()).toBe(
      'ChangedIncluded (user)kim',
    );
  });
});
