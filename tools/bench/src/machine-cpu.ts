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

/** The Node processes the bench knows the CPU of over the same span (ms): the services, the bench client, a floor's server. */
export type KnownProcesses = readonly { label: string; ms: number }[];

/**
 * "machine CPU ms/call 5.31 (PostgreSQL 1.20, NATS 0.10, services 3.40, bench client 0.50, rest
 * 0.11); 1.93 of 2 cores busy": the whole machine's cost of one call, and how close the row ran
 * to the machine's limit.
 */
export const machineCpuNote = (
  before: MachineCpuSample,
  after: MachineCpuSample,
  elapsedMs: number,
  calls: number,
  known: KnownProcesses,
  cores = cpus().length,
  /** What `calls` counts: "call", or "event" for an events row. */
  per = 'call',
): string => {
  const n = Math.max(1, calls);
  const busy = after.busyMs - before.busyMs;
  const postgres = usedSince(before.postgres, after.postgres);
  const nats = usedSince(before.nats, after.nats);
  const accounted = postgres + nats + known.reduce((sum, p) => sum + p.ms, 0);
  const perCall = (ms: number): string => (ms / n).toFixed(2);
  const split = [
    `PostgreSQL ${perCall(postgres)}`,
    `NATS ${perCall(nats)}`,
    ...known.map((p) => `${p.label} ${perCall(p.ms)}`),
    // 10 ms ticks make a short row's rest slightly negative at times: noise, shown as 0.
    `rest ${perCall(Math.max(0, busy - accounted))}`,
  ];
  const coresBusy = elapsedMs > 0 ? busy / elapsedMs : Number.NaN;
  return `machine CPU ms/${per} ${perCall(busy)} (${split.join(', ')}); ${coresBusy.toFixed(2)} of ${cores} cores busy`;
};
