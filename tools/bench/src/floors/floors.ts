import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nanos } from '@nats-io/transport-node';
import pg from 'pg';
import { createServiceClient, closeServiceClient } from '@govern/platform-grpc';
import { createTestDatabase, uniqueSuffix } from '@govern/platform-testing';
import { PG_READ_FLOOR_ID, pgFloorId, type Measurement } from '../goals';
import { closedLoop, type LoadRun } from '../load';
import { machineCpuNote, sampleMachineCpu, type KnownProcesses } from '../machine-cpu';
import { cpuMsOf, startNodeProgram, waitForLine } from '../platform/processes';
import type { Scale } from '../scale';
import { ECHO_SERVICE } from './echo-service';

/**
 * The floors, measured in the same run as the services so that ratios, not the shared machine's
 * load of the moment, are compared: what grpc-js, node-postgres and nats.js alone reach here.
 */

export const fromRun = (id: string, label: string, unit: string, run: LoadRun, notes: string[] = []): Measurement => ({
  id,
  label,
  unit,
  rate: run.rate,
  p50Ms: run.p50Ms,
  p99Ms: run.p99Ms,
  calls: run.calls,
  errors: run.errors,
  ...(run.offered === undefined ? {} : { offered: run.offered }),
  notes: [
    ...notes,
    ...(run.notStarted ? [`${run.notStarted} due calls never started (service too slow for the rate)`] : []),
    ...Object.entries(run.errorKinds).map(([kind, n]) => `${n}× ${kind}`),
  ],
});

/** "CPU ms/call: echo server X, bench client Y": the floor's own cost per call, beside the services'. */
const cpuNote = (server: string, serverMs: number, clientMs: number, run: LoadRun): string => {
  const calls = Math.max(1, run.calls + run.errors);
  return `CPU ms/call: ${server} ${(serverMs / calls).toFixed(2)}, bench client ${(clientMs / calls).toFixed(2)}`;
};

/** The bench process's and the whole machine's CPU from the end of a floor's warm-up (or from its start). */
class MeasuredSpan {
  private readonly client = process.cpuUsage();
  private readonly machine = sampleMachineCpu();
  private readonly startedAt = performance.now();

  clientMs(): number {
    const used = process.cpuUsage(this.client);
    return (used.user + used.system) / 1000;
  }

  /** The machine note (empty where /proc cannot be read). */
  machineNote(run: LoadRun, known: KnownProcesses): string[] {
    const after = sampleMachineCpu();
    return this.machine && after ? [machineCpuNote(this.machine, after, performance.now() - this.startedAt, run.calls + run.errors, known)] : [];
  }
}

/** The client stack is the one the services are called with (platform-clients' options). */
const CLIENT_OPTIONS = { defaultDeadlineMs: 30_000, retry: { maxAttempts: 4, baseDelayMs: 200, allMethods: true } };

export const measureEchoFloors = async (scale: Scale): Promise<Measurement[]> => {
  const server = startNodeProgram('tools/bench/src/floors/echo-server.ts', [], { ...process.env });
  try {
    const address = await waitForLine(server, (line) => (line.startsWith('{"address"') ? (JSON.parse(line) as { address: string }).address : undefined), 'echo server');
    const client = createServiceClient(ECHO_SERVICE, address, CLIENT_OPTIONS);
    // About the size of a GetMerchantStanding answer.
    const payload = randomBytes(160);
    try {
      const run = async (inFlight: number): Promise<{ run: LoadRun; cpu: string[]; serverMsPerCall: number }> => {
        let before = cpuMsOf(server.child.pid);
        let span = new MeasuredSpan();
        const result = await closedLoop({
          inFlight,
          calls: scale.rowCalls,
          maxMs: scale.rowMs,
          warmup: scale.warmup,
          call: () => client.echo(payload),
          onMeasureStart: () => {
            before = cpuMsOf(server.child.pid);
            span = new MeasuredSpan();
          },
        });
        const serverMs = (cpuMsOf(server.child.pid) ?? Number.NaN) - (before ?? Number.NaN);
        const clientMs = span.clientMs();
        return {
          run: result,
          cpu: [cpuNote('echo server', serverMs, clientMs, result), ...span.machineNote(result, [{ label: 'echo server', ms: serverMs }, { label: 'bench client', ms: clientMs }])],
          serverMsPerCall: serverMs / Math.max(1, result.calls + result.errors),
        };
      };
      const one = await run(1);
      const many = await run(64);
      return [
        { ...fromRun('floor.echo.1', 'bare grpc-js echo, 1 in flight', 'calls/s', one.run, one.cpu), floorCostMs: one.serverMsPerCall },
        { ...fromRun('floor.echo.64', 'bare grpc-js echo, 64 in flight', 'calls/s', many.run, many.cpu), floorCostMs: many.serverMsPerCall },
      ];
    } finally {
      closeServiceClient(client);
    }
  } finally {
    await server.stop();
  }
};

