/**
 * The Releases pages in headless Chromium against a started Gantry (API and worker): the project's
 * releases with filters in the address; a guarded release whose chart is drawn from real SDK events
 * (sent through /bulk, judged by the worker: promoted once, then rolled back on a regression) with
 * the same numbers and decisions in its table; a staged release's timeline showing the weight in force;
 * the release pipelines. Desktop and phone screenshots.
 */
import type { Page } from 'playwright-core';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { openBrowser, PHONE, screenshot, signInWithToken, type TestBrowser } from '../../support/browser';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag, type Schemas } from '../../support/factories';
import { turnOn } from '../../support/release-plans';
import { feedGuardEvents } from '../../support/guard-events';

type Release = Schemas['ReleaseDto'];

let gantry: Gantry;
let owner: ApiClient;
let browser: TestBrowser;
let page: Page;
const P = 'shop';
let guardedFlag: Flag;
let stagedFlag: Flag;
let guarded: Release;
let staged: Release;

const releasePath = (flag: Flag) => ({ projectKey: P, flagKey: flag.key, envKey: 'staging' });
const getRelease = async (flag: Flag, id: string) =>
  ok(
    await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
      params: { path: { ...releasePath(flag), id } },
    }),
  );
const until = (flag: Flag, id: string, check: (r: Release) => boolean, what: string) =>
  eventually(
    async () => {
      const r = await getRelease(flag, id);
      if (!check(r)) throw new Error(`waiting for ${what}: release is ${r.status} at stage ${r.currentStage}`);
      return r;
    },
    { timeoutMs: 30_000 },
  );
const detailUrl = (flag: Flag, id: string) => `/ui/projects/${P}/flags/${flag.key}/environments/staging/releases/${id}`;
const noHorizontalScroll = (p: Page) => p.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

beforeAll(async () => {
  gantry = await startGantry({ role: 'all' });
  owner = gantry.client(gantry.ownerToken);
  await factory.project(owner, { key: P, name: 'Shop', environments: ['staging', 'production'] });
  await factory.metric(owner, P);
  ok(
    await owner.POST('/api/v1/projects/{projectKey}/release-pipelines', {
      params: { path: { projectKey: P } },
      body: {
        key: 'standard',
        name: 'Standard rollout',
        phases: [
          { name: 'Try it', audiences: [{ environmentKey: 'staging', strategy: { kind: 'immediate' } }] },
          {
            name: 'Everyone',
            audiences: [
              {
                environmentKey: 'production',
                strategy: {
                  kind: 'staged',
                  stages: [
                    { weight: 10_000, durationMs: 600_000 },
                    { weight: 100_000, durationMs: 600_000 },
                  ],
                },
              },
            ],
          },
        ],
      },
    }),
  );
  const twoWay = { variations: ['old', 'new'], defaults: { onVariation: 0, offVariation: 0 } };
  guardedFlag = await factory.flag(owner, P, { key: 'new-checkout', ...twoWay });
  stagedFlag = await factory.flag(owner, P, { key: 'search-v2', ...twoWay });

  // The guarded release: equal error rates let stage 1 pass, then a clearly worse one rolls stage 2 back.
  const sdkKey = await sdkKeyOf(owner, P, 'staging');
  guarded = ok(
    await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
      params: { path: releasePath(guardedFlag) },
      body: {
        toVariationId: guardedFlag.variations[1]._id,
        stages: [
          { weight: 50_000, durationMs: 3_000 },
          { weight: 100_000, durationMs: 4_000 },
        ],
        guard: { metrics: ['checkout-error'], onRegression: 'rollback', minSamplePerArm: 100 },
      },
    }),
  );
  await until(guardedFlag, guarded.id, (r) => r.currentStage === 0, 'stage 1');
  await feedGuardEvents(gantry, sdkKey, guardedFlag.key, { prefix: 'same', perArm: 150, errorsOld: 3, errorsNew: 3 });
  await until(guardedFlag, guarded.id, (r) => r.currentStage === 1, 'stage 2');
  await feedGuardEvents(gantry, sdkKey, guardedFlag.key, { prefix: 'bad', perArm: 400, errorsOld: 4, errorsNew: 120 });
  guarded = await until(guardedFlag, guarded.id, (r) => r.status === 'rolled_back', 'the rollback');

  const piped = await factory.flag(owner, P, { key: 'dark-mode', ...twoWay });
  await turnOn(owner, P, piped.key, ['staging', 'production']); // a plan refuses to start where the flag is off
  ok(
    await owner.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
      params: { path: { projectKey: P, flagKey: piped.key } },
      body: { pipelineKey: 'standard', variationId: piped.variations[1]._id },
    }),
  );
  await eventually(
    async () => {
      const run = ok(
        await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
          params: { path: { projectKey: P, flagKey: piped.key } },
        }),
      );
      expect(run.audiences.map((a) => a.status)).toEqual(['completed', 'running']);
    },
    { timeoutMs: 20_000 },
  );

  staged = ok(
    await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
      params: { path: releasePath(stagedFlag) },
      body: {
        toVariationId: stagedFlag.variations[1]._id,
        stages: [
          { weight: 25_000, durationMs: 600_000 },
          { weight: 100_000, durationMs: 600_000 },
        ],
      },
    }),
  );
  staged = await until(stagedFlag, staged.id, (r) => r.currentStage === 0, 'stage 1');

  browser = await openBrowser();
  page = await browser.open(gantry, `/ui/projects/${P}/releases`);
  await signInWithToken(page, gantry.ownerToken);
});
afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
});

