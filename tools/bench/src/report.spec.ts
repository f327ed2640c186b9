import { describe, expect, it } from 'vitest';
import { GOALS, offeredRate, pgFloorsNeeded, type Measurement } from './goals';
import { buildRows, formatMs, formatRate, goalText, judge, renderTable, sortMeasurements } from './report';

const m = (id: string, figures: Partial<Measurement> = {}): Measurement => ({ id, label: id, unit: 'calls/s', ...figures });

const rowOf = (rows: ReturnType<typeof buildRows>, id: string) => {
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
};

describe('the goal table', () => {
  it('names the node-postgres floors its write paths are compared with, each once', () => {
    const floors = pgFloorsNeeded();
    expect(floors).toContainEqual({ inserts: 7, inFlight: 64 });
    expect(floors).toContainEqual({ inserts: 7, inFlight: 8 });
    expect(new Set(floors.map((f) => `${f.inserts}/${f.inFlight}`)).size).toBe(floors.length);
  });

  it('offers a paced write a quarter of its floor (half the 50% goal), and the events row 1,000/s', () => {
    const measurements = [m('floor.pg.tx7.64', { rate: 2_000, unit: 'tx/s' })];
    expect(offeredRate('writes.evaluate-listing.paced', measurements)).toBe(500);
    expect(offeredRate('events.paced', measurements)).toBe(1_000);
    expect(offeredRate('writes.record-order.paced', measurements)).toBeUndefined();
    expect(offeredRate('reads.standing.64', measurements)).toBeUndefined();
  });
});

