import { GOALS, OFFERED_REACHED, type Condition, type GoalSpec, type Measurement, type Stat } from './goals';
import { serviceBudget } from './machine-cpu';

/**
 * Turns a run's measurements into the one table the bench prints (and writes as JSON): each row
 * with its floor, the ratio to it, the goal and whether it was met. Pure.
 */
export type Verdict = 'met' | 'NOT met' | 'not judged' | '—';

export interface Row {
  id: string;
  path: string;
  rate: string;
  p50: string;
  p99: string;
  floor: string;
  ratio: string;
  goal: string;
  verdict: Verdict;
  /** The ratio as a number (row / floor), for the JSON. */
  ratioValue?: number;
  notes: string[];
}

/** The table's order: floors, reads, writes, events, the cascade, concurrency, livestream, lexicon, simulation. */
const ROW_ORDER = [
  'floor.echo',
  'floor.pg',
  'floor.nats',
  'reads.',
  'writes.evaluate-listing',
  'writes.record-order',
  'writes.submit-application',
  'writes.request-after-sale',
  'writes.assess-video',
  'events.',
  'cascade.',
  'upload.',
  'orders.',
  'livestream.',
  'floor.lexicon',
  'lexicon.',
  'simulate.',
];

export const sortMeasurements = (measurements: readonly Measurement[]): Measurement[] => {
  const rank = (m: Measurement): number => {
    const at = ROW_ORDER.findIndex((prefix) => m.id.startsWith(prefix));
    return at < 0 ? ROW_ORDER.length : at;
  };
  // Array.prototype.sort is stable: within a group, the order the paths ran in.
  return [...measurements].sort((a, b) => rank(a) - rank(b));
};

const group = (n: number): string => Math.round(n).toLocaleString('en-US');

export const formatRate = (rate: number | undefined, unit: string): string => {
  if (rate === undefined || !Number.isFinite(rate)) return '';
  if (unit === 'MB/s') return `${rate.toFixed(rate < 10 ? 2 : 1)} ${unit}`;
  return `${rate < 10 ? rate.toFixed(1) : group(rate)} ${unit}`;
};

export const formatMs = (ms: number | undefined): string => {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
};

const statOf = (m: Measurement, stat: Stat): number | undefined => m[stat];

type Floor = NonNullable<GoalSpec['floor']>;
const asMultiple = (floor: Floor): boolean => floor.as === 'multiple';

const ratioText = (ratio: number, floor: Floor): string => (asMultiple(floor) ? `${ratio.toFixed(1)}×` : `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`);

const boundText = (value: number, floor: Floor): string => (asMultiple(floor) ? `${value}×` : `${Math.round(value * 100)}%`);

const statLabel: Record<Stat, string> = { rate: 'rate', p50Ms: 'p50', p99Ms: 'p99', totalMs: 'total' };

const conditionText = (c: Condition, spec: GoalSpec): string => {
  switch (c.kind) {
    case 'ratio': {
      const floor = spec.floor ?? { id: '', stat: 'rate' };
      return `${c.op === '>=' ? '≥' : '≤'} ${boundText(c.value, floor)}${floor.stat === 'p50Ms' ? ' floor p50' : asMultiple(floor) ? ' floor' : ' of floor'}`;
    }
    case 'stat':
      return `${statLabel[c.stat]} ${c.op === '>=' ? '≥' : '≤'} ${c.stat === 'rate' ? c.value : c.value >= 1_000 ? `${c.value / 1_000} s` : `${c.value} ms`}`;
    case 'check':
      return c.label;
  }
};

export const goalText = (spec: GoalSpec | undefined): string => {
  if (!spec || spec.conditions.length === 0) return '—';
  const text = spec.conditions.map((c) => conditionText(c, spec)).join(', ');
  if (!spec.offered) return text;
  return 'perSecond' in spec.offered ? `${text} at ${group(spec.offered.perSecond)}/s` : `${text} at ${Math.round(spec.offered.fractionOfFloor * 100)}% of floor`;
};

const holds = (value: number | undefined, op: '>=' | '<=', bound: number): boolean | undefined =>
  value === undefined || !Number.isFinite(value) ? undefined : op === '>=' ? value >= bound : value <= bound;

/** Whether `m` meets `spec`: undefined when a figure it needs is missing. */
export const judge = (m: Measurement, spec: GoalSpec, ratio: number | undefined): boolean | undefined => {
  const results = spec.conditions.map((c) => {
    switch (c.kind) {
      case 'ratio':
        return holds(ratio, c.op, c.value);
      case 'stat':
        return holds(statOf(m, c.stat), c.op, c.value);
      case 'check':
        return m.checks?.[c.check];
    }
  });
  if (spec.offered) {
    results.push(m.offered === undefined || m.rate === undefined ? undefined : m.rate >= OFFERED_REACHED * m.offered);
  }
  if (results.some((r) => r === false)) return false;
  return results.some((r) => r === undefined) ? undefined : true;
};

