import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { METRICS, type MetricSpec } from './metrics/catalogue';
import { parseExposition } from './metrics/exposition-parser';
import { createServiceMetrics } from './metrics/service-metrics';

/**
 * The dashboard and alert rules under deploy/observability/ may only name series a service
 * exposes, with labels those series have: each PromQL expression is parsed with the
 * Prometheus project's own grammar (@prometheus-io/lezer-promql) and its selectors checked
 * against a real scrape of `createServiceMetrics` (the catalogue plus prom-client's process
 * metrics). The wiring phase checks the same names on a running service.
 */
const DEPLOY = join(import.meta.dirname, '..', '..', '..', '..', 'deploy', 'observability');
const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'govern-overview.json'), 'utf8')) as { panels: Panel[]; templating: { list: { name: string; query?: unknown }[] } };
const alerts = parseYaml(readFileSync(join(DEPLOY, 'prometheus', 'govern-alerts.yml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] };

interface Panel {
  id: number;
  title: string;
  type: string;
  targets?: { expr: string; refId: string }[];
}
interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

/** Labels Prometheus adds to every scraped series (scrape job and Kubernetes discovery). */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'container'];
/** Series Prometheus itself makes for each target. */
const SYNTHETIC: Record<string, string[]> = { up: [] };

/** Series name → label names, from a scrape of a service's registry with every source wired. */
const exposedLabels = async (): Promise<Map<string, Set<string>>> => {
  const metrics = createServiceMetrics({ serviceName: 'content' });
  const families = parseExposition(await metrics.text());
  const labels = new Map<string, Set<string>>();
  const add = (name: string, names: Iterable<string>): void => {
    const set = labels.get(name) ?? new Set(TARGET_LABELS);
    for (const n of names) set.add(n);
    labels.set(name, set);
  };
  for (const family of families.values()) {
    add(family.name, ['service']);
    for (const sample of family.samples) add(sample.name, Object.keys(sample.labels));
    const spec = (Object.values(METRICS) as MetricSpec[]).find((m) => m.name === family.name);
    if (spec?.type === 'histogram') {
      add(`${family.name}_bucket`, [...spec.labelNames, 'service', 'le']);
      for (const suffix of ['_sum', '_count']) add(`${family.name}${suffix}`, [...spec.labelNames, 'service']);
    } else if (spec) add(family.name, spec.labelNames);
  }
  for (const [name, names] of Object.entries(SYNTHETIC)) add(name, names);
  return labels;
};

interface Selector {
  metric: string;
  labels: string[];
}

/** Grafana's interval variables become a duration; `$service` only appears inside label strings. */
const grafanaToPromQL = (expr: string): string => expr.replace(/\$__(rate_interval|interval|range)/g, '5m');

const selectorsOf = (expr: string): Selector[] => {
  const promql = grafanaToPromQL(expr);
  const tree = parser.parse(promql);
  const selectors: Selector[] = [];
  const errors: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: ${promql.slice(Math.max(0, node.from - 20), node.to + 20)}`);
      if (node.name !== 'VectorSelector') return;
      const metric = node.node.getChild('Identifier');
      const labels: string[] = [];
      node.node.getChild('LabelMatchers')?.cursor().iterate((inner) => {
        if (inner.name === 'LabelName') labels.push(promql.slice(inner.from, inner.to));
      });
      selectors.push({ metric: metric ? promql.slice(metric.from, metric.to) : '', labels });
    },
  });
  expect(errors, `PromQL does not parse: ${expr}`).toEqual([]);
  return selectors;
};

const checkExpression = (where: string, expr: string, exposed: Map<string, Set<string>>): string[] => {
  const problems: string[] = [];
  for (const { metric, labels } of selectorsOf(expr)) {
    const known = exposed.get(metric);
    if (!known) problems.push(`${where}: unknown series ${metric || '(a selector without a metric name)'}`);
    else for (const label of labels) if (!known.has(label)) problems.push(`${where}: ${metric} has no label ${label}`);
  }
  return problems;
};

describe('deploy/observability/grafana/govern-overview.json', () => {
  const panels = dashboard.panels.filter((p) => p.type !== 'row');

  it('uses only series and labels a service exposes', async () => {
    const exposed = await exposedLabels();
    const problems = panels.flatMap((panel) => (panel.targets ?? []).flatMap((t) => checkExpression(`panel "${panel.title}" ${t.refId}`, t.expr, exposed)));
    for (const variable of dashboard.templating.list) {
      const query = typeof variable.query === 'object' && variable.query !== null ? (variable.query as { query: string }).query : undefined;
      const match = query ? /^label_values\((\w+),\s*(\w+)\)$/.exec(query) : null;
      if (query && !match) problems.push(`variable ${variable.name}: unexpected query ${query}`);
      if (match && !exposed.get(match[1] as string)?.has(match[2] as string)) problems.push(`variable ${variable.name}: ${match[1]} has no label ${match[2]}`);
    }
    expect(problems).toEqual([]);
  });

  it('shows calls, errors, latency, outbox age, consumer lag, dead letters and cascade settle time', () => {
    const used = new Set(panels.flatMap((p) => (p.targets ?? []).flatMap((t) => selectorsOf(t.expr).map((s) => s.metric))));
    for (const series of [
      'grpc_server_handled_total',
      'grpc_server_handling_seconds_bucket',
      'govern_outbox_oldest_unpublished_age_seconds',
      'govern_consumer_lag_messages',
      'govern_dlq_messages',
      'govern_cascade_settle_seconds_bucket',
    ]) {
      expect(used, series).toContain(series);
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });
});

describe('deploy/observability/prometheus/govern-alerts.yml', () => {
  const rules = alerts.groups.flatMap((group) => group.rules);

  it('uses only series and labels a service exposes', async () => {
    const exposed = await exposedLabels();
    expect(rules.flatMap((rule) => checkExpression(`alert ${rule.alert}`, rule.expr, exposed))).toEqual([]);
  });

  it('alerts on a consumer down or lagging, outbox age, dead letters and the error ratio, each with a severity and a description', () => {
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['GovernConsumerDown', 'GovernConsumerLagging', 'GovernOutboxStale', 'GovernDeadLetters', 'GovernServerErrorRatioHigh']));
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
    }
  });
});