describe('judging a row', () => {
  it('reads at 64 in flight meet the goal at half the echo floor, not below', () => {
    const floor = m('floor.echo.64', { rate: 4_000 });
    const met = buildRows([floor, m('reads.standing.64', { rate: 2_000 })], { quick: false });
    const missed = buildRows([floor, m('reads.standing.64', { rate: 1_132 })], { quick: false });
    expect(rowOf(met, 'reads.standing.64')).toMatchObject({ ratio: '50%', goal: '≥ 50% of floor', verdict: 'met', ratioValue: 0.5 });
    expect(rowOf(missed, 'reads.standing.64')).toMatchObject({ ratio: '28%', verdict: 'NOT met' });
  });

  it('compares 1-in-flight latency with the echo p50 as a multiple', () => {
    const rows = buildRows([m('floor.echo.1', { p50Ms: 0.39 }), m('reads.standing.1', { p50Ms: 2.47 })], { quick: false });
    expect(rowOf(rows, 'reads.standing.1')).toMatchObject({ ratio: '6.3×', goal: '≤ 2× floor p50', verdict: 'NOT met' });
  });

  it('says why a missed 1-in-flight latency was missed: what the echo and a bare read leave the service, or that they alone exceed the goal', () => {
    const rows = (echoMs: number, readMs: number, ownMs: number) =>
      rowOf(
        buildRows(
          [
            m('floor.echo.1', { label: 'echo', p50Ms: echoMs }),
            m('floor.pg.read.1', { label: 'pg read', unit: 'reads/s', p50Ms: readMs }),
            m('reads.standing.1', { p50Ms: ownMs }),
          ],
          { quick: false },
        ),
        'reads.standing.1',
      );
    // Goal 2 × 0.40 = 0.80 ms; echo and read take 0.60 one after the other, leaving 0.20.
    const missed = rows(0.4, 0.2, 1.1);
    expect(missed.verdict).toBe('NOT met');
    expect(missed.notes.at(-1)).toBe("the goal's p50 of 800 µs leaves the service 200 µs of its own beyond echo (p50 400 µs) and pg read (p50 200 µs), one after the other 600 µs; it took 500 µs");
    // The read alone as slow as the echo: 2× is out of reach whatever the service does.
    expect(rows(0.4, 0.45, 1.1).notes.at(-1)).toBe("out of this machine's reach for any service: echo (p50 400 µs) and pg read (p50 450 µs), one after the other 850 µs, 2.1× the floor's p50 against the goal's 2×");
    // Met, or a run without the read floor: no such note.
    expect(rows(0.4, 0.2, 0.7).notes).toEqual([]);
    expect(rowOf(buildRows([m('floor.echo.1', { p50Ms: 0.4 }), m('reads.standing.1', { p50Ms: 1.1 })], { quick: false }), 'reads.standing.1').notes).toEqual([]);
  });

  it('a paced row counts only when it reached 95% of the rate offered', () => {
    const spec = GOALS['writes.record-order.paced'];
    if (!spec) throw new Error('no goal');
    expect(judge(m('x', { offered: 500, rate: 480, p99Ms: 20 }), spec, undefined)).toBe(true);
    expect(judge(m('x', { offered: 500, rate: 300, p99Ms: 20 }), spec, undefined)).toBe(false);
    expect(judge(m('x', { offered: 500, rate: 500, p99Ms: 26 }), spec, undefined)).toBe(false);
    expect(goalText(spec)).toBe('p99 ≤ 25 ms at 25% of floor');
  });

  it('needs every condition: the large upload fails on a seconds-long p99 even at the many-merchant rate', () => {
    const rows = buildRows([m('writes.evaluate-listing.64', { rate: 100 }), m('upload.large-merchant', { rate: 90, p99Ms: 4_000 })], { quick: false });
    expect(rowOf(rows, 'upload.large-merchant')).toMatchObject({ ratio: '90%', verdict: 'NOT met' });
  });

  it('says why a missed rate goal was missed: the services\' budget per call, or out of reach whatever they cost', () => {
    const machine = (postgresMs: number, servicesMs: number) => ({
      perCallMs: postgresMs + servicesMs + 0.6,
      postgresMs,
      natsMs: 0.1,
      known: [
        { label: 'services', ms: servicesMs, services: true },
        { label: 'bench client', ms: 0.5 },
      ],
      restMs: 0,
      coresBusy: 1.9,
      cores: 2,
    });
    // The least a service costs: the echo server's 0.10 ms a call + node-postgres' 0.20 ms a transaction.
    const floors = [m('floor.echo.64', { rate: 5_000, floorCostMs: 0.1 }), m('floor.pg.tx5.64', { rate: 2_000, unit: 'tx/s', floorCostMs: 0.2 })];
    const row = (postgresMs: number, servicesMs: number) =>
      rowOf(buildRows([...floors, m('writes.record-order.64', { rate: 400, machine: machine(postgresMs, servicesMs) })], { quick: false }), 'writes.record-order.64');
    // Goal: 1,000 calls/s, i.e. 2 ms of machine CPU a call on 2 cores.
    const reachable = row(0.4, 3);
    expect(reachable.verdict).toBe('NOT met');
    expect(reachable.notes.at(-1)).toBe(
      "the goal leaves the services 1.00 ms per call (2 cores at the goal's 1,000 calls/s allow 2.00 ms of machine CPU per call; PostgreSQL, NATS and the bench client spent 1.00 ms per call in this row); the services spent 3.00",
    );
    // 0.20 ms left: less than the 0.30 ms a bare server and driver cost.
    expect(row(1.2, 3).notes.at(-1)).toMatch(/^out of this machine's reach for any service: the goal leaves the services 0\.20 ms per call .* \(0\.30 ms\); the services spent 3\.00$/);
    expect(row(1.6, 3).notes.at(-1)).toMatch(/^out of this machine's reach whatever the services cost: .* spent 2\.20 ms per call in this row \(the services 3\.00\)$/);
    // A paced row is held to the rate it was offered: 500/s leaves 4 ms a call on 2 cores.
    const paced = (servicesMs: number) =>
      rowOf(buildRows([...floors, m('writes.record-order.paced', { rate: 480, offered: 500, p99Ms: 900, machine: machine(0.4, servicesMs) })], { quick: false }), 'writes.record-order.paced');
    expect(paced(3.5).notes.at(-1)).toMatch(/^the goal leaves the services 3\.00 ms per call \(2 cores at the goal's 500 calls\/s allow 4\.00 ms.*; the services spent 3\.50$/);
    // Within the budget and still missed: the latency of a machine with every core busy.
    expect(paced(2).notes.at(-1)).toMatch(/the services spent 2\.00, within it, but at that budget every core is busy and calls queue$/);
    // An event is held to a bare nats.js client's cost (publish, consume and ack): 0.05 ms here.
    const burst = rowOf(
      buildRows([m('floor.nats.publish', { rate: 20_000, unit: 'msgs/s', floorCostMs: 0.05 }), m('events.burst', { rate: 2_000, unit: 'events/s', machine: { ...machine(0.2, 0.5), known: [{ label: 'services', ms: 0.5, services: true }, { label: 'bench client', ms: 0.06 }] } })], { quick: false }),
      'events.burst',
    );
    // 25% of 20,000 = 5,000 events/s: 0.40 ms an event, 0.36 of it PostgreSQL, NATS and the client.
    expect(burst.notes.at(-1)).toMatch(/^out of this machine's reach for any service: the goal leaves the services 0\.04 ms per event .*less than a bare nats\.js client cost for the same event in this run's floors \(0\.05 ms\); the services spent 0\.50$/);
    // A met goal, and a row without the machine's split, get no such note.
    const met = rowOf(buildRows([...floors, m('writes.record-order.64', { rate: 1_200, machine: machine(0.4, 1) })], { quick: false }), 'writes.record-order.64');
    expect(met.notes.join(' ')).not.toMatch(/reach|leaves the services/);
    expect(rowOf(buildRows([...floors, m('writes.record-order.64', { rate: 400 })], { quick: false }), 'writes.record-order.64').notes).toEqual([]);
  });

  it('judges named checks (the listing quota held exactly)', () => {
    expect(rowOf(buildRows([m('upload.quota', { checks: { quotaExact: true } })], { quick: false }), 'upload.quota').verdict).toBe('met');
    expect(rowOf(buildRows([m('upload.quota', { checks: { quotaExact: false } })], { quick: false }), 'upload.quota').verdict).toBe('NOT met');
  });

  it('reads the lexicon speed-up as a multiple of the regex floor', () => {
    const rows = buildRows([m('floor.lexicon.regex', { rate: 2, unit: 'MB/s' }), m('lexicon.end-to-end', { rate: 50, unit: 'MB/s' })], { quick: false });
    expect(rowOf(rows, 'lexicon.end-to-end')).toMatchObject({ ratio: '25.0×', goal: '≥ 20× floor', verdict: 'met' });
  });

  it('does not judge a full-size goal in a quick run, nor a row whose floor is missing', () => {
    const cascade = m('cascade.merchant-removal', { totalMs: 12_000 });
    expect(rowOf(buildRows([cascade], { quick: true }), cascade.id)).toMatchObject({ verdict: 'not judged', goal: 'total ≤ 30 s (full run)' });
    expect(rowOf(buildRows([cascade], { quick: false }), cascade.id)).toMatchObject({ verdict: 'met', p99: 'total 12.0 s' });
    expect(rowOf(buildRows([m('reads.standing.64', { rate: 10 })], { quick: false }), 'reads.standing.64')).toMatchObject({
      verdict: 'not judged',
      floor: 'floor.echo.64 (missing)',
    });
  });

  it('a path that failed is not met and says why', () => {
    const row = rowOf(buildRows([m('livestream.signals', { failed: 'content did not learn of the product' })], { quick: false }), 'livestream.signals');
    expect(row.verdict).toBe('NOT met');
    expect(row.notes[0]).toBe('FAILED: content did not learn of the product');
  });

  it('informational rows have no goal', () => {
    const rows = buildRows([m('floor.echo.64', { rate: 4_000 }), m('reads.batch.8', { rate: 300 })], { quick: false });
    expect(rowOf(rows, 'reads.batch.8')).toMatchObject({ goal: '—', verdict: '—', ratio: '7.5%' });
    expect(rowOf(rows, 'floor.echo.64')).toMatchObject({ goal: '—', verdict: '—', floor: '' });
  });
});

describe('the printed table', () => {
  it('orders rows floors first, then reads, writes, events and the rest, keeping run order within a group', () => {
    const ids = sortMeasurements([m('simulate.embedded'), m('writes.record-order.64'), m('reads.standing.1'), m('floor.echo.1'), m('writes.evaluate-listing.64'), m('reads.standing.64')]).map((x) => x.id);
    expect(ids).toEqual(['floor.echo.1', 'reads.standing.1', 'reads.standing.64', 'writes.evaluate-listing.64', 'writes.record-order.64', 'simulate.embedded']);
  });

  it('is a Markdown table with a header, a rule, one line per row, then the notes', () => {
    const text = renderTable(buildRows([m('floor.echo.64', { rate: 4_711 }), m('reads.standing.64', { rate: 1_132, p50Ms: 52, p99Ms: 140, notes: ['CPU 1 ms/call'] })], { quick: false }));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\| path +\| +rate \| +p50 \| +p99 \| floor \(same run\) +\| ratio \| goal +\| met +\|$/);
    expect(lines[1]).toMatch(/^\|-+\|-+:\|/);
    expect(lines[3]).toContain('| 1,132 calls/s |');
    expect(lines[3]).toContain('| NOT met |');
    expect(text).toContain('- reads.standing.64: CPU 1 ms/call');
  });

  it('formats rates and times for reading', () => {
    expect(formatRate(4_711.4, 'calls/s')).toBe('4,711 calls/s');
    expect(formatRate(4.74, 'calls/s')).toBe('4.7 calls/s');
    expect(formatRate(2.456, 'MB/s')).toBe('2.46 MB/s');
    expect(formatMs(0.39)).toBe('390 µs');
    expect(formatMs(2.468)).toBe('2.47 ms');
    expect(formatMs(52.04)).toBe('52.0 ms');
    expect(formatMs(250)).toBe('250 ms');
    expect(formatMs(130_000)).toBe('130.0 s');
    expect(formatMs(undefined)).toBe('');
  });
});
