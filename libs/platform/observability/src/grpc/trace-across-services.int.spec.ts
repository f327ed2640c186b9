import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createChannel, createClient, createClientFactory, createServer, ServerError, Status, type Channel, type Server } from 'nice-grpc';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectedSpanOf, type CollectedSpan } from '../testing/otlp-collector-stub';
import { EdgeDefinition, LedgerDefinition, memoryLogger, type Note } from '../testing/json-service.fixture';
import { startTelemetry, type Telemetry } from '../telemetry/telemetry';
import { withConsumerSpan } from '../tracing/event-spans';
import { cascadeStartedAt, natsHeadersFrom, traceContextForOutbox } from '../tracing/trace-context';
import { serverTracingMiddleware } from './grpc-server-observation';
import { clientTracingMiddleware } from './grpc-tracing';

/**
 * One trace across the way a Govern cascade travels: a caller's client span → the edge
 * service (server span, then a client span to the ledger) → the ledger's server span, which
 * writes an outbox-like row with `traceContextForOutbox()` → the relay's `natsHeadersFrom()`
 * → a consumer in a third service continuing the trace with `withConsumerSpan()`. Two real
 * nice-grpc servers on 127.0.0.1; spans from four services go to one in-memory exporter.
 */
const exporter = new InMemorySpanExporter();
const telemetry = (serviceName: string): Telemetry => startTelemetry({ serviceName, exporter });
const caller = telemetry('caller');
const edge = telemetry('edge');
const ledger = telemetry('ledger');
const downstream = telemetry('downstream');

class ReasonedError extends ServerError {
  constructor(
    code: Status,
    details: string,
    readonly reason: string,
  ) {
    super(code, details);
  }
}

const ledgerLog = memoryLogger();
const consumerLog = memoryLogger();
/** Rows the ledger "committed", as an outbox would hold them. */
const outbox: { eventId: string; subject: string; occurredAt: Date; traceContext: string | null }[] = [];

let ledgerServer: Server;
let edgeServer: Server;
let ledgerChannel: Channel;
let edgeChannel: Channel;

const spans = (): CollectedSpan[] => exporter.getFinishedSpans().map(collectedSpanOf);

beforeAll(async () => {
  ledgerServer = createServer().use(serverTracingMiddleware(ledger));
  ledgerServer.add(LedgerDefinition, {
    async record(request: Note): Promise<Note> {
      ledgerLog.logger.info('recording');
      await new Promise((resolve) => setTimeout(resolve, 2));
      const occurredAt = new Date();
      // One per unit of work, stored on each of its rows.
      const traceContext = traceContextForOutbox({ occurredAt });
      outbox.push({ eventId: `ev-${outbox.length + 1}`, subject: 'govern.ledger.note.recorded', occurredAt, traceContext });
      ledgerLog.logger.info('recorded');
      return { text: `recorded ${request.text}` };
    },
    async fail(request: Note): Promise<Note> {
      if (request.text === 'missing') throw new ReasonedError(Status.NOT_FOUND, 'no such note', 'NOTE.NOT_FOUND');
      throw new Error('the database went away');
    },
    async *ticks(request: Note) {
      for (let i = 0; i < Number(request.text); i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        ledgerLog.logger.info({ tick: i }, 'tick');
        yield { text: String(i) };
      }
    },
  });
  const ledgerPort = await ledgerServer.listen('127.0.0.1:0');
  ledgerChannel = createChannel(`127.0.0.1:${ledgerPort}`);
  const ledgerClient = createClientFactory().use(clientTracingMiddleware(edge, { address: `127.0.0.1:${ledgerPort}` })).create(LedgerDefinition, ledgerChannel);

  edgeServer = createServer().use(serverTracingMiddleware(edge));
  edgeServer.add(EdgeDefinition, {
    async forward(request: Note): Promise<Note> {
      return ledgerClient.record(request);
    },
  });
  const edgePort = await edgeServer.listen('127.0.0.1:0');
  edgeChannel = createChannel(`127.0.0.1:${edgePort}`);
});

afterAll(async () => {
  edgeChannel.close();
  ledgerChannel.close();
  await Promise.all([edgeServer.shutdown(), ledgerServer.shutdown()]);
  await Promise.all([caller, edge, ledger, downstream].map((t) => t.shutdown()));
});

beforeEach(() => {
  exporter.reset();
  outbox.length = 0;
  ledgerLog.lines.length = 0;
  consumerLog.lines.length = 0;
});

