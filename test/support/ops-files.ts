/**
 * What ops/ ships next to Gantry, read for the tests that keep it honest: the alert rules, their
 * promtool tests, the runbook and the Grafana dashboard (test/integration/ops-rules.spec.ts,
 * test/e2e/ops/alert-metrics.spec.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const OPS = path.join(__dirname, '..', '..', 'ops');
export const RULES = path.join(OPS, 'prometheus', 'gantry-alerts.yml');
export const RULE_TESTS = path.join(OPS, 'prometheus', 'gantry-alerts.test.yml');
export const RUNBOOK = path.join(OPS, 'RUNBOOK.md');
export const DASHBOARD = path.join(OPS, 'grafana', 'gantry-dashboard.json');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleTest {
  name: string;
  alert_rule_test?: { alertname: string; eval_time: string; exp_alerts: unknown[] }[];
}

export function alertRules(): AlertRule[] {
  const doc = parse(fs.readFileSync(RULES, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

export function ruleTests(): RuleTest[] {
  return (parse(fs.readFileSync(RULE_TESTS, 'utf8')) as { tests: RuleTest[] }).tests;
}

export interface DashboardPanel {
  title: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
  panels?: DashboardPanel[];
}

export interface Dashboard {
  __inputs?: { name: string; type: string; pluginId?: string }[];
  schemaVersion: number;
  title: string;
  uid: string;
  panels: DashboardPanel[];
  templating?: { list: { name: string; query?: unknown; datasource?: unknown }[] };
}

export function dashboard(): Dashboard {
  return JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as Dashboard;
}

/** Every panel, rows' children included. */
export function dashboardPanels(d: Dashboard = dashboard()): DashboardPanel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function dashboardExprs(d: Dashboard = dashboard()): string[] {
  return dashboardPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

/**
 * A dashboard expression as plain PromQL: Grafana's variables replaced by values of the same kind,
 * so promtool can parse it.
 */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\{?[A-Za-z_]+\}?/g, 'x');
}

/** A selector's metric name and the label names it matches on, for every `gantry_…` selector in PromQL. */
export interface Selector {
  metric: string;
  labels: string[];
}

export function selectors(expr: string): Selector[] {
  const found: Selector[] = [];
  for (const m of expr.matchAll(/\b(gantry_[a-z0-9_]+)\s*(\{([^}]*)\})?/g)) {
    const labels = [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((l) => l[1]);
    found.push({ metric: m[1], labels });
  }
  return found;
}
