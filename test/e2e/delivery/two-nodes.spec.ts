/**
 * Scale-out: two Gantry processes on one database and one Redis prefix. A change committed through
 * one node's management API reaches an SDK stream held on the other node (outbox -> Redis -> every
 * node's snapshot -> its streams), with SSE ids that are the environment's revisions.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, type Flag } from '../../support/factories';
import { openSse, sseJson, type SseStream } from '../../support/sse';

const P = 'scale';
const E = 'production';

describe('two nodes', () => {
  let nodeA: Gantry;
  let nodeB: GantryNode;
  let api: ApiClient;
  let sdkKey: string;
  let flag: Flag;
  const streams: SseStream[] = [];

  beforeAll(async () => {
    nodeA = await startGantry();
    nodeB = await startSecondNode(nodeA);
    api = nodeA.client(nodeA.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    sdkKey = await sdkKeyOf(api, P, E);
    flag = await factory.flag(api, P, {
      key: 'rollout',
      variations: ['old', 'new'],
      defaults: { onVariation: 1, offVariation: 0 },
    });
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    await nodeA?.stop(); // stops node B first
  });

  const open = async (node: { baseUrl: string }, lastEventId?: string) => {
    const s = await openSse(node.baseUrl, sdkKey, { lastEventId });
    streams.push(s);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return s;
  };

  it('the second node started on the existing deployment without printing an owner token', async () => {
    expect(nodeB.stdout()).not.toContain(nodeA.ownerToken);
    expect(nodeB.stdout()).not.toMatch(/owner access token/i);
    // It serves the same data: node A's token works on node B.
    const me = await nodeB.raw('GET', '/api/v1/me', { token: nodeA.ownerToken });
    expect(me.status).toBe(200);
  });

  it('a change written through node A reaches a stream held on node B as a patch with a later revision', async () => {
    const stream = await open(nodeB);
    const put = await stream.next((e) => e.event === 'put');
    const putRevision = Number(put.id);
    expect(Number.isInteger(putRevision)).toBe(true);
    expect(sseJson(put).data.flags.rollout).toMatchObject({ key: 'rollout', on: false, version: 1 });

    const changed = await factory.patchFlag(api, P, 'rollout', {
      environmentKey: E,
      instructions: [{ kind: 'turnFlagOn' }],
    });
    const patch = await stream.next((e) => e.event === 'patch');
    expect(Number(patch.id)).toBeGreaterThan(putRevision);
    expect(sseJson(patch)).toMatchObject({
      path: '/flags/rollout',
      data: { key: 'rollout', on: true, version: changed.environments[E].version },
    });

    // Node B evaluates with it too.
    const ofrep = await eventually(async () => {
      const res = await nodeB.raw('POST', '/ofrep/v1/evaluate/flags/rollout', {
        headers: { authorization: `Bearer ${sdkKey}` },
        body: { context: { targetingKey: 'u1' } },
      });
      expect(res.body).toMatchObject({ value: 'new', reason: 'STATIC' });
      return res;
    });
    expect(ofrep.status).toBe(200);
  });

  it('changes written alternately through both nodes reach streams on both, in revision order', async () => {
    const onA = await open(nodeA);
    const onB = await open(nodeB);
    const putA = await onA.next((e) => e.event === 'put');
    const putB = await onB.next((e) => e.event === 'put');
    expect(putA.id).toBe(putB.id);

    const apiB = nodeB.client(nodeA.ownerToken);
    const seg = await factory.segment(apiB, P, E, { key: 'testers', included: ['t1'] }); // via B
    const targeted = await factory.patchFlag(api, P, 'rollout', {
      environmentKey: E,
      instructions: [{ kind: 'addTargets', values: ['t9'], variationId: flag.variations[0]._id }],
    }); // via A
    const segment2 = await factory.patchSegment(apiB, P, E, 'testers', {
      instructions: [{ kind: 'addIncludedTargets', values: ['t2'] }],
    }); // via B

    for (const stream of [onA, onB]) {
      const events = [await stream.next(), await stream.next(), await stream.next()];
      expect(events.map((e) => [e.event, sseJson(e).path])).toEqual([
        ['patch', '/segments/testers'],
        ['patch', '/flags/rollout'],
        ['patch', '/segments/testers'],
      ]);
      const ids = events.map((e) => Number(e.id));
      expect(ids).toEqual([Number(putA.id) + 1, Number(putA.id) + 2, Number(putA.id) + 3]);
      expect(sseJson(events[0]).data).toMatchObject({ key: 'testers', version: seg.version, included: ['t1'] });
      expect(sseJson(events[1]).data).toMatchObject({ key: 'rollout', version: targeted.environments[E].version });
      expect(sseJson(events[2]).data).toMatchObject({
        key: 'testers',
        version: segment2.version,
        included: ['t1', 't2'],
      });
    }
  });

  it('a stream resumed on the other node with Last-Event-ID gets only what it missed', async () => {
    const onA = await open(nodeA);
    const put = await onA.next((e) => e.event === 'put');
    onA.close();
    await factory.patchFlag(api, P, 'rollout', { environmentKey: E, instructions: [{ kind: 'turnFlagOff' }] });

    // Node B must have applied the change before it can replay it; until then it sends a put.
    const resumed = await eventually(async () => {
      const s = await open(nodeB, put.id);
      const first = await s.next();
      if (first.event !== 'patch') {
        s.close();
        throw new Error(`expected the missed patch first, got ${first.event} ${first.id}`);
      }
      return { s, first };
    });
    expect(resumed.first.id).toBe(String(Number(put.id) + 1));
    expect(sseJson(resumed.first)).toMatchObject({ path: '/flags/rollout', data: { on: false } });
  });
});
