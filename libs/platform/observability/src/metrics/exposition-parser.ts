/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details), for
 * `govern health` and tests. Hand-written because the npm parsers get labelled histograms
 * wrong — parse-prometheus-text-format folds every label set of a histogram into one and
 * drops labelled `_sum`/`_count`; `exposition` reads `le` and the labels after it as one
 * string — and every Govern latency series is a labelled histogram. Samples stay flat
 * (`x_bucket{le=…}`, `x_sum`, `x_count` as they are written), grouped under their family.
 * Anything malformed throws with its line number, so a test that parses a scrape also checks it.
 */
export type ExpositionType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface ExpositionSample {
  /** As written, suffix included (`grpc_server_handling_seconds_bucket`). */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface ExpositionFamily {
  name: string;
  help: string;
  type: ExpositionType;
  samples: ExpositionSample[];
}

export class ExpositionError extends Error {
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = 'ExpositionError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<ExpositionType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<ExpositionType, readonly string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'], counter: [], gauge: [], untyped: [] };

const unescape = (text: string, quote: boolean): string =>
  text.replace(quote ? /\\(["\\n])/g : /\\([\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));

/** Like Prometheus (Go's ParseFloat): NaN and Inf in any case — prom-client writes `Nan`. */
const parseValue = (text: string, line: number): number => {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new ExpositionError(line, `not a number: ${JSON.stringify(text)}`);
  return value;
};

/** `{a="x",b="y\"z"}` at the start of `rest`; returns the labels and what follows the brace. */
const parseLabels = (rest: string, line: number): [Record<string, string>, string] => {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (rest[i] === ' ') i++;
    if (rest[i] === '}') return [labels, rest.slice(i + 1)];
    const name = LABEL_NAME.exec(rest.slice(i))?.[0];
    if (!name) throw new ExpositionError(line, 'bad label name');
    i += name.length;
    if (rest[i] !== '=' || rest[i + 1] !== '"') throw new ExpositionError(line, `label ${name}: expected ="`);
    i += 2;
    let value = '';
    while (rest[i] !== '"') {
      if (i >= rest.length) throw new ExpositionError(line, `label ${name}: unterminated value`);
      value += rest[i] === '\\' ? rest[i++] + (rest[i] ?? '') : rest[i];
      i++;
    }
    i++;
    if (name in labels) throw new ExpositionError(line, `label ${name} given twice`);
    labels[name] = unescape(value, true);
    while (rest[i] === ' ') i++;
    if (rest[i] === ',') i++;
    else if (rest[i] !== '}') throw new ExpositionError(line, 'expected , or } after a label');
  }
};

export const parseExposition = (text: string): Map<string, ExpositionFamily> => {
  const families = new Map<string, ExpositionFamily>();
  const familyOf = (name: string): ExpositionFamily => {
    let family = families.get(name);
    if (!family) families.set(name, (family = { name, help: '', type: 'untyped', samples: [] }));
    return family;
  };
  /** The family a sample belongs to: itself, or a histogram/summary its suffix names. */
  const ownerOf = (sample: string): ExpositionFamily => {
    for (const [type, suffixes] of Object.entries(SUFFIXES)) {
      for (const suffix of suffixes) {
        const base = sample.endsWith(suffix) ? sample.slice(0, -suffix.length) : undefined;
        if (base && families.get(base)?.type === type) return families.get(base) as ExpositionFamily;
      }
    }
    return familyOf(sample);
  };
  const closed = new Set<string>();
  let current: string | undefined;

  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '') return;
    if (content.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(content);
      if (!meta) return; // a plain comment
      const [, keyword, name = '', rest = ''] = meta;
      if (!METRIC_NAME.test(name) || METRIC_NAME.exec(name)?.[0] !== name) throw new ExpositionError(line, `bad metric name ${JSON.stringify(name)}`);
      const family = familyOf(name);
      if (keyword === 'HELP') family.help = unescape(rest, false);
      else {
        const type = rest.trim() as ExpositionType;
        if (!TYPES.has(type)) throw new ExpositionError(line, `unknown type ${JSON.stringify(rest)}`);
        if (family.samples.length > 0 || family.type !== 'untyped') throw new ExpositionError(line, `TYPE of ${name} after its samples or given twice`);
        family.type = type;
      }
      return;
    }
    const name = METRIC_NAME.exec(content)?.[0];
    if (!name) throw new ExpositionError(line, 'a sample must start with a metric name');
    let rest = content.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) [labels, rest] = parseLabels(rest, line);
    const [valueText = '', timestamp, extra] = rest.trim().split(/\s+/);
    if (extra !== undefined || !/^\s/.test(rest)) throw new ExpositionError(line, 'expected: name{labels} value [timestamp]');
    const family = ownerOf(name);
    // Each family's lines must come together (the format requires it; a scraper may reject otherwise).
    if (family.name !== current) {
      if (current) closed.add(current);
      if (closed.has(family.name)) throw new ExpositionError(line, `samples of ${family.name} are not together`);
      current = family.name;
    }
    if (family.type === 'histogram' && name.endsWith('_bucket') && labels['le'] === undefined) throw new ExpositionError(line, 'histogram bucket without le');
    const sample: ExpositionSample = { name, labels, value: parseValue(valueText, line) };
    if (timestamp !== undefined) sample.timestampMs = parseValue(timestamp, line);
    family.samples.push(sample);
  });
  return families;
};

/** Samples named `name` (suffix included) whose labels include `labels`. */
export const samplesOf = (families: Map<string, ExpositionFamily>, name: string, labels: Record<string, string> = {}): ExpositionSample[] => {
  const owner = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
  return (owner?.samples ?? []).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
};

/** The value of the one sample `name{labels…}`; undefined when there is none. */
export const sampleValue = (families: Map<string, ExpositionFamily>, name: string, labels: Record<string, string> = {}): number | undefined =>
  samplesOf(families, name, labels)[0]?.value;
