/**
 * Scheduled change requests (approved with an executionDate): the worker applies them when due
 * through the same apply path, never early; one overdue while no worker ran is applied when a
 * worker starts; one whose flag changed underneath fails cleanly (status failed, the reason kept,
 * flag untouched).
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok } from '../../support/factories';
import { flagIn, memberWithToken, openFlagRequest, review, type ChangeRequest } from '../../support/governance';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Gantry of the given role with a critical production, two writers, and an approved scheduled request factory. */
function world(role: 'all' | 'api') {
  const w = {} as {
    g: Gantry;
    owner: ApiClient;
    projectKey: string;
    scheduleApproved(flagKey: string, delayMs: number): Promise<ChangeRequest>;
    status(id: string, expected: string): Promise<ChangeRequest>;
  };
  beforeAll(async () => {
    w.g = await startGantry({ role });
    w.owner = w.g.client(w.g.ownerToken);
    w.projectKey = (
      await factory.project(w.owner, { environments: [{ key: 'production', name: 'Production', critical: true }] })
    ).key;
    const [alice, bob] = await Promise.all([
      memberWithToken(w.g, w.owner, 'writer'),
      memberWithToken(w.g, w.owner, 'writer'),
    ]);
    w.scheduleApproved = async (flagKey, delayMs) => {
      const cr = await openFlagRequest(alice.api, w.projectKey, flagKey, 'production', {
        instructions: [{ kind: 'turnFlagOn' }],
        executionDate: inMs(delayMs),
      });
      const approved = ok(await review(bob.api, cr.id, 'approve'));
      expect(approved.status).toBe('scheduled');
      return approved;
    };
    w.status = (id, expected) =>
      eventually(async () => {
        const now = ok(await w.owner.GET('/api/v1/change-requests/{id}', { params: { path: { id } } }));
        if (now.status !== expected) throw new Error(`${id} is ${now.status}, waiting for ${expected}`);
        return now;
      });
  });
  afterAll(() => w.g?.stop());
  return w;
}

describe('scheduled change requests with a worker running', () => {
  const w = world('all');

  it('is applied by the worker when due, not before, and not early on request', async () => {
    const flag = await factory.flag(w.owner, w.projectKey);
    const cr = await w.scheduleApproved(flag.key, 1_500);
    const early = await w.owner.POST('/api/v1/change-requests/{id}/apply', {
      params: { path: { id: cr.id } },
      body: {},
    });
    expect(early.error).toMatchObject({ code: 'change_request/not_due' });
    const applied = await w.status(cr.id, 'applied');
    expect(new Date(applied.appliedAt!).getTime()).toBeGreaterThanOrEqual(new Date(cr.executionDate!).getTime());
    expect((await flagIn(w.owner, w.projectKey, flag.key)).environments.production.on).toBe(true);
    expect(applied.history.map((h) => (h as { status: string }).status)).toEqual(['pending', 'scheduled', 'applied']);
  });

  it('fails with the conflict when the flag changed underneath, leaving the other change alone', async () => {
    const flag = await factory.flag(w.owner, w.projectKey);
    const cr = await w.scheduleApproved(flag.key, 2_000);
    // The owner changes production underneath (break-glass, with a reason).
    await factory.patchFlag(
      w.owner,
      w.projectKey,
      flag.key,
      {
        environmentKey: 'production',
        instructions: [{ kind: 'updateOffVariation', variationId: flag.variations[0]._id }],
      },
      { bypassReason: 'set-up: a change underneath the scheduled request' },
    );
    const failed = await w.status(cr.id, 'failed');
    expect(failed.failure).toMatchObject({ code: 'change_request/conflict' });
    expect((await flagIn(w.owner, w.projectKey, flag.key)).environments.production).toMatchObject({
      on: false,
      offVariation: 0,
      version: 2,
    });
  });
});

describe('scheduled change requests with no worker running', () => {
  const w = world('api');

  it('one overdue while no worker ran is applied as soon as a worker starts', async () => {
    const flag = await factory.flag(w.owner, w.projectKey);
    const cr = await w.scheduleApproved(flag.key, 1_000);
    await sleep(1_500);
    expect(ok(await w.owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } })).status).toBe(
      'scheduled',
    );
    const worker = await startSecondNode(w.g, { role: 'worker' });
    try {
      await w.status(cr.id, 'applied');
      expect((await flagIn(w.owner, w.projectKey, flag.key)).environments.production.on).toBe(true);
    } finally {
      await worker.stop();
    }
  });
});