/**
 * Raw node-postgres transactions of a decision write's shape: BEGIN, `inserts` single-row inserts
 * (a text key, an indexed column and a ~400-byte JSON document each), COMMIT, over a pool of 8
 * connections, with 8 or 64 callers. No trigger and no NOTIFY: the floor is what the server and
 * the driver cost, not what the service's schema adds.
 */
export const measurePgFloors = async (scale: Scale, shapes: readonly { inserts: number; inFlight: 8 | 64 }[]): Promise<Measurement[]> => {
  const database = await createTestDatabase({ prefix: 'bench_floor' });
  const pool = new pg.Pool({ connectionString: database.url, max: 8 });
  // An idle connection the server drops (a shared server: someone may terminate backends) is replaced, not fatal.
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE TABLE floor_rows (id text PRIMARY KEY, k text NOT NULL, doc jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await pool.query(`CREATE INDEX floor_rows_k_idx ON floor_rows (k)`);
    const doc = JSON.stringify({ reasons: [{ code: 'LISTING.APPROVED', message: 'x'.repeat(300), evidence: { policy: 'listing-gate' } }] });
    const run = uniqueSuffix();
    const out: Measurement[] = [];
    for (const shape of [...shapes].sort((a, b) => a.inserts - b.inserts || a.inFlight - b.inFlight)) {
      let span = new MeasuredSpan();
      const result = await closedLoop({
        inFlight: shape.inFlight,
        calls: scale.rowCalls,
        maxMs: scale.rowMs,
        warmup: scale.warmup,
        onMeasureStart: () => {
          span = new MeasuredSpan();
        },
        async call(i) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            for (let k = 0; k < shape.inserts; k++) {
              await client.query('INSERT INTO floor_rows (id, k, doc) VALUES ($1, $2, $3)', [`${run}-${shape.inserts}-${shape.inFlight}-${i}-${k}`, `m-${i % 500}`, doc]);
            }
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        },
      });
      // The bench process is this floor's whole client (pool and driver): its CPU per transaction is
      // what node-postgres alone costs a service for a write of this shape.
      const clientMs = span.clientMs();
      const clientMsPerTx = clientMs / Math.max(1, result.calls + result.errors);
      const cpuNoteText = `CPU ms/tx: node-postgres client ${clientMsPerTx.toFixed(2)}`;
      const machineNote = span.machineNote(result, [{ label: 'node-postgres client', ms: clientMs }]);
      out.push({
        ...fromRun(pgFloorId(shape.inserts, shape.inFlight), `node-postgres ${shape.inserts}-insert tx, 8 conns, ${shape.inFlight} in flight`, 'tx/s', result, [cpuNoteText, ...machineNote]),
        floorCostMs: clientMsPerTx,
      });
    }
    out.push(await measurePgRead(scale, pool, doc));
    return out;
  } finally {
    await pool.end();
    await database.drop();
  }
};

/** Rows the read floor reads from, one after another in a shuffled order. */
const READ_FLOOR_ROWS = 1_000;

/**
 * One caller reading one row by its primary key (a prepared statement, a ~400-byte JSON document
 * in the row) over the same pool: the least a read in PostgreSQL adds to a call that must make
 * one, whatever the statement. The 1-in-flight read's latency goal is judged against it.
 */
