import { describe, expect, it } from 'vitest';
import { busyTicksOf, machineCpuNote, machineCpuSplit, processTicksOf, sampleMachineCpu, serviceBudget, usedSince } from './machine-cpu';

describe('the machine CPU note', () => {
  it('counts busy ticks without idle and iowait', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(busyTicksOf('cpu  100 5 50 9000 300 2 8 1 0 0\ncpu0 50 2 25 4500 150 1 4 0 0 0\n')).toBe(166);
    expect(() => busyTicksOf('intr 1 2 3')).toThrow(/unexpected/);
  });

  it('reads a process stat line whose command name holds spaces and parentheses', () => {
    const stat = '4242 (postgres: a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 37 12 0 0 20 0 1 0 100 0 0';
    expect(processTicksOf(stat)).toEqual({ comm: 'postgres: a (b) c', ticks: 49 });
  });

  it('splits the machine cost of a call between the processes and the rest', () => {
    const before = { busyMs: 10_000, postgres: new Map([[10, 600], [11, 400]]), nats: new Map([[20, 100]]) };
    const after = { busyMs: 14_000, postgres: new Map([[10, 1_100], [11, 900]]), nats: new Map([[20, 200]]) };
    const note = machineCpuNote(before, after, 2_000, 1_000, [{ label: 'services', ms: 2_000 }, { label: 'bench client', ms: 600 }], 2);
    expect(note).toBe('machine CPU ms/call 4.00 (PostgreSQL 1.00, NATS 0.10, services 2.00, bench client 0.60, rest 0.30); 2.00 of 2 cores busy');
  });

  it("leaves the services what a rate goal allows once PostgreSQL, NATS and the client are paid for (not the rest: others' work)", () => {
    const before = { busyMs: 10_000, postgres: new Map([[10, 600]]), nats: new Map([[20, 100]]) };
    const after = { busyMs: 14_000, postgres: new Map([[10, 1_600]]), nats: new Map([[20, 200]]) };
    // Per call: PostgreSQL 1.00, NATS 0.10, services 2.00, client 0.60, rest 0.30.
    const split = machineCpuSplit(before, after, 2_000, 1_000, [{ label: 'services', ms: 2_000, services: true }, { label: 'bench client', ms: 600 }], 2);
    // 2 cores at 1,000 calls/s: 2 ms a call; 1.70 of it is not the services'.
    expect(serviceBudget(split, 1_000)).toEqual({ allowedMs: 2, othersMs: expect.closeTo(1.7, 9), budgetMs: expect.closeTo(0.3, 9), servicesMs: 2 });
    // At 2,000 calls/s (1 ms a call) the others alone are over: out of reach.
    expect(serviceBudget(split, 2_000)?.budgetMs).toBeLessThan(0);
    // A floor's split has no services to budget.
    expect(serviceBudget(machineCpuSplit(before, after, 2_000, 1_000, [{ label: 'echo server', ms: 2_000 }], 2), 1_000)).toBeUndefined();
  });

  it('shows a rest below zero (tick rounding) as 0', () => {
    const note = machineCpuNote({ busyMs: 0, postgres: new Map(), nats: new Map() }, { busyMs: 100, postgres: new Map([[1, 60]]), nats: new Map() }, 100, 10, [{ label: 'x', ms: 50 }], 2);
    expect(note).toContain('rest 0.00');
  });

  it('counts a process started since the first sample whole and leaves out one that exited', () => {
    // pid 1 used 300 ms in the row; pid 2 (5,000 ms before) exited; pid 3 started and used 200 ms.
    expect(usedSince(new Map([[1, 1_000], [2, 5_000]]), new Map([[1, 1_300], [3, 200]]))).toBe(500);
  });

  it('samples this machine (Linux)', () => {
    const sample = sampleMachineCpu();
    if (process.platform !== 'linux') return expect(sample).toBeUndefined();
    expect(sample?.busyMs).toBeGreaterThan(0);
  });
});
