/**
 * GANTRY_ROLE=worker runs the BullMQ workers and no API, but still answers health and metrics so an
 * operator can watch it; GANTRY_ROLE=api runs no workers. A worker stopping says what it drained.
 */
import { startGantry, startSecondNode, type Gantry } from '../support/app-harness';

describe('worker role', () => {
  let gantry: Gantry;

  beforeAll(async () => {
    gantry = await startGantry({ role: 'api' });
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('serves health and metrics only, and runs the jobs the API nodes enqueue', async () => {
    // At info, so the shutdown line is written.
    const worker = await startSecondNode(gantry, { role: 'worker', env: { LOG_LEVEL: 'info' } });
    expect((await worker.raw('GET', '/health/live')).status).toBe(200);
    const ready = await worker.raw('GET', '/health/ready');
    expect([ready.status, ready.body.ready]).toEqual([200, true]);
    const metrics = await worker.raw('GET', '/metrics');
    expect(metrics.text).toContain('gantry_queue_jobs');
    expect((await worker.raw('GET', '/api/v1/me', { token: gantry.ownerToken })).status).toBe(404);

    // The API node (no workers of its own) enqueues; the worker process runs the job.
    const started = await gantry.raw('POST', '/api/v1/audit-log/verifications', { token: gantry.ownerToken });
    expect(started.status).toBe(201);
    let view = started.body;
    for (let i = 0; i < 200 && view.state !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = (
        await gantry.raw('GET', `/api/v1/audit-log/verifications/${started.body.id}`, { token: gantry.ownerToken })
      ).body;
    }
    expect(view).toMatchObject({ state: 'completed', result: { ok: true } });

    // Stopping waits for the jobs in hand and says what each queue finished meanwhile.
    await worker.stop();
    const closed = worker
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"msg":"workers closed"'))
      .map((l) => JSON.parse(l));
    expect(closed).toEqual([
      expect.objectContaining({
        drained: {
          maintenance: { completed: 0, failed: 0 },
          webhooks: { completed: 0, failed: 0 },
          changes: { completed: 0, failed: 0 },
        },
        durationMs: expect.any(Number),
      }),
    ]);
  });
});