describe('one trace from a call to the effect of its event in another service', () => {
  it('links client, servers, the stored outbox context, the NATS headers and the consumer span', async () => {
    const edgeClient = createClientFactory().use(clientTracingMiddleware(caller)).create(EdgeDefinition, edgeChannel);
    await expect(edgeClient.forward({ text: 'n-1' })).resolves.toEqual({ text: 'recorded n-1' });

    // The relay, later and elsewhere: the row's stored context becomes message headers.
    const [row] = outbox;
    const headers = natsHeadersFrom(row?.traceContext);
    let settleFrom: Date | undefined;
    await withConsumerSpan(
      downstream,
      { headers, subject: row?.subject ?? '', consumer: 'downstream_notes', eventId: row?.eventId ?? '', eventType: 'govern.ledger.v1.NoteRecorded', deliveryCount: 1, stream: 'GOVERN_LEDGER' },
      async () => {
        consumerLog.logger.info('handling');
        settleFrom = cascadeStartedAt();
      },
    );

    const all = spans();
    const byName = (service: string, kind: CollectedSpan['kind']): CollectedSpan => {
      const found = all.filter((s) => s.service === service && s.kind === kind);
      expect(found, `${service} ${kind}`).toHaveLength(1);
      return found[0] as CollectedSpan;
    };
    const callerClient = byName('caller', 'CLIENT');
    const edgeServerSpan = byName('edge', 'SERVER');
    const edgeClientSpan = byName('edge', 'CLIENT');
    const ledgerServerSpan = byName('ledger', 'SERVER');
    const consumerSpan = byName('downstream', 'CONSUMER');

    expect(new Set(all.map((s) => s.traceId)).size).toBe(1);
    expect(callerClient.parentSpanId).toBeUndefined();
    expect(edgeServerSpan.parentSpanId).toBe(callerClient.spanId);
    expect(edgeClientSpan.parentSpanId).toBe(edgeServerSpan.spanId);
    expect(ledgerServerSpan.parentSpanId).toBe(edgeClientSpan.spanId);
    // The consumer continues from the span that wrote the row.
    expect(consumerSpan.parentSpanId).toBe(ledgerServerSpan.spanId);
    // Causal order.
    const order = [callerClient, edgeServerSpan, edgeClientSpan, ledgerServerSpan, consumerSpan].map((s) => s.startTimeUnixNano);
    expect([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(order);
    expect(consumerSpan.startTimeUnixNano).toBeGreaterThanOrEqual(ledgerServerSpan.endTimeUnixNano);

    expect(ledgerServerSpan).toMatchObject({
      name: 'govern.test.v1.Ledger/Record',
      attributes: { 'rpc.system': 'grpc', 'rpc.service': 'govern.test.v1.Ledger', 'rpc.method': 'Record', 'rpc.grpc.status_code': 0, 'network.peer.address': '127.0.0.1' },
      statusCode: 0,
    });
    expect(edgeClientSpan.attributes).toMatchObject({ 'server.address': '127.0.0.1', 'rpc.grpc.status_code': 0 });
    expect(consumerSpan).toMatchObject({
      name: 'process govern.ledger.note.recorded',
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'govern.ledger.note.recorded',
        'messaging.consumer.group.name': 'downstream_notes',
        'messaging.message.id': 'ev-1',
        'govern.event.delivery_count': 1,
      },
    });

    // Log lines inside the call and the consumed event name their span.
    expect(ledgerLog.lines.map((l) => [l.msg, l.trace_id, l.span_id])).toEqual([
      ['recording', ledgerServerSpan.traceId, ledgerServerSpan.spanId],
      ['recorded', ledgerServerSpan.traceId, ledgerServerSpan.spanId],
    ]);
    expect(consumerLog.lines[0]).toMatchObject({ trace_id: consumerSpan.traceId, span_id: consumerSpan.spanId });
    // The cascade started when the ledger's event occurred.
    expect(settleFrom?.toISOString()).toBe(row?.occurredAt.toISOString());
  });

  it('a second call is a second trace', async () => {
    const edgeClient = createClientFactory().use(clientTracingMiddleware(caller)).create(EdgeDefinition, edgeChannel);
    await edgeClient.forward({ text: 'a' });
    await edgeClient.forward({ text: 'b' });
    const traces = new Set(spans().map((s) => s.traceId));
    expect(traces.size).toBe(2);
  });

  it('records the status a client sees: the caller’s mistake is not a server error, a crash is', async () => {
    const client = createClientFactory().use(clientTracingMiddleware(caller)).create(LedgerDefinition, ledgerChannel);
    await expect(client.fail({ text: 'missing' })).rejects.toMatchObject({ code: Status.NOT_FOUND });
    await expect(client.fail({ text: 'crash' })).rejects.toMatchObject({ code: Status.UNKNOWN });
    const servers = spans().filter((s) => s.kind === 'SERVER');
    const clients = spans().filter((s) => s.kind === 'CLIENT');
    expect(servers.map((s) => [s.attributes['rpc.grpc.status_code'], s.statusCode, s.attributes['govern.error.reason']])).toEqual([
      [Status.NOT_FOUND, 0, 'NOTE.NOT_FOUND'],
      [Status.UNKNOWN, 2, undefined],
    ]);
    expect(clients.map((s) => [s.attributes['rpc.grpc.status_code'], s.statusCode])).toEqual([
      [Status.NOT_FOUND, 2],
      [Status.UNKNOWN, 2],
    ]);
    // Error messages may quote input: they stay out of spans.
    expect(JSON.stringify(spans(), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toMatch(/database went away|no such note/);
  });

  it('keeps a server stream in its span across yields, and a client that goes away leaves it CANCELLED', async () => {
    const client = createClient(LedgerDefinition, ledgerChannel);
    const received: string[] = [];
    for await (const tick of client.ticks({ text: '3' })) received.push(tick.text);
    expect(received).toEqual(['0', '1', '2']);
    const [complete] = spans();
    expect(complete?.attributes['rpc.grpc.status_code']).toBe(Status.OK);
    expect(ledgerLog.lines.map((l) => l.span_id)).toEqual([complete?.spanId, complete?.spanId, complete?.spanId]);

    exporter.reset();
    const controller = new AbortController();
    const stream = client.ticks({ text: '1000' }, { signal: controller.signal });
    await expect(
      (async () => {
        for await (const tick of stream) if (tick.text === '2') controller.abort();
      })(),
    ).rejects.toThrow();
    await expect.poll(() => spans().length, { timeout: 5_000 }).toBe(1);
    expect(spans()[0]?.attributes['rpc.grpc.status_code']).toBe(Status.CANCELLED);
  });
});