/**
 * The least a service doing a row's work costs, from the floors of the same run: an event is a
 * nats.js publish, consume and ack (`floor.nats.*`); a call is a bare gRPC server's call, plus a
 * node-postgres transaction of the row's shape when its floor is one.
 */
const leastServiceCost = (floor: Measurement, measurements: readonly Measurement[]): { ms: number; what: string } | undefined => {
  if (floor.id.startsWith('floor.nats.')) return floor.floorCostMs === undefined ? undefined : { ms: floor.floorCostMs, what: 'a bare nats.js client' };
  const echo = measurements.find((f) => f.id === 'floor.echo.64')?.floorCostMs;
  if (echo === undefined) return undefined;
  if (!floor.id.startsWith('floor.pg.')) return { ms: echo, what: 'a bare gRPC server' };
  return floor.floorCostMs === undefined ? undefined : { ms: echo + floor.floorCostMs, what: 'a bare gRPC server and node-postgres client' };
};

/**
 * Why a rate goal was missed, from the row's own machine split (see `serviceBudget`): the services'
 * CPU per call the goal leaves once PostgreSQL, NATS and the bench client are paid for, against
 * the least a service doing the call can cost (the floors' own gRPC server and node-postgres client
 * in the same run, `floorCostMs`). For a missed goal that is a share of a rate floor, or a rate
 * offered (paced rows), measured with the machine's split. Out of reach is said only when the
 * budget is below that least cost.
 */
export const budgetNote = (m: Measurement, spec: GoalSpec, measurements: readonly Measurement[]): string | undefined => {
  const rateGoal = spec.conditions.find((c): c is Extract<Condition, { kind: 'ratio' }> => c.kind === 'ratio' && c.op === '>=');
  const floor = spec.floor && measurements.find((f) => f.id === spec.floor?.id);
  if (!m.machine || !floor) return undefined;
  // A share of a rate floor, or the rate an open-loop row was offered and had to keep up with.
  const goalRate = rateGoal && spec.floor?.stat === 'rate' ? (floor.rate ?? 0) * rateGoal.value : spec.offered ? m.offered : undefined;
  if (goalRate === undefined || !(goalRate > 0)) return undefined;
  const budget = serviceBudget(m.machine, goalRate);
  if (!budget) return undefined;
  const per = m.unit === 'events/s' ? 'event' : 'call';
  const unit = m.unit.split('/')[0] ?? m.unit;
  const allowed = `${m.machine.cores} cores at the goal's ${group(goalRate)} ${unit}/s allow ${budget.allowedMs.toFixed(2)} ms of machine CPU per ${per}`;
  const others = `PostgreSQL, NATS and the bench client spent ${budget.othersMs.toFixed(2)} ms per ${per} in this row`;
  if (budget.budgetMs <= 0) return `out of this machine's reach whatever the services cost: ${allowed}, and ${others} (the services ${budget.servicesMs.toFixed(2)})`;
  const least = leastServiceCost(floor, measurements);
  const leaves = `the goal leaves the services ${budget.budgetMs.toFixed(2)} ms per ${per} (${allowed}; ${others})`;
  if (least && budget.budgetMs < least.ms) {
    return `out of this machine's reach for any service: ${leaves}, less than ${least.what} cost for the same ${per} in this run's floors (${least.ms.toFixed(2)} ms); the services spent ${budget.servicesMs.toFixed(2)}`;
  }
  if (budget.servicesMs <= budget.budgetMs) {
    // Within it, and missed all the same: that budget has every core busy, where calls queue; a
    // latency goal (the paced rows) needs headroom below it.
    return `${leaves}; the services spent ${budget.servicesMs.toFixed(2)}, within it, but at that budget every core is busy and calls queue`;
  }
  return `${leaves}; the services spent ${budget.servicesMs.toFixed(2)}`;
};

/**
 * Why a missed latency goal (a multiple of a floor's p50) was missed: what is left of it beyond
 * the floors that any implementation of the path must pass one after the other (`leastLatency`),
 * measured in the same run, or that they alone exceed it.
 */
export const latencyNote = (m: Measurement, spec: GoalSpec, measurements: readonly Measurement[]): string | undefined => {
  const bound = spec.conditions.find((c): c is Extract<Condition, { kind: 'ratio' }> => c.kind === 'ratio' && c.op === '<=');
  const floor = spec.floor?.stat === 'p50Ms' ? measurements.find((f) => f.id === spec.floor?.id) : undefined;
  const parts = (spec.leastLatency ?? []).map((id) => measurements.find((f) => f.id === id));
  if (!bound || floor?.p50Ms === undefined || m.p50Ms === undefined || parts.length === 0) return undefined;
  const known = parts.filter((p): p is Measurement & { p50Ms: number } => p?.p50Ms !== undefined);
  if (known.length < parts.length) return undefined;
  const goalMs = floor.p50Ms * bound.value;
  const leastMs = known.reduce((sum, p) => sum + p.p50Ms, 0);
  const least = `${known.map((p) => `${p.label} (p50 ${formatMs(p.p50Ms)})`).join(' and ')}, one after the other ${formatMs(leastMs)}`;
  if (leastMs >= goalMs) {
    return `out of this machine's reach for any service: ${least}, ${(leastMs / floor.p50Ms).toFixed(1)}× the floor's p50 against the goal's ${bound.value}×`;
  }
  return `the goal's p50 of ${formatMs(goalMs)} leaves the service ${formatMs(goalMs - leastMs)} of its own beyond ${least}; it took ${formatMs(m.p50Ms - leastMs)}`;
};