const measurePgRead = async (scale: Scale, pool: pg.Pool, doc: string): Promise<Measurement> => {
  const prefix = `read-${uniqueSuffix()}`;
  await pool.query(`INSERT INTO floor_rows (id, k, doc) SELECT $1 || g, 'm-' || (g % 500), $2::jsonb FROM generate_series(0, $3 - 1) g`, [prefix, doc, READ_FLOOR_ROWS]);
  await pool.query('ANALYZE floor_rows');
  let span = new MeasuredSpan();
  const result = await closedLoop({
    inFlight: 1,
    calls: scale.rowCalls,
    maxMs: scale.rowMs,
    warmup: scale.warmup,
    onMeasureStart: () => {
      span = new MeasuredSpan();
    },
    call: (i) => pool.query({ name: 'floor_read', text: 'SELECT id, k, doc FROM floor_rows WHERE id = $1', values: [`${prefix}${(i * 7919) % READ_FLOOR_ROWS}`] }),
  });
  const clientMs = span.clientMs();
  const clientMsPerRead = clientMs / Math.max(1, result.calls + result.errors);
  return {
    ...fromRun(PG_READ_FLOOR_ID, 'node-postgres read of one row by primary key, 1 in flight', 'reads/s', result, [
      `CPU ms/read: node-postgres client ${clientMsPerRead.toFixed(2)}`,
      ...span.machineNote(result, [{ label: 'node-postgres client', ms: clientMs }]),
    ]),
    floorCostMs: clientMsPerRead,
  };
};

/**
 * nats.js on JetStream: acked publishes (msgID and an event-type header, ~300-byte payload, a file
 * stream with a duplicate window, as the outbox relay publishes) with 256 awaiting their ack,
 * then a durable pull consumer reading them back with an ack each.
 */
export const measureNatsFloors = async (scale: Scale, natsUrl: string): Promise<Measurement[]> => {
  const nc = await connect({ servers: natsUrl, name: 'govern-bench-floor' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc, { timeout: 10_000 });
  const name = `bench${uniqueSuffix()}_FLOOR`;
  const subject = `${name.toLowerCase()}.floor.sent`;
  try {
    await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File, duplicate_window: nanos(120_000) });
    const payload = randomBytes(300);
    let span = new MeasuredSpan();
    const publish = await closedLoop({
      inFlight: 256,
      calls: scale.rowCalls * 4,
      maxMs: scale.rowMs,
      warmup: scale.warmup,
      onMeasureStart: () => {
        span = new MeasuredSpan();
      },
      call: (i) => {
        const headers = natsHeaders();
        headers.set('Govern-Event-Type', 'govern.bench.v1.FloorSent');
        return js.publish(subject, payload, { msgID: `floor-${i}`, headers });
      },
    });
    const publishClientMs = span.clientMs();
    const publishMachine = span.machineNote(publish, [{ label: 'nats.js client', ms: publishClientMs }]);
    const stored = (await jsm.streams.info(name)).state.messages;
    await jsm.consumers.add(name, { durable_name: 'bench_floor', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_ack_pending: 10_000 });
    const consumer = await js.consumers.get(name, 'bench_floor');
    const messages = await consumer.consume({ max_messages: 1_000 });
    const started = performance.now();
    const consumeCpu = process.cpuUsage();
    let read = 0;
    for await (const message of messages) {
      message.ack();
      read += 1;
      if (read >= stored) break;
    }
    const elapsed = performance.now() - started;
    const consumeUsed = process.cpuUsage(consumeCpu);
    await messages.close();
    const consumeClientMs = (consumeUsed.user + consumeUsed.system) / 1000 / Math.max(1, read);
    return [
      // The least an event costs a service in the client: its publish here and its consume + ack below.
      { ...fromRun('floor.nats.publish', 'nats.js acked publish, 256 awaiting acks', 'msgs/s', publish, publishMachine), floorCostMs: publishClientMs / Math.max(1, publish.calls + publish.errors) + consumeClientMs },
      { id: 'floor.nats.consume', label: 'nats.js pull consume + ack', unit: 'msgs/s', rate: (read * 1000) / elapsed, calls: read, notes: [`CPU ms/msg: nats.js client ${consumeClientMs.toFixed(3)}`], floorCostMs: consumeClientMs },
    ];
  } finally {
    await jsm.streams.delete(name).catch(() => undefined);
    await nc.close();
  }
};
