/**
 * Scheduled change requests (approved with an executionDate): the worker applies them when due
 * through the same apply path; one overdue while no worker ran is applied when a worker starts;
 * one whose flag changed underneath fails cleanly (status failed, the reason kept, flag untouched).
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok, type Project } from '../../support/factories';
import { flagIn, memberWithToken, openFlagRequest, review } from '../../support/governance';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([['all'], ['api']] as const)('scheduled change requests (first node role %s)', (role) => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let alice: Awaited<ReturnType<typeof memberWithToken>>;
  let bob: Awaited<ReturnType<typeof memberWithToken>>;

  beforeAll(async () => {
    g = await startGantry({ role });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: [{ key: 'production', name: 'Production', critical: true }] });
    [alice, bob] = await Promise.all([memberWithToken(g, owner, 'writer'), memberWithToken(g, owner, 'writer')]);
  });
  afterAll(() => g?.stop());

  const getRequest = async (id: string) => ok(await owner.GET('/api/v1/change-requests/{id}', { params: { path: { id } } }));

  if (role === 'all') {
    it('an approved request with an execution date is scheduled, then applied by the worker when due', async () => {
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', { instructions: [{ kind: 'turnFlagOn' }], executionDate: inMs(1_500) });
      expect(ok(await review(bob.api, cr.id, 'approve')).status).toBe('scheduled');
      // Not before its time, even when asked.
      const early = await alice.api.POST('/api/v1/change-requests/{id}/apply', { params: { path: { id: cr.id } }, body: {} });
      expect(early.error).toMatchObject({ code: 'change_request/not_due' });
      const applied = await eventually(async () => {
        const now = await getRequest(cr.id);
        if (now.status !== 'applied') throw new Error(`still ${now.status}`);
        return now;
      });
      expect(new Date(applied.appliedAt!).getTime()).toBeGreaterThanOrEqual(new Date(cr.executionDate!).getTime());
      expect((await flagIn(owner, project.key, flag.key)).environments.production.on).toBe(true);
      expect(applied.history.map((h) => (h as { status: string }).status)).toEqual(['pending', 'scheduled', 'applied']);
    });

    it('a scheduled request whose flag changed underneath fails with the conflict, and the flag keeps the other change only', async () => {
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', { instructions: [{ kind: 'turnFlagOn' }], executionDate: inMs(2_000) });
      ok(await review(bob.api, cr.id, 'approve'));
      await factory.patchFlag(owner, project.key, flag.key, { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }, { kind: 'turnFlagOff' }, { kind: 'updateOffVariation', variationId: flag.variations[0]._id }] });
      const failed = await eventually(async () => {
        const now = await getRequest(cr.id);
        if (now.status !== 'failed') throw new Error(`still ${now.status}`);
        return now;
      });
      expect(failed.failure).toMatchObject({ code: 'change_request/conflict' });
      const env = (await flagIn(owner, project.key, flag.key)).environments.production;
      expect(env).toMatchObject({ on: false, version: 2 });
    });
  } else {
    it('one overdue while no worker ran is applied as soon as a worker starts', async () => {
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', { instructions: [{ kind: 'turnFlagOn' }], executionDate: inMs(1_000) });
      ok(await review(bob.api, cr.id, 'approve'));
      await sleep(1_500);
      expect((await getRequest(cr.id)).status).toBe('scheduled');
      const worker = await startSecondNode(g, { role: 'worker' });
      try {
        await eventually(async () => {
          if ((await getRequest(cr.id)).status !== 'applied') throw new Error('not yet');
        });
        expect((await flagIn(owner, project.key, flag.key)).environments.production.on).toBe(true);
      } finally {
        await worker.stop();
      }
    });
  }
});
