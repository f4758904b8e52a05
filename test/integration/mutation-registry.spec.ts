/**
 * The mutation registry (src/core/policy/mutation-registry.ts) is complete and current: every
 * POST/PUT/PATCH/DELETE route of the live Fastify router, every field of the GraphQL Mutation type
 * and every job name has exactly one entry, and every entry still exists. And every REST entry that
 * takes an access token refuses a call without one (401), so no mutating endpoint is left open.
 *
 * The live operations come from the real application built in a Node process of its own
 * (test/support/live-operations.ts: NestJS 12 is ES modules only, which jest cannot load).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MUTATION_REGISTRY } from '../../src/core/policy/mutation-registry';
import { startGantry, type Gantry } from '../support/app-harness';
import {
  describeDiff,
  GRAPHQL_PATH,
  liveOperationKeys,
  PROBE_OPERATION,
  registryDiff,
  type LiveOperations,
} from '../support/mutation-registry-check';
import { DEFAULT_TEST_REDIS_URL } from '../support/test-database';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

jest.setTimeout(180_000);

/** Runs live-operations.ts over this test's database, with a Redis prefix under the test's own. */
async function collectLiveOperations(g: Gantry): Promise<LiveOperations> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-registry-'));
  const out = path.join(dir, 'live.json');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(GANTRY_|DATABASE_|REDIS_|PORT$|HOST$|LOG_LEVEL$)/.test(k)),
  );
  try {
    await run(
      process.execPath,
      [
        '-r',
        path.join(ROOT, 'test', 'support', 'ts-register-cached.js'),
        path.join(ROOT, 'test', 'support', 'live-operations.ts'),
        out,
      ],
      {
        cwd: ROOT,
        timeout: 120_000,
        env: {
          ...inherited,
          NODE_ENV: 'test',
          DATABASE_URL: g.db.url,
          REDIS_URL: process.env.GANTRY_TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL,
          GANTRY_REDIS_PREFIX: `${g.redisPrefix}_live`,
          DATABASE_POOL_SIZE: '3',
          LOG_LEVEL: 'silent',
        },
      },
    );
    return JSON.parse(fs.readFileSync(out, 'utf8')) as LiveOperations;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `/api/v1/projects/{projectKey}` with a dummy value for every parameter (auth comes before any pipe). */
const dummyPath = (p: string) => p.replace(/\{[^}]+\}/g, 'registry-dummy');

describe('the mutation registry', () => {
  let g: Gantry;
  let live: LiveOperations;
  let keys: string[];

  beforeAll(async () => {
    g = await startGantry();
    live = await collectLiveOperations(g);
    keys = liveOperationKeys(live);
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('sees what the live application serves, so it cannot pass by comparing nothing', () => {
    // The probe route is added to the live router on every run, like any route: it must be reported.
    expect(keys).toContain(PROBE_OPERATION);
    expect(registryDiff(keys).missing).toEqual([PROBE_OPERATION]);
    // A made-up mutation or job is reported too; a removed route leaves its entry stale.
    const patchFlag = 'rest PATCH /api/v1/projects/{projectKey}/flags/{flagKey}';
    const diff = registryDiff([...keys.filter((k) => k !== patchFlag), 'graphql fakeMutation', 'job fake.job']);
    expect(diff.missing).toEqual(expect.arrayContaining(['graphql fakeMutation', 'job fake.job']));
    expect(diff.stale).toEqual([patchFlag]);
    expect(describeDiff(diff)).toContain(`+ graphql fakeMutation`);
    expect(describeDiff(diff)).toContain(`- ${patchFlag}`);
    // Each surface was actually read.
    expect(live.routes).toContainEqual({ method: 'POST', url: GRAPHQL_PATH });
    expect(live.mutations).toEqual(expect.arrayContaining(['patchFlag', 'applyChangeRequest']));
    expect(live.jobs.handlers).toEqual(expect.arrayContaining(['release.step', 'scheduled-change.apply']));
    expect([...live.jobs.handlers].sort()).toEqual([...live.jobs.declared].sort());
  });

  it('lists every mutating operation the application serves, and only those', () => {
    const message = describeDiff(registryDiff(keys.filter((k) => k !== PROBE_OPERATION)));
    if (message) throw new Error(message);
    expect(message).toBe('');
  });

  it('refuses every REST mutation without an access token (401), apart from those with their own credential', async () => {
    const byToken = MUTATION_REGISTRY.filter((e) => e.surface === 'rest' && !e.credential);
    expect(byToken.length).toBeGreaterThan(50);
    const answers = await Promise.all(
      byToken.map(async (e) => {
        const [method, route] = e.operation.split(' ');
        const res = await g.raw<{ code?: string }>(method, dummyPath(route));
        return { operation: e.operation, status: res.status, code: res.body?.code };
      }),
    );
    expect(answers.filter((a) => a.status !== 401 || a.code !== 'auth/unauthenticated')).toEqual([]);
  });

  it('authenticates the SDK routes by SDK key, the relay routes by relay credential and a trigger URL by its secret', async () => {
    for (const e of MUTATION_REGISTRY.filter((x) => x.credential === 'sdk-key')) {
      const [method, route] = e.operation.split(' ');
      const res = await g.raw(method, dummyPath(route), { token: g.ownerToken, body: {} });
      // An access token is not an SDK key.
      expect([e.operation, res.status]).toEqual([e.operation, 401]);
    }
    // Nor is it a relay credential.
    for (const e of MUTATION_REGISTRY.filter((x) => x.credential === 'relay-credential')) {
      const [method, route] = e.operation.split(' ');
      const res = await g.raw<{ code?: string }>(method, dummyPath(route), { token: g.ownerToken, body: {} });
      expect([e.operation, res.status, res.body?.code]).toEqual([e.operation, 401, 'relay/invalid_credential']);
    }
    const [trigger] = MUTATION_REGISTRY.filter((x) => x.credential === 'trigger-secret');
    const [method, route] = trigger.operation.split(' ');
    const res = await g.raw<{ code: string }>(method, dummyPath(route), { body: {} });
    expect([res.status, res.body.code]).toEqual([404, 'trigger/not_found']);
  });
});
