/**
 * ops/: the alert rules are valid and pass their promtool unit tests, every alert has a test that
 * fires it and one that does not, a severity, a summary and a runbook section that exists; the
 * dashboard is importable (a DS_PROMETHEUS input, every panel on it) and its queries parse.
 *
 * promtool comes from Debian's `prometheus` package (.ci/run installs it when missing); without it
 * this test fails, it does not skip.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import {
  alertRules,
  dashboard,
  dashboardExprs,
  dashboardPanels,
  RULE_TESTS,
  RULES,
  ruleTests,
  RUNBOOK,
  withoutGrafanaVariables,
} from '../support/ops-files';

const run = promisify(execFile);

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT')
      throw new Error('promtool not found: apt-get install -y prometheus (.ci/run does)', { cause: e });
    throw new Error(`promtool ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`, { cause: e });
  }
}

describe('ops/prometheus alert rules', () => {
  const rules = alertRules();

  it('are valid rules (promtool check rules)', async () => {
    const out = await promtool('check', 'rules', RULES);
    expect(out).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('pass their unit tests (promtool test rules)', async () => {
    expect(await promtool('test', 'rules', RULE_TESTS)).toContain('SUCCESS');
  });

  it('each have a test in which they fire and one in which they do not', () => {
    const cases = ruleTests().flatMap((t) => t.alert_rule_test ?? []);
    const missing = rules.flatMap((r) => {
      const own = cases.filter((c) => c.alertname === r.alert);
      return [
        ...(own.some((c) => c.exp_alerts.length > 0) ? [] : [`${r.alert}: no test where it fires`]),
        ...(own.some((c) => c.exp_alerts.length === 0) ? [] : [`${r.alert}: no test where it does not fire`]),
      ];
    });
    expect(missing).toEqual([]);
  });

  it('each carry a severity, a summary, a description and a runbook section that exists', () => {
    const runbook = fs.readFileSync(RUNBOOK, 'utf8');
    // GitHub's anchors: the heading text, lower-cased.
    const anchors = new Set([...runbook.matchAll(/^##+\s+(.+)$/gm)].map((m) => m[1].trim().toLowerCase()));
    const problems = rules.flatMap((r) => {
      const p: string[] = [];
      if (!['warning', 'critical'].includes(r.labels?.severity)) p.push(`${r.alert}: severity`);
      if (!r.annotations?.summary || !r.annotations?.description) p.push(`${r.alert}: summary/description`);
      const anchor = r.alert.toLowerCase();
      if (r.annotations?.runbook_url !== `ops/RUNBOOK.md#${anchor}`) p.push(`${r.alert}: runbook_url`);
      if (!anchors.has(anchor)) p.push(`${r.alert}: no "## ${r.alert}" section in ops/RUNBOOK.md`);
      return p;
    });
    expect(problems).toEqual([]);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });
});

describe('ops/grafana dashboard', () => {
  const d = dashboard();

  it('is importable: a Prometheus datasource input that every panel and query uses', () => {
    expect(d.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    ]);
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    const queried = dashboardPanels(d).filter((p) => p.type !== 'row');
    expect(queried.length).toBeGreaterThan(10);
    const offSource = queried.filter(
      (p) => p.datasource?.uid !== '${DS_PROMETHEUS}' || !p.targets?.length || p.targets.some((t) => !t.expr),
    );
    expect(offSource.map((p) => p.title)).toEqual([]);
  });

  it('has queries that parse as PromQL (checked by promtool as recording rules)', async () => {
    const exprs = dashboardExprs(d);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-dash-')), 'dashboard-queries.yml');
    fs.writeFileSync(
      file,
      stringify({
        groups: [
          {
            name: 'dashboard',
            rules: exprs.map((e, i) => ({ record: `dashboard:query_${i}`, expr: withoutGrafanaVariables(e) })),
          },
        ],
      }),
    );
    expect(await promtool('check', 'rules', file)).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});
