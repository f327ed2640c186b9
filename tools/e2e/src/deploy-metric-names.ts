import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

/**
 * The series names the committed Grafana dashboard and Prometheus alert rules select, read
 * with the Prometheus project's own PromQL grammar. platform-observability's deploy-files test
 * checks them (and their labels) against a service's registry; the e2e test checks the names
 * against running services.
 */
const DEPLOY = join(import.meta.dirname, '..', '..', '..', 'deploy', 'observability');

const selectedNames = (expr: string): string[] => {
  // Grafana's interval variables are not PromQL.
  const promql = expr.replace(/\$__(rate_interval|interval|range)/g, '5m');
  const names: string[] = [];
  parser.parse(promql).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL does not parse at ${node.from}: ${promql}`);
      if (node.name !== 'VectorSelector') return;
      const metric = node.node.getChild('Identifier');
      if (metric) names.push(promql.slice(metric.from, metric.to));
    },
  });
  return names;
};

export const metricNamesOfDeployFiles = (): Set<string> => {
  const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'govern-overview.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
  const alerts = parseYaml(readFileSync(join(DEPLOY, 'prometheus', 'govern-alerts.yml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
  const expressions = [...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)), ...alerts.groups.flatMap((group) => group.rules.map((rule) => rule.expr))];
  return new Set(expressions.flatMap(selectedNames));
};
