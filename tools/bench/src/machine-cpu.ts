import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * The whole machine's CPU during a row, split by who used it: PostgreSQL's processes, the NATS
 * server, the services, the bench client and the rest (other work on a shared machine). A row's
 * rate on this machine is bounded by `cores ÷ machine CPU per call` once every core is busy, so
 * this note says how far a row is from the machine's limit and which process holds the rest: the
 * floors' same note says what the same work costs the machine without the services.
 *
 * Read from /proc (Linux): the busy time of all cores from /proc/stat, and utime + stime of each
 * process named `postgres` or `nats-server`. A process that exits during the row takes its CPU
 * with it (`usedSince`; PostgreSQL's backends mostly live as long as the pools that opened them);
 * what it used lands in the rest.
 */
export interface MachineCpuSample {
  /** All cores' busy time so far (user, nice, system, irq, softirq, steal), ms. */
  busyMs: number;
  /** CPU so far of each PostgreSQL process (server, backends, background workers), ms by pid. */
  postgres: Map<number, number>;
  /** The same for the NATS server. */
  nats: Map<number, number>;
}

/** USER_HZ on Linux: /proc reports CPU time in ticks of 10 ms. */
const MS_PER_TICK = 10;

/** Busy ticks of all cores from /proc/stat's first line (`cpu  user nice system idle iowait irq softirq steal ...`). */
export const busyTicksOf = (procStat: string): number => {
  const line = procStat.split('\n', 1)[0] ?? '';
  const [label, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/);
  if (label !== 'cpu') throw new Error(`unexpected /proc/stat first line: ${line.slice(0, 60)}`);
  return [user, nice, system, irq, softirq, steal].reduce((sum, field) => sum + Number(field ?? 0), 0);
};

/** The command name and utime + stime ticks of a /proc/<pid>/stat line. */
export const processTicksOf = (stat: string): { comm: string; ticks: number } => {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  // Fields after the command name: state is field 3, utime 14 and stime 15.
  const fields = stat.slice(close + 2).split(' ');
  return { comm: stat.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
};

export const sampleMachineCpu = (): MachineCpuSample | undefined => {
  try {
    const sample: MachineCpuSample = { busyMs: busyTicksOf(readFileSync('/proc/stat', 'utf8')) * MS_PER_TICK, postgres: new Map(), nats: new Map() };
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited since the listing
      }
      const { comm, ticks } = processTicksOf(stat);
      if (comm === 'postgres') sample.postgres.set(Number(entry), ticks * MS_PER_TICK);
      else if (comm === 'nats-server') sample.nats.set(Number(entry), ticks * MS_PER_TICK);
    }
    return sample;
  } catch {
    return undefined; // not Linux: the rows go without this note
  }
};

/**
 * CPU used between two samples by the processes alive at the second: a process started since counts
 * whole. One that exited in between (a pool's idle connection closed) is left out: its CPU since the
 * first sample cannot be read any more, and subtracting its total would count negative time.
 */
export const usedSince = (before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number => {
  let used = 0;
  for (const [pid, ms] of after) used += ms - (before.get(pid) ?? 0);
  return used;
};

/**
 * The Node processes the bench knows the CPU of over the same span (ms): the services, the bench
 * client, a floor's server. `services` marks the entry that is Govern's own cost (what a row's
 * service budget is about, see `serviceBudget`).
 */
export type KnownProcesses = readonly { label: string; ms: number; services?: boolean }[];

/** The machine's CPU per call of a row, split as the note prints it (ms per call), kept with the row for the report. */
export interface MachineCpuSplit {
  perCallMs: number;
  postgresMs: number;
  natsMs: number;
  /** The known processes' CPU per call. */
  known: KnownProcesses[number][];
  restMs: number;
  coresBusy: number;
  cores: number;
}

export const machineCpuSplit = (before: MachineCpuSample, after: MachineCpuSample, elapsedMs: number, calls: number, known: KnownProcesses, cores = cpus().length): MachineCpuSplit => {
  const n = Math.max(1, calls);
  const busy = after.busyMs - before.busyMs;
  const postgres = usedSince(before.postgres, after.postgres);
  const nats = usedSince(before.nats, after.nats);
  const accounted = postgres + nats + known.reduce((sum, p) => sum + p.ms, 0);
  return {
    perCallMs: busy / n,
    postgresMs: postgres / n,
    natsMs: nats / n,
    known: known.map((p) => ({ ...p, ms: p.ms / n })),
    // 10 ms ticks make a short row's rest slightly negative at times: noise, counted as 0.
    restMs: Math.max(0, busy - accounted) / n,
    coresBusy: elapsedMs > 0 ? busy / elapsedMs : Number.NaN,
    cores,
  };
};

/**
 * "machine CPU ms/call 5.31 (PostgreSQL 1.20, NATS 0.10, services 3.40, bench client 0.50, rest
 * 0.11); 1.93 of 2 cores busy": the whole machine's cost of one call, and how close the row ran
 * to the machine's limit.
 */
export const formatMachineCpu = (split: MachineCpuSplit, per = 'call'): string => {
  const parts = [`PostgreSQL ${split.postgresMs.toFixed(2)}`, `NATS ${split.natsMs.toFixed(2)}`, ...split.known.map((p) => `${p.label} ${p.ms.toFixed(2)}`), `rest ${split.restMs.toFixed(2)}`];
  return `machine CPU ms/${per} ${split.perCallMs.toFixed(2)} (${parts.join(', ')}); ${split.coresBusy.toFixed(2)} of ${split.cores} cores busy`;
};

export const machineCpuNote = (
  before: MachineCpuSample,
  after: MachineCpuSample,
  elapsedMs: number,
  calls: number,
  known: KnownProcesses,
  cores = cpus().length,
  /** What `calls` counts: "call", or "event" for an events row. */
  per = 'call',
): string => formatMachineCpu(machineCpuSplit(before, after, elapsedMs, calls, known, cores), per);

/**
 * What a rate goal leaves the services, from a row's own machine split: at `goalRate` with every
 * core busy the machine may spend `cores ÷ goalRate` per call; what PostgreSQL, NATS and the bench
 * client spent per call in the row is taken off (the rest, other work on the machine, is not), and the remainder is the most the
 * services (all four: the called one, the relays, the consumers) may cost per call. At or below 0
 * the goal is out of this machine's reach whatever the services do; above it, the services' own
 * figure in the same row says how far they are from it. Generous on purpose (every core busy,
 * nothing else on the machine), so "out of reach" holds for any code of the services.
 */
export interface ServiceBudget {
  /** Machine CPU per call the goal allows (ms). */
  allowedMs: number;
  /** Per call spent in the row by PostgreSQL, NATS and the bench client (ms). */
  othersMs: number;
  /** allowed − others: the services' budget per call (ms); ≤ 0 is out of reach. */
  budgetMs: number;
  /** The services' cost per call in the row (ms). */
  servicesMs: number;
}

export const serviceBudget = (split: MachineCpuSplit, goalRate: number): ServiceBudget | undefined => {
  const services = split.known.filter((p) => p.services === true);
  if (services.length === 0 || !(goalRate > 0)) return undefined;
  const servicesMs = services.reduce((sum, p) => sum + p.ms, 0);
  const othersMs = split.postgresMs + split.natsMs + split.known.filter((p) => p.services !== true).reduce((sum, p) => sum + p.ms, 0);
  const allowedMs = (split.cores * 1000) / goalRate;
  return { allowedMs, othersMs, budgetMs: allowedMs - othersMs, servicesMs };
};