export const buildRows = (measurements: readonly Measurement[], options: { quick: boolean }): Row[] =>
  measurements.map((m) => {
    const spec = GOALS[m.id];
    const floorMeasurement = spec?.floor ? measurements.find((f) => f.id === spec.floor?.id) : undefined;
    const floorValue = spec?.floor && floorMeasurement ? statOf(floorMeasurement, spec.floor.stat) : undefined;
    const own = spec?.floor ? statOf(m, spec.floor.stat) : undefined;
    const ratio = own !== undefined && floorValue !== undefined && floorValue > 0 && Number.isFinite(own) ? own / floorValue : undefined;
    const notes = [...(m.notes ?? [])];
    if (m.offered !== undefined) notes.unshift(`offered ${group(m.offered)}/s`);
    if (m.errors) notes.push(`${m.errors} failed calls`);
    let verdict: Verdict = '—';
    if (m.failed) {
      verdict = spec && spec.conditions.length > 0 ? 'NOT met' : '—';
      notes.unshift(`FAILED: ${m.failed}`);
    } else if (spec && spec.conditions.length > 0) {
      if (spec.fullRunOnly && options.quick) verdict = 'not judged';
      else {
        const met = judge(m, spec, ratio);
        verdict = met === undefined ? 'not judged' : met ? 'met' : 'NOT met';
        const why = verdict === 'NOT met' ? (budgetNote(m, spec, measurements) ?? latencyNote(m, spec, measurements)) : undefined;
        if (why) notes.push(why);
      }
    }
    const floorText =
      spec?.floor && floorMeasurement
        ? `${floorMeasurement.label}: ${spec.floor.stat === 'rate' ? formatRate(floorMeasurement.rate, floorMeasurement.unit) : `p50 ${formatMs(floorMeasurement.p50Ms)}`}`
        : spec?.floor
          ? `${spec.floor.id} (missing)`
          : '';
    return {
      id: m.id,
      path: m.label,
      rate: formatRate(m.rate, m.unit),
      p50: formatMs(m.p50Ms),
      p99: m.totalMs !== undefined ? `total ${formatMs(m.totalMs)}` : formatMs(m.p99Ms),
      floor: floorText,
      ratio: ratio === undefined || !spec?.floor ? '' : ratioText(ratio, spec.floor),
      ...(ratio === undefined ? {} : { ratioValue: ratio }),
      goal: spec?.fullRunOnly && options.quick ? `${goalText(spec)} (full run)` : goalText(spec),
      verdict,
      notes,
    };
  });

const COLUMNS: { key: keyof Row; title: string; right?: boolean }[] = [
  { key: 'path', title: 'path' },
  { key: 'rate', title: 'rate', right: true },
  { key: 'p50', title: 'p50', right: true },
  { key: 'p99', title: 'p99', right: true },
  { key: 'floor', title: 'floor (same run)' },
  { key: 'ratio', title: 'ratio', right: true },
  { key: 'goal', title: 'goal' },
  { key: 'verdict', title: 'met' },
];

/** A Markdown table (readable as is in a terminal), then each row's notes. */
export const renderTable = (rows: readonly Row[]): string => {
  const cell = (row: Row, key: keyof Row): string => String(row[key] ?? '').replaceAll('|', '\\|');
  const widths = COLUMNS.map((c) => Math.max(c.title.length, ...rows.map((r) => cell(r, c.key).length)));
  const line = (values: string[]): string => `| ${values.map((v, i) => (COLUMNS[i]?.right ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const out = [
    line(COLUMNS.map((c) => c.title)),
    `|${COLUMNS.map((c, i) => (c.right ? `${'-'.repeat((widths[i] ?? 0) + 1)}:` : '-'.repeat((widths[i] ?? 0) + 2))).join('|')}|`,
    ...rows.map((r) => line(COLUMNS.map((c) => cell(r, c.key)))),
  ];
  const noted = rows.filter((r) => r.notes.length > 0);
  if (noted.length > 0) {
    out.push('', 'Notes:');
    for (const r of noted) out.push(`- ${r.path}: ${r.notes.join('; ')}`);
  }
  return out.join('\n');
};
