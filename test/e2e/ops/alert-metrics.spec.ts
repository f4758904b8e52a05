/**
 * The alert rules, the dashboard and the runbook name only metrics a running Gantry exposes, with
 * label names it puts on them: an API node, a worker and an edge are started and their /metrics
 * read, so renaming a metric in the code without ops/ (or the reverse) fails here.
 */
import { startEdge, startGantry, startSecondNode, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory } from '../../support/factories';
import { alertRules, dashboardExprs, RUNBOOK, selectors, type Selector } from '../../support/ops-files';
import fs from 'node:fs';

const P = 'opsmetrics';
const E = 'production';

/** Labels Prometheus adds when it scrapes (job, instance) or that histograms carry (le). */
const SCRAPE_LABELS = new Set(['job', 'instance', 'le']);

interface Exposition {
  /** Every series name a scrape can contain (a histogram's _bucket, _sum and _count). */
  names: Set<string>;
  /** Label names seen on the samples of each series name. */
  labels: Map<string, Set<string>>;
}

function parseExposition(texts: string[]): Exposition {
  const names = new Set<string>();
  const labels = new Map<string, Set<string>>();
  for (const text of texts) {
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      names.add(name);
      if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
    }
    for (const [, name, body] of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\} /gm)) {
      const seen = labels.get(name) ?? new Set<string>();
      for (const [, label] of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) seen.add(label);
      labels.set(name, seen);
    }
  }
  return { names, labels };
}

describe('metrics named in ops/', () => {
  let gantry: Gantry;
  let worker: GantryNode;
  let edge: GantryNode;
  let exposed: Exposition;

  beforeAll(async () => {
    gantry = await startGantry({ role: 'api' });
    worker = await startSecondNode(gantry, { role: 'worker' });
    const api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    await factory.flag(api, P, { key: 'f' });
    const relayToken = (
      await gantry.raw<{ token: string }>('POST', '/api/v1/relay-credentials', {
        token: gantry.ownerToken,
        body: { name: 'edge', scope: [{ project: P, environments: ['*'] }] },
      })
    ).body.token;
    edge = await startEdge(gantry, gantry.baseUrl, relayToken);
    await eventually(async () => expect((await edge.raw('GET', '/health/ready')).status).toBe(200), {
      timeoutMs: 20_000,
    });
    // A change the edge receives, so snapshot and propagation series have samples.
    await factory.patchFlag(api, P, 'f', { environmentKey: E, instructions: [{ kind: 'turnFlagOn' }] });
    const texts = await eventually(
      async () => {
        const t = await Promise.all([gantry, worker, edge].map(async (n) => (await n.raw('GET', '/metrics')).text));
        expect(t.join('\n')).toMatch(/^gantry_snapshot_revision\{environment="[^"]+"\} [1-9]/m);
        return t;
      },
      { timeoutMs: 20_000 },
    );
    exposed = parseExposition(texts);
  }, 90_000);

  afterAll(async () => {
    await gantry?.stop();
  });

  const used = (exprs: string[]): Selector[] => exprs.flatMap(selectors);

  it('every metric of the alert rules is exposed by an API node, a worker or an edge', () => {
    const sel = used(alertRules().map((r) => r.expr));
    expect(sel.length).toBeGreaterThan(15);
    expect([...new Set(sel.map((s) => s.metric))].filter((m) => !exposed.names.has(m))).toEqual([]);
  });

  it('every metric of the dashboard is exposed', () => {
    const sel = used(dashboardExprs());
    expect(sel.length).toBeGreaterThan(20);
    expect([...new Set(sel.map((s) => s.metric))].filter((m) => !exposed.names.has(m))).toEqual([]);
  });

  it('every metric the runbook names is exposed', () => {
    const named = [...fs.readFileSync(RUNBOOK, 'utf8').matchAll(/\b(gantry_[a-z0-9_]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(15);
    expect([...new Set(named)].filter((m) => !exposed.names.has(m))).toEqual([]);
  });

  it('the labels the rules and the dashboard match on are labels those metrics carry', () => {
    const sel = used([...alertRules().map((r) => r.expr), ...dashboardExprs()]);
    const wrong: string[] = [];
    let checked = 0;
    for (const { metric, labels } of sel) {
      const seen = exposed.labels.get(metric);
      // A labelled series appears once something was counted; what has no sample yet cannot be compared.
      if (!seen) continue;
      for (const label of labels.filter((l) => !SCRAPE_LABELS.has(l))) {
        checked++;
        if (!seen.has(label)) wrong.push(`${metric}{${label}}`);
      }
    }
    expect(wrong).toEqual([]);
    // The ones the alerts depend on most have samples from the start (zero-initialised or always set).
    for (const m of [
      'gantry_audit_chain_verifications_total',
      'gantry_webhook_delivery_attempts_total',
      'gantry_automation_total',
      'gantry_queue_jobs',
      'gantry_http_request_duration_seconds_count',
      'gantry_snapshot_revision',
    ])
      expect([m, exposed.labels.has(m)]).toEqual([m, true]);
    expect(checked).toBeGreaterThan(10);
  });
});
