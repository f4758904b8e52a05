/**
 * What the trigger e2e specs (triggers.spec.ts, trigger-refusals.spec.ts) share: a node with
 * request logging on (trigger URLs are credentials and must never reach the logs), a project with
 * a critical production, a writer, a reader and an admin; the calls that create, read and fire
 * triggers; and the check that no secret handed out in the file leaked into a read, the audit log,
 * the logs or the database.
 */
import { startGantry, type ApiClient, type Gantry, type RawRequest } from './app-harness';
import { factory, ok, type Project, type Schemas } from './factories';
import { memberWithToken } from './governance';

export type CreatedTrigger = Schemas['CreatedTriggerDto'];
export type FireResult = Schemas['TriggerFireResultDto'];
export type Problem = Schemas['ProblemDto'];
type Member = Awaited<ReturnType<typeof memberWithToken>>;

export const triggersPath = '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers' as const;
export const triggerPath = '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers/{id}' as const;

/** The node a trigger spec runs against: started before its tests (its fields are set then), stopped after. */
export class TriggerNode {
  g!: Gantry;
  owner!: ApiClient;
  project!: Project;
  writer!: Member;
  reader!: Member;
  admin!: Member;
  /** Every secret handed out in the spec, to check none leaks into reads or the audit log. */
  readonly secrets: string[] = [];

  ids(flagKey: string, envKey = 'staging') {
    return { projectKey: this.project.key, flagKey, envKey };
  }

  createCall(api: ApiClient, flagKey: string, body: Schemas['CreateTriggerDto'], envKey = 'staging') {
    return api.POST(triggersPath, { params: { path: this.ids(flagKey, envKey) }, body });
  }

  async createTrigger(
    api: ApiClient,
    flagKey: string,
    body: Schemas['CreateTriggerDto'],
    envKey = 'staging',
  ): Promise<CreatedTrigger> {
    const created = ok(await this.createCall(api, flagKey, body, envKey));
    this.secrets.push(created.secret);
    return created;
  }

  async getTrigger(flagKey: string, id: string, envKey = 'staging') {
    return ok(await this.owner.GET(triggerPath, { params: { path: { ...this.ids(flagKey, envKey), id } } }));
  }

  /** POST to a trigger URL, as a CI job or a monitoring tool would: no token. */
  fire(url: string, request: RawRequest = {}) {
    return this.g.raw<FireResult & Problem>('POST', new URL(url).pathname, request);
  }

  /** Every trigger of every flag as listed and read, and the whole audit log, as text. */
  async readsAndAudit(): Promise<string> {
    const texts: string[] = [];
    for (const envKey of ['staging', 'production']) {
      const flags = ok(
        await this.owner.GET('/api/v1/projects/{projectKey}/flags', {
          params: { path: { projectKey: this.project.key }, query: { limit: 200 } },
        }),
      ).items;
      for (const f of flags) {
        const listed = ok(await this.owner.GET(triggersPath, { params: { path: this.ids(f.key, envKey) } }));
        texts.push(JSON.stringify(listed));
        for (const t of listed.items) texts.push(JSON.stringify(await this.getTrigger(f.key, t.id, envKey)));
      }
    }
    let cursor: string | null | undefined;
    do {
      const page = ok(
        await this.owner.GET('/api/v1/audit-log', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }),
      );
      texts.push(JSON.stringify(page.items));
      cursor = page.next;
    } while (cursor);
    return texts.join('\n');
  }
}

export function triggerNode(): TriggerNode {
  const node = new TriggerNode();
  beforeAll(async () => {
    // Request logging on, to check that trigger URLs (credentials) never reach the logs.
    node.g = await startGantry({ env: { LOG_LEVEL: 'info' } });
    node.owner = node.g.client(node.g.ownerToken);
    node.project = await factory.project(node.owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    [node.writer, node.reader, node.admin] = await Promise.all([
      memberWithToken(node.g, node.owner, 'writer'),
      memberWithToken(node.g, node.owner, 'reader'),
      memberWithToken(node.g, node.owner, 'admin'),
    ]);
  });
  afterAll(() => node.g?.stop());
  return node;
}

/** The spec's last test: none of the `atLeast` secrets it was handed (or more) is in a read, the audit log, the logs or the database. */
export function itLeavesNoSecret(node: TriggerNode, atLeast: number): void {
  it('the secret appears in no read and no audit entry', async () => {
    expect(node.secrets.length).toBeGreaterThanOrEqual(atLeast);
    const all = await node.readsAndAudit();
    expect(all).toContain('createTrigger');
    for (const secret of node.secrets) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.slice(4, 24));
    }
    const logs = node.g.stdout();
    expect(logs).toContain('/api/v1/triggers/[redacted]');
    for (const secret of node.secrets) expect(logs).not.toContain(secret.slice(4, 24));
    const stored = await node.g.sql<{ secretHash: string }>('SELECT "secretHash" FROM "Trigger"');
    expect(stored.length).toBeGreaterThanOrEqual(atLeast);
    for (const row of stored) expect(node.secrets).not.toContain(row.secretHash);
  });
}
