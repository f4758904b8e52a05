/**
 * A worker killed (SIGKILL) around the commit of a scheduled change loses none of its webhook events
 * and sends none twice: the `scheduled_change.applied` delivery row is written in the change's own
 * transaction, so it commits with the change or not at all, and a worker that comes up afterwards
 * delivers it exactly once (the delivery worker's sweep of pending rows enqueues what Redis never got).
 *
 * The points are held with PostgreSQL's own locks from the test, as in worker-kill.spec.ts:
 * - the delivery row being inserted: the test holds a SHARE lock on the delivery table, so the
 *   worker's insert waits on it; the worker is killed there. Whatever was written with it (flag
 *   version, audit entry, the schedule marked applied) is not committed either.
 * - committed, its delivery job not enqueued: the schedule's row lock holds the run, the worker's
 *   Redis link is black-holed, the lock released; once the change is visible the worker is killed.
 *   The delivery row is there (pending) in the very snapshot the change is first seen in.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { backendsEnded, hold, waitingOn } from '../../support/lock-holds';
import { redisFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { factory, ok } from '../../support/factories';
import { startReceiver, type Receiver } from '../../support/webhook-receiver';

/** A dead worker's jobs are found stalled within about twice this. */
const JOB_LOCK_MS = 2_000;
/** The schedule falls due this long after it is made: the test takes its hold meanwhile. */
const DUE_IN_MS = 4_000;
/** Two boots on a machine shared with other test runs (the waits inside are the real bounds). */
const BOOT_TIMEOUT_MS = 120_000;
/** A worker's boot and the waits for the stalled jobs and the delivery, on the same shared machine. */
const CASE_TIMEOUT_MS = 90_000;

/** The receiver listens on loopback. */
const OUTBOUND = { GANTRY_OUTBOUND_ALLOW: '127.0.0.1' };

type KillPoint = 'inserting the delivery row' | 'committed, its delivery job not enqueued';

