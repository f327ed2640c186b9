/**
 * What the simulator sent and what the platform answered, counted per section and printed in a
 * fixed order (calls finish in any order; the summary must not).
 */

export type SummarySection = 'merchants' | 'products' | 'content' | 'service';

export const SECTION_TITLES: Readonly<Record<SummarySection, string>> = {
  merchants: 'Merchant access',
  products: 'Products',
  content: 'Content',
  service: 'Service',
};

/** Labels in print order; a leading space nests a line under the one above. */
const LAYOUT: Readonly<Record<SummarySection, readonly string[]>> = {
  merchants: [
    'applications sent',
    ' approved',
    ' approved with restrictions',
    ' sent to manual review',
    ' rejected as high risk',
    'review cases decided',
    ' approved by the reviewer',
    ' rejected by the reviewer',
    'deposits paid in',
    'violations recorded',
    ' merchants removed',
    ' sanctions imposed',
    'ring re-entries sent',
    ' intercepted: linked to a removed merchant',
    ' not intercepted',
    'affiliate sweep: merchants cleared',
    'affiliate sweep: merchants re-admitted',
  ],
  products: [
    'listings sent',
    ' approved',
    ' rejected',
    '  "three-no" goods',
    '  prohibited claims',
    '  qualification missing',
    '  merchant not known yet',
    '  other reasons',
    ' skipped: merchant not approved',
    'sampling campaign: candidates',
    'sampling campaign: samples planned',
    'lab results recorded',
    ' passed',
    ' failed (major defects)',
    ' failed (critical defects)',
    'products banned by lab results',
  ],
  content: [
    'videos assessed',
    ' premium (boosted)',
    ' penalised',
    '  prohibited claims',
    '  reposted content',
    ' links dropped: product not on sale',
    'livestreams run',
    ' warned',
    ' traffic limited',
    ' interrupted',
    'livestream signals sent',
    'videos re-assessed after the sales',
    ' penalised on re-assessment',
  ],
  service: [
    'orders sent',
    ' recorded',
    ' rejected: pre-sale dispatch over 15 days',
    ' skipped: product not on sale',
    'shipments recorded',
    ' dispatched on time',
    ' dispatched late',
    'carrier scans recorded',
    'after-sales requested',
    ' before dispatch',
    ' fast-refunded at once',
    ' fast refund on pickup',
    ' left to the merchant',
    'merchant answers',
    'disputes escalated',
    'disputes decided',
    'returns shipped (insurance settled)',
    'refunds paid',
    'reviews',
    'complaints filed',
    ' about content',
    ' about products',
    ' about merchants',
    ' about service',
  ],
};

export class Tally {
  private readonly counts = new Map<string, number>();
  private readonly errorCounts = new Map<string, number>();

  add(section: SummarySection, label: string, n = 1): void {
    const key = `${section}\u0000${label}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  get(section: SummarySection, label: string): number {
    return this.counts.get(`${section}\u0000${label}`) ?? 0;
  }

  /** A call the platform refused: `rpc code reason`. */
  error(rpc: string, code: string, reason: string | undefined): void {
    const key = `${rpc} ${code}${reason ? ` ${reason}` : ''}`;
    this.errorCounts.set(key, (this.errorCounts.get(key) ?? 0) + 1);
  }

  /** Counts per section in print order (known labels first, then any other, sorted). */
  sections(): Record<SummarySection, [string, number][]> {
    const out = {} as Record<SummarySection, [string, number][]>;
    for (const section of Object.keys(LAYOUT) as SummarySection[]) {
      const known = LAYOUT[section];
      const lines: [string, number][] = known.filter((label) => this.counts.has(`${section}\u0000${label}`)).map((label) => [label, this.get(section, label)]);
      const extra = [...this.counts.keys()]
        .filter((key) => key.startsWith(`${section}\u0000`) && !known.includes(key.slice(section.length + 1)))
        .map((key) => key.slice(section.length + 1))
        .sort();
      for (const label of extra) lines.push([label, this.get(section, label)]);
      out[section] = lines;
    }
    return out;
  }

  errors(): [string, number][] {
    return [...this.errorCounts.entries()].sort(([a], [b]) => a.localeCompare(b));
  }
}

export interface SimulationSummary {
  seed: number;
  scale: string;
  ordersPlanned: number;
  idPrefix: string;
  durationMs: number;
  calls: number;
  concurrency: number;
  settle: { settled: boolean; waitedMs: number };
  /** Wall time and calls of each phase, in run order. */
  phases: { name: string; ms: number; calls: number }[];
  sections: Record<SummarySection, Record<string, number>>;
  /** Calls the platform refused, by `rpc code reason`. */
  errors: Record<string, number>;
}

export const buildSummary = (tally: Tally, run: Omit<SimulationSummary, 'sections' | 'errors'>): SimulationSummary => {
  const sections = tally.sections();
  return {
    ...run,
    sections: Object.fromEntries(
      (Object.keys(sections) as SummarySection[]).map((s) => [s, Object.fromEntries(sections[s].map(([label, n]) => [label.trim(), n]))]),
    ) as SimulationSummary['sections'],
    errors: Object.fromEntries(tally.errors()),
  };
};

const formatCount = (n: number): string => n.toLocaleString('en-US');

export const renderSummary = (tally: Tally, summary: SimulationSummary): string => {
  const sections = tally.sections();
  const width = Math.max(40, ...Object.values(sections).flatMap((lines) => lines.map(([label]) => label.length + 2)));
  const out = [
    `Simulated seed ${summary.seed} (${summary.scale}, ${formatCount(summary.ordersPlanned)} orders planned, ids ${summary.idPrefix}-*): ` +
      `${formatCount(summary.calls)} calls in ${(summary.durationMs / 1000).toFixed(1)} s, at most ${summary.concurrency} in flight`,
    '',
  ];
  for (const section of Object.keys(sections) as SummarySection[]) {
    if (sections[section].length === 0) continue;
    out.push(SECTION_TITLES[section]);
    for (const [label, n] of sections[section]) {
      const depth = label.length - label.trimStart().length;
      out.push(`  ${'  '.repeat(depth)}${label.trim().padEnd(width - 2 * depth)}${formatCount(n).padStart(9)}`);
    }
    out.push('');
  }
  const errors = tally.errors();
  if (errors.length > 0) {
    out.push('Refused by the platform (rpc, code, reason)');
    for (const [key, n] of errors) out.push(`  ${key.padEnd(width)}${formatCount(n).padStart(9)}`);
    out.push('');
  }
  if (summary.phases.length > 0) {
    out.push('Phases');
    for (const phase of summary.phases) out.push(`  ${phase.name.padEnd(width)}${`${(phase.ms / 1000).toFixed(1)} s`.padStart(9)}${`${formatCount(phase.calls)} calls`.padStart(14)}`);
    out.push('');
  }
  out.push(
    summary.settle.settled
      ? `The platform settled (no event, delivery or job in flight, or else no figure changed for a while) ${(summary.settle.waitedMs / 1000).toFixed(1)} s after the last call.`
      : `The platform was still changing ${(summary.settle.waitedMs / 1000).toFixed(1)} s after the last call; figures may still move.`,
  );
  return out.join('\n');
};
