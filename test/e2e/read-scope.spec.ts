/**
 * Read access is as narrow as write access. Two projects (two environments in the first), a token
 * scoped to the first project and one scoped to one of its environments. Every GET route of the
 * OpenAPI document and the GraphQL queries are walked with both: what lies outside a token's scope
 * never appears in what it reads (the JSON text is searched for the other keys and ids), and asking
 * for it by key or id is refused.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok } from '../support/factories';
import { buildSide, fill, paramsFor, UNSCOPED_ROUTES, type Scope, type Side } from '../support/read-scope-sides';
import { turnOn } from '../support/release-plans';

jest.setTimeout(180_000);

const hex = randomBytes(3).toString('hex');
const A = `alpha${hex}`;
const B = `beta${hex}`;
const VIS = `vis${hex}`;
const HID = `hid${hex}`;
const BENV = `benv${hex}`;

const openapi = JSON.parse(fs.readFileSync(path.join(__dirname, '../../openapi/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const GET_ROUTES = Object.entries(openapi.paths)
  .filter(([, methods]) => 'get' in methods)
  .map(([route]) => route);

/** A project-level route reads nothing of one environment: the env token walks it with the visible side only. */
const envOf = (route: string) => route.includes('{envKey}');

describe('read access is as narrow as write access', () => {
  let g: Gantry;
  let owner: ApiClient;
  const sides: Record<'aVis' | 'aHid' | 'b', Side> = {} as never;
  const tokens: Record<Scope, string> = {} as never;

  /** Sides each token may see, and those it must not. */
  const visibleTo = (scope: Scope) => (scope === 'project' ? [sides.aVis, sides.aHid] : [sides.aVis]);
  const hiddenFrom = (scope: Scope) => (scope === 'project' ? [sides.b] : [sides.aHid, sides.b]);
  const forbidden = (scope: Scope) => hiddenFrom(scope).flatMap((s) => s.secrets);
  const leaksIn = (scope: Scope, text: string) => forbidden(scope).filter((secret) => text.includes(secret));

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    await factory.project(owner, { key: A, environments: [VIS, HID] });
    await factory.project(owner, { key: B, environments: [BENV] });
    const fa = await factory.flag(owner, A, { key: `flag-${A}` });
    const faPipe = await factory.flag(owner, A, { key: `piped-${A}` });
    const fb = await factory.flag(owner, B, { key: `flag-${B}` });
    const fbPipe = await factory.flag(owner, B, { key: `piped-${B}` });
    sides.aVis = await buildSide(owner, A, VIS, fa, faPipe);
    sides.aHid = await buildSide(owner, A, HID, fa, faPipe);
    sides.b = await buildSide(owner, B, BENV, fb, fbPipe);
    sides.b.secrets.push(B, fb.key, fbPipe.key);
    // A prerequisite, so GraphQL's nested `prerequisites { flag { environments } }` has something to load.
    await factory.patchFlag(owner, A, fa.key, {
      environmentKey: VIS,
      instructions: [{ kind: 'addPrerequisite', key: faPipe.key, variationId: faPipe.variations[0]._id }],
    });

    for (const [projectKey, envKeys, flag] of [
      [A, [VIS, HID], faPipe],
      [B, [BENV], fbPipe],
    ] as const) {
      ok(
        await owner.POST('/api/v1/projects/{projectKey}/release-pipelines', {
          params: { path: { projectKey } },
          body: {
            key: `pipe-${projectKey}`,
            name: 'Pipeline',
            phases: envKeys.map((environmentKey, i) => ({
              name: `phase ${i + 1}`,
              audiences: [{ environmentKey, strategy: { kind: 'immediate' as const } }],
            })),
          },
        }),
      );
      // The project's default release plan, so GET flags/{f}/release-plan has something to show.
      ok(
        await owner.PUT('/api/v1/projects/{projectKey}/release-plans/{key}', {
          params: { path: { projectKey, key: `pipe-${projectKey}` } },
          body: { default: true },
        }),
      );
      // A plan refuses to start where users would not see it: the flag is on first.
      await turnOn(owner, projectKey, flag.key, [...envKeys]);
      ok(
        await owner.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
          params: { path: { projectKey, flagKey: flag.key } },
          body: { pipelineKey: `pipe-${projectKey}`, variationId: flag.variations[1]._id },
        }),
      );
    }

    const tree = (envPart: string) => [
      `proj/${A}`,
      `proj/${A}:env/${envPart}`,
      `proj/${A}:env/${envPart}:flag/*`,
      `proj/${A}:env/${envPart}:segment/*`,
    ];
    const audit = { effect: 'allow' as const, actions: ['viewAuditLog'], resources: ['audit/*'] };
    tokens.project = (
      await factory.token(owner, {
        name: 'project-scoped',
        inlinePolicy: [{ effect: 'allow', actions: ['*'], resources: tree('*') }, audit],
      })
    ).token;
    tokens.environment = (
      await factory.token(owner, {
        name: 'environment-scoped',
        inlinePolicy: [{ effect: 'allow', actions: ['*'], resources: tree(VIS) }, audit],
      })
    ).token;
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('the walk covers every GET route of the OpenAPI document', () => {
    for (const route of GET_ROUTES) {
      if (UNSCOPED_ROUTES.has(route)) continue;
      expect(() => fill(route, paramsFor(route, sides.aVis))).not.toThrow();
    }
    expect(GET_ROUTES.length).toBeGreaterThan(40);
  });

  it('the setup made something to hide: the owner sees all of it', async () => {
    const text = (await g.raw('GET', `/api/v1/projects/${A}/flags/flag-${A}`, { token: g.ownerToken })).text;
    expect(text).toContain(HID);
    const crs = (await g.raw('GET', '/api/v1/change-requests', { token: g.ownerToken })).text;
    for (const s of Object.values(sides)) expect(crs).toContain(s.changeRequestId);
  });

  describe.each(['project', 'environment'] as const)('a token scoped to one %s', (scope) => {
    it('reads what is in scope (200) without a trace of anything outside it', async () => {
      const problems: string[] = [];
      for (const route of GET_ROUTES) {
        const routeSides = UNSCOPED_ROUTES.has(route) ? [sides.aVis] : visibleTo(scope);
        for (const side of routeSides) {
          if (!envOf(route) && side !== sides.aVis && !UNSCOPED_ROUTES.has(route)) continue;
          const url = fill(
            route,
            UNSCOPED_ROUTES.has(route)
              ? { id: '00000000-0000-4000-8000-000000000000', key: 'x' }
              : paramsFor(route, side),
          );
          const res = await g.raw('GET', `${url}${route === '/api/v1/audit-log' ? '?limit=200' : ''}`, {
            token: tokens[scope],
          });
          const leaks = leaksIn(scope, res.text);
          if (leaks.length) problems.push(`${url} (${res.status}) shows ${leaks.join(', ')}`);
          if (!UNSCOPED_ROUTES.has(route) && res.status !== 200 && !route.endsWith('/metrics/{key}'))
            problems.push(`${url} answered ${res.status}: ${res.text.slice(0, 200)}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('is refused (403 or 404) every route about a project or environment outside its scope', async () => {
      const problems: string[] = [];
      for (const route of GET_ROUTES) {
        if (UNSCOPED_ROUTES.has(route) || !/\{(projectKey|id)\}/.test(route)) continue;
        for (const side of hiddenFrom(scope)) {
          // A project-level route of the token's own project is in scope; only its environment routes are not.
          if (
            side.projectKey === A &&
            !envOf(route) &&
            !route.startsWith('/api/v1/audit-log/') &&
            !route.startsWith('/api/v1/change-requests/')
          )
            continue;
          const url = fill(route, paramsFor(route, side));
          const res = await g.raw('GET', url, { token: tokens[scope] });
          if (res.status !== 403 && res.status !== 404) problems.push(`${url} answered ${res.status}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('lists only what is in scope, in full pages: change requests, awaiting review, audit entries', async () => {
      const crs = await g.raw('GET', '/api/v1/change-requests?limit=1', { token: tokens[scope] });
      expect(crs.status).toBe(200);
      // The newest request overall is in project B: a page of one is still full (filtered in the query).
      expect(crs.body.items).toHaveLength(1);
      expect(crs.body.items[0].id).toBe(visibleTo(scope).at(-1)!.changeRequestId);
      const all = await g.raw('GET', '/api/v1/change-requests?limit=200', { token: tokens[scope] });
      expect(all.body.items.map((c: { id: string }) => c.id).sort()).toEqual(
        visibleTo(scope)
          .map((s) => s.changeRequestId)
          .sort(),
      );
      const awaiting = await g.raw('GET', '/api/v1/change-requests?awaitingMyReview=true&limit=200', {
        token: tokens[scope],
      });
      expect(leaksIn(scope, awaiting.text)).toEqual([]);
      const audit = await g.raw('GET', '/api/v1/audit-log?limit=1', { token: tokens[scope] });
      expect(audit.status).toBe(200);
      expect(audit.body.items).toHaveLength(1);
      const auditAll = await g.raw('GET', '/api/v1/audit-log?limit=200', { token: tokens[scope] });
      expect(auditAll.body.items.length).toBeGreaterThan(0);
      expect(leaksIn(scope, auditAll.text)).toEqual([]);
    });

    it('sees only environments in scope in project and flag views, and no SDK key elsewhere', async () => {
      const project = await g.raw('GET', `/api/v1/projects/${A}`, { token: tokens[scope] });
      expect(project.body.environments.map((e: { key: string }) => e.key).sort()).toEqual(
        visibleTo(scope)
          .map((s) => s.envKey)
          .sort(),
      );
      const projects = await g.raw('GET', '/api/v1/projects', { token: tokens[scope] });
      expect(projects.body.items.map((p: { key: string }) => p.key)).toEqual([A]);
      const flag = await g.raw('GET', `/api/v1/projects/${A}/flags/flag-${A}`, { token: tokens[scope] });
      expect(Object.keys(flag.body.environments).sort()).toEqual(
        visibleTo(scope)
          .map((s) => s.envKey)
          .sort(),
      );
    });

    it('GraphQL queries and nested fields show nothing outside its scope', async () => {
      const NESTED = 'flag { key environments { environmentKey } }';
      const gql = (query: string, variables: Record<string, unknown> = {}) =>
        g.raw('POST', '/graphql', { token: tokens[scope], body: { query, variables } });
      const queries = [
        `{ projects { key environments { key sdkKey mobileKey clientSideId } } }`,
        `{ project(key: "${A}") { key environments { key sdkKey clientSideId } } }`,
        `{ flags(projectKey: "${A}") { key environments { environmentKey on prerequisites { key ${NESTED} } } } }`,
        `{ flag(projectKey: "${A}", key: "flag-${A}") { key environments { environmentKey } } }`,
        `{ changeRequests(limit: 200) { items { id projectKey environmentKey resourceKey } } }`,
        `{ myPendingReviews { id projectKey environmentKey } }`,
        `{ auditLog(limit: 200) { items { id resource } } }`,
        `{ segments(projectKey: "${A}", environmentKey: "${VIS}") { key } }`,
        `{ scheduledChanges(projectKey: "${A}", flagKey: "flag-${A}", environmentKey: "${VIS}") { id } }`,
        `{ releases(projectKey: "${A}", flagKey: "flag-${A}", environmentKey: "${VIS}") { id } }`,
      ];
      const problems: string[] = [];
      for (const query of queries) {
        const res = await gql(query);
        const leaks = leaksIn(scope, res.text);
        if (leaks.length) problems.push(`${query} shows ${leaks.join(', ')}`);
        if (res.body.errors) problems.push(`${query} failed: ${JSON.stringify(res.body.errors).slice(0, 300)}`);
      }
      for (const side of hiddenFrom(scope)) {
        const res = await gql(
          `{ segments(projectKey: "${side.projectKey}", environmentKey: "${side.envKey}") { key } }`,
        );
        if (!res.body.errors) problems.push(`segments of ${side.projectKey}/${side.envKey} answered ${res.text}`);
        const cr = await gql(`{ changeRequest(id: "${side.changeRequestId}") { id } }`);
        if (!cr.body.errors) problems.push(`change request ${side.changeRequestId} answered ${cr.text}`);
      }
      expect(problems).toEqual([]);
    });
  });
});