describe('a worker killed around the commit of a scheduled change, for its webhook event', () => {
  let g: Gantry;
  let owner: ApiClient;
  let redisLink: FaultProxy;
  let receiver: Receiver;
  let worker: GantryNode;

  const startWorker = async () =>
    startSecondNode(g, {
      role: 'worker',
      redisPort: redisLink.port,
      env: { ...OUTBOUND, LOG_LEVEL: 'info', GANTRY_JOB_LOCK_MS: String(JOB_LOCK_MS) },
    });

  beforeAll(async () => {
    [redisLink, receiver] = await Promise.all([redisFaultProxy(), startReceiver()]);
    g = await startGantry({ role: 'api', env: OUTBOUND });
    owner = g.client(g.ownerToken);
    // Only the worker's events: no flag.updated deliveries from the API node's relay.
    ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'applied schedules', url: receiver.url, events: ['scheduled_change.applied'] },
      }),
    );
    worker = await startWorker();
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await g?.stop();
    await redisLink?.close();
    await receiver?.close();
  });

  /** The schedule's status and its delivery rows, read in one statement (one snapshot). */
  const stateOf = async (id: string) =>
    (
      await g.sql<{ status: string; deliveries: { status: string; attempts: number }[] }>(
        `SELECT sc.status,
                COALESCE((SELECT json_agg(json_build_object('status', d.status, 'attempts', d.attempts))
                          FROM "WebhookDelivery" d WHERE d.payload->>'id' = sc.id::text), '[]') AS deliveries
         FROM "ScheduledChange" sc WHERE sc.id = $1::uuid`,
        [id],
      )
    )[0];

  /** What the receiver got for this schedule. */
  const receivedFor = (id: string) =>
    receiver.received
      .map((r) => ({ event: r.headers['x-gantry-event'], body: JSON.parse(r.body) as { data: { id: string } } }))
      .filter((r) => r.body.data.id === id);

  /** The worker's activity lines (AutomationRunner) about one item. */
  const activity = (w: GantryNode, id: string): { outcome: string; jobId: string | null }[] =>
    w
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"context":"automation"'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.id === id);

  async function dueSoon(): Promise<{ id: string; flagKey: string; projectKey: string }> {
    const project = await factory.project(owner, { environments: ['staging'] });
    const flag = await factory.flag(owner, project.key);
    const schedule = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: { projectKey: project.key, flagKey: flag.key, envKey: 'staging' } },
        body: {
          instructions: [{ kind: 'addTargets', variationId: flag.variations[0]._id, values: ['u1'] }],
          executionDate: new Date(Date.now() + DUE_IN_MS).toISOString(),
        },
      }),
    );
    return { id: schedule.id, flagKey: flag.key, projectKey: project.key };
  }

  async function killAt(point: KillPoint) {
    const s = await dueSoon();
    const killed = worker;
    if (point === 'inserting the delivery row') {
      const h = await hold(g.db.url, [{ text: 'LOCK TABLE "WebhookDelivery" IN SHARE MODE' }]);
      const pids = await waitingOn(g.sql, h, { queryLike: '%INSERT INTO%WebhookDelivery%' });
      await killed.kill();
      await h.release();
      await backendsEnded(g.sql, pids);
      // Nothing of the run committed: not the change without its event, nor the event without the change.
      expect(await stateOf(s.id)).toEqual({ status: 'pending', deliveries: [] });
    } else {
      const h = await hold(g.db.url, [
        { text: `SELECT 1 FROM "ScheduledChange" WHERE id = $1::uuid FOR UPDATE`, params: [s.id] },
      ]);
      await waitingOn(g.sql, h, { queryLike: '%ScheduledChange%' });
      redisLink.blackhole();
      await h.release();
      // The first snapshot in which the change is applied holds its delivery row, not yet sent.
      const seen = await eventually(
        async () => {
          const state = await stateOf(s.id);
          if (state.status !== 'applied') throw new Error(`schedule ${state.status}`);
          return state;
        },
        { timeoutMs: 20_000 },
      );
      expect(seen).toEqual({ status: 'applied', deliveries: [{ status: 'pending', attempts: 0 }] });
      await killed.kill();
      // The dead worker's connections through the proxy have closed before the link heals.
      await eventually(() => expect(redisLink.connections()).toBe(0));
      await redisLink.heal();
      expect(receivedFor(s.id)).toEqual([]);
    }

    worker = await startWorker();
    // Applied once (by the killed worker or this one), its event delivered once.
    await eventually(
      async () =>
        expect(await stateOf(s.id)).toEqual({ status: 'applied', deliveries: [{ status: 'succeeded', attempts: 1 }] }),
      { timeoutMs: 30_000 },
    );
    const [{ n: versions }] = await g.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "FlagVersion" fv JOIN "FlagEnvironment" fe ON fe.id = fv."flagEnvironmentId"
       JOIN "Flag" f ON f.id = fe."flagId" JOIN "Environment" e ON e.id = fe."environmentId"
       JOIN "Project" p ON p.id = e."projectId"
       WHERE f.key = $1 AND p.key = $2 AND e.key = 'staging'`,
      [s.flagKey, s.projectKey],
    );
    expect(versions).toBe(2);
    // The killed worker's job, found stalled, ran again in the new worker and did nothing more.
    await eventually(
      () => {
        if (!activity(worker, s.id).some((l) => l.jobId !== null))
          throw new Error('the killed worker’s scheduled-change job has not run again yet');
      },
      { timeoutMs: 30_000 },
    );
    expect(receivedFor(s.id).map((r) => r.event)).toEqual(['scheduled_change.applied']);
    expect((await stateOf(s.id)).deliveries).toEqual([{ status: 'succeeded', attempts: 1 }]);
  }

  it.each<KillPoint>(['inserting the delivery row', 'committed, its delivery job not enqueued'])(
    'killed when %s: the event is delivered exactly once, by the next worker',
    (point) => killAt(point),
    CASE_TIMEOUT_MS,
  );
});
