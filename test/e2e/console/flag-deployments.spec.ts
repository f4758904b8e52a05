/**
 * The Flag page shows the deploys that concern the flag in the selected environment: deploy signals
 * for the services it links to (its `services` list or a `service.<name>` tag), newest first, with
 * the commit and a link to the CI run; a flag linked to no service says how to link one.
 */
import type { Page } from 'playwright-core';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { openBrowser, signInWithToken, type TestBrowser } from '../../support/browser';
import { factory, ok } from '../../support/factories';

let gantry: Gantry;
let browser: TestBrowser;
let owner: ApiClient;
let page: Page;

const PROJECT = 'deploys';
const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';

beforeAll(async () => {
  gantry = await startGantry();
  owner = gantry.client(gantry.ownerToken);
  await factory.project(owner, { key: PROJECT, environments: [{ key: 'staging', name: 'Staging' }, 'production'] });
  await factory.flag(owner, PROJECT, { key: 'one-page-checkout', name: 'One-page checkout', tags: ['service.web'] });
  await factory.patchFlag(owner, PROJECT, 'one-page-checkout', {
    instructions: [{ kind: 'setServices', values: ['checkout-api'] }],
  });
  await factory.flag(owner, PROJECT, { key: 'unlinked', name: 'Unlinked' });
  const signal = (environment: string, service: string, version: string, extra = {}) =>
    owner.POST('/api/v1/projects/{projectKey}/deployments', {
      params: { path: { projectKey: PROJECT } },
      body: { environment, service, version, ...extra },
    });
  ok(await signal('staging', 'checkout-api', '1.4.0', { commitSha: SHA, url: 'https://ci.example.com/runs/77' }));
  ok(await signal('staging', 'web', '2026.12.06'));
  ok(await signal('staging', 'search', '9.9.9'));
  ok(await signal('production', 'checkout-api', '1.3.0'));
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
});

const timeline = (p: Page) => p.getByRole('region', { name: /^Deployments in / });

describe("the flag page's deployments", () => {
  it("lists the deploys of the flag's services in the environment, newest first", async () => {
    page = await browser.open(gantry, `/ui/projects/${PROJECT}/flags/one-page-checkout?env=staging`);
    await signInWithToken(page, gantry.ownerToken);
    await page.getByRole('heading', { name: 'Deployments in Staging' }).waitFor();
    await timeline(page).locator('.deployment-item').first().waitFor();
    await expect(timeline(page).getByText('Services: checkout-api, web').count()).resolves.toBe(1);
    const items = await timeline(page).locator('.deployment-item').allTextContents();
    expect(items.map((t) => t.split(' · ')[0])).toEqual(['web 2026.12.06', 'checkout-api 1.4.0']);
    expect(items[1]).toContain(`commit ${SHA.slice(0, 12)}`);
    expect(await timeline(page).getByRole('link', { name: 'CI run' }).getAttribute('href')).toBe(
      'https://ci.example.com/runs/77',
    );
  });

  it('follows the environment switcher', async () => {
    await page.getByLabel('Environment').selectOption('production');
    await page.getByRole('heading', { name: 'Deployments in production' }).waitFor();
    await timeline(page).locator('.deployment-item').first().waitFor();
    const items = await timeline(page).locator('.deployment-item').allTextContents();
    expect(items.map((t) => t.split(' · ')[0])).toEqual(['checkout-api 1.3.0']);
  });

  it('says how to link a flag that is linked to no service', async () => {
    await page.goto(`${gantry.baseUrl}/ui/projects/${PROJECT}/flags/unlinked?env=staging`);
    await page.getByRole('heading', { name: 'Deployments in Staging' }).waitFor();
    await expect(timeline(page).textContent()).resolves.toContain('Linked to no service');
  });
});