describe('the Releases page', () => {
  it('lists the releases with kind, state and current weight, each linking to its page', async () => {
    await page.getByRole('heading', { level: 1, name: 'Releases' }).waitFor();
    const rows = page.locator('.releases-table tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    const text = (await rows.allTextContents()).join('\n');
    expect(text).toContain('search-v2');
    expect(text).toMatch(/new-checkout\s*staging\s*guarded\s*rolled back\s*0%/);
    expect(text).toMatch(/search-v2\s*staging\s*staged\s*running\s*25%/);
    expect(text).toMatch(/dark-mode\s*production\s*staged\s*running\s*10%/);
    await expect(page.getByRole('link', { name: 'new-checkout' }).getAttribute('href')).resolves.toBe(
      detailUrl(guardedFlag, guarded.id),
    );
    await page.getByRole('heading', { name: 'Release pipelines' }).waitFor();
    await page.getByText('Standard rollout').waitFor();
    expect(await page.locator('.pipeline .phases > li').allTextContents()).toEqual([
      expect.stringContaining('Phase 1: Try it'),
      expect.stringMatching(/Phase 2: Everyone.*production · staged/),
    ]);
    await screenshot(page, 'console-releases-desktop');
  });

  it("shows a flag's pipeline run: each phase's environment with its state", async () => {
    const run = page.getByLabel('Flag key of a pipeline run');
    await run.fill('search-v2');
    await page.getByRole('button', { name: 'Show run' }).click();
    await page.getByText('No pipeline run for this flag.').waitFor();
    await run.fill('dark-mode');
    await page.getByRole('button', { name: 'Show run' }).click();
    const card = page.locator('.flag-run .pipeline');
    await card.waitFor();
    expect(await card.locator('.phases > li').allTextContents()).toEqual([
      expect.stringMatching(/Try it.*staging · immediate · completed/),
      expect.stringMatching(/Everyone \(in progress\).*production · staged · running · release/),
    ]);
    // The running phase's release opens its page.
    await card.getByRole('link', { name: 'release' }).click();
    await page.waitForURL(/\/ui\/projects\/shop\/flags\/dark-mode\/environments\/production\/releases\//);
    await expect(page.locator('.current-weight').textContent()).resolves.toBe('10%');
    await page.goto(`${gantry.baseUrl}/ui/projects/${P}/releases`);
    await page.locator('.releases-table tbody tr').first().waitFor();
  });

  it('keeps filters in the address: a state filter shows only the matching release, and survives a reload', async () => {
    await page.getByLabel('State').selectOption('rolled_back');
    await page.waitForURL((u) => u.searchParams.get('state') === 'rolled_back');
    await eventually(async () => expect(await page.locator('.releases-table tbody tr').count()).toBe(1));
    await page.reload();
    await page.locator('.releases-table tbody tr').first().waitFor();
    expect(await page.locator('.releases-table tbody tr').allTextContents()).toEqual([
      expect.stringContaining('new-checkout'),
    ]);
    await expect(page.getByLabel('State').inputValue()).resolves.toBe('rolled_back');
    await page.getByLabel('Flag key', { exact: true }).fill('no-such-flag');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No releases match these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('flag')).toBe('no-such-flag');
  });

  it("draws the guarded release's chart from the guard's checks, with the numbers and decisions in a table", async () => {
    await page.goto(`${gantry.baseUrl}${detailUrl(guardedFlag, guarded.id)}`);
    await page.getByRole('heading', { level: 1, name: 'Release' }).waitFor();
    const chart = page.locator('.guard-metric svg[role="img"]');
    await chart.waitFor();
    const checks = guarded.guardChecks!;
    expect(checks.map((c) => c.decision)).toEqual(expect.arrayContaining(['promote', 'rollback']));
    await expect(chart.getAttribute('data-points')).resolves.toBe(String(checks.length));
    // A dot per value of each variation where the test had enough data, a band, the decisions marked.
    const valued = checks.filter((c) => c.metrics[0].control.value !== null).length;
    expect(valued).toBeGreaterThanOrEqual(2);
    expect(await chart.locator('.chart-point').count()).toBe(2 * valued);
    expect(await chart.locator('path.chart-band').getAttribute('d')).toMatch(/^M.+Z$/);
    expect(await chart.locator('.chart-marker text').allTextContents()).toEqual(
      expect.arrayContaining(['promote', 'rollback']),
    );

    const rows = page.locator('.guard-table tbody tr');
    expect(await rows.count()).toBe(checks.length);
    const last = await rows.last().textContent();
    // 150 + 400 contexts per arm; 3 + 4 errors on the old variation, 3 + 120 on the new one.
    expect(last).toContain('0.01273 (550)');
    expect(last).toContain('0.2236 (550)');
    expect(last).toContain('regression');
    expect(last).toContain('rollback');
    const promoted = (await rows.allTextContents()).find((t) => t.includes('promote'));
    expect(promoted).toContain('0.02 (150)');
    expect(promoted).toContain('no regression yet');
    await screenshot(page, 'console-release-guarded-desktop');
  });

  it("shows a staged release's stages on a timeline, the current weight highlighted", async () => {
    await page.goto(`${gantry.baseUrl}${detailUrl(stagedFlag, staged.id)}`);
    const current = page.locator('.stage-timeline li[aria-current="step"]');
    await current.waitFor();
    expect(await current.textContent()).toMatch(/Stage 1: 25%.*current.*Hold10 min/);
    expect(await page.locator('.stage-timeline li').allTextContents()).toEqual([
      expect.stringContaining('Stage 1: 25%'),
      expect.stringMatching(/Stage 2: 100%.*pending/),
    ]);
    await expect(page.locator('.current-weight').textContent()).resolves.toBe('25%');
    expect(await page.locator('.guard-metric').count()).toBe(0);
    await screenshot(page, 'console-release-staged-desktop');
    // A running release is read again as it goes: paused through the API, the open page says so.
    ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}/pause', {
        params: { path: { ...releasePath(stagedFlag), id: staged.id } },
      }),
    );
    await page.locator('.release-facts .state-paused').waitFor({ timeout: 15_000 });
    await expect(page.locator('.release-facts .state').textContent()).resolves.toBe('paused');
  });

  it('reads at phone width without horizontal scrolling', async () => {
    const phone = await browser.open(gantry, detailUrl(guardedFlag, guarded.id), PHONE);
    await phone.locator('.guard-metric svg[role="img"]').waitFor();
    expect(await noHorizontalScroll(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'console-release-guarded-phone');
    await phone.goto(`${gantry.baseUrl}/ui/projects/${P}/releases`);
    await phone.locator('.releases-table tbody tr').first().waitFor();
    expect(await noHorizontalScroll(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'console-releases-phone');
    await phone.close();
    browser.expectNoErrors();
  });
});
