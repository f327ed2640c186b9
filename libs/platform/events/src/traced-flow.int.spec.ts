import { createServiceMetrics, inSpan, parseExposition, sampleValue, startTelemetry } from '@govern/platform-observability';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { startConsumer } from './consumer';
import { observeConsumersOn } from './consumer-observation';
import type { EventBus } from './event-bus';
import { createJetStreamBus } from './jetstream-bus';
import { appendToOutbox, toOutgoing } from './outbox';
import { createOutboxRelay } from './outbox-relay';
import { silentLog, useFlowWorlds } from './testing/flow-fixture';
import { TEST_STREAM, ThingHappenedEvent, ThingRemovedEvent, thingHappened, type ThingHappened } from './testing/test-event';
import { eventually } from './testing/wait';

/**
 * Issue 14 on the real path (PostgreSQL outbox, relay, JetStream, inbox consumer): the row
 * keeps the writer's trace context, the relay sends it as headers, the consumer's span
 * continues that trace and the events it writes carry it on; relay and consumer count what
 * they did.
 */
describe('a traced event flow', () => {
  const { flowFixture, cleanup } = useFlowWorlds();

  it('continues the producer trace in the consumer, carries it into the events the consumer writes, and counts deliveries by outcome', async () => {
    const { fixture, natsUrl } = await flowFixture();
    const exporter = new InMemorySpanExporter();
    const telemetry = startTelemetry({ serviceName: 'test', exporter });
    const metrics = createServiceMetrics({ serviceName: 'test', processMetrics: false });
    const bus: EventBus = await createJetStreamBus({ natsUrl, log: silentLog, namespace: fixture.namespace });
    cleanup.push(() => bus.close());
    await bus.ensureStreams([TEST_STREAM]);

    const relay = createOutboxRelay({ pool: fixture.pool, bus, log: silentLog, listen: false, idlePollMs: 50, metrics });
    cleanup.push(() => relay.stop());
    await relay.start();

    const { db } = fixture;
    const consumer = await startConsumer({
      bus: observeConsumersOn(bus, { telemetry, metrics }),
      db,
      consumer: 'test_traced',
      stream: TEST_STREAM.name,
      eventTypes: [ThingHappenedEvent, ThingRemovedEvent],
      log: silentLog,
      handler: async (event: ThingHappened, ctx) => {
        // A cascade step: this handler's event goes out through the outbox too.
        if (ctx.typeName === ThingHappenedEvent.typeName) {
          await appendToOutbox(ctx.tx, [toOutgoing(ThingRemovedEvent, thingHappened(`${event.thingId}-next`))]);
        }
      },
    });
    cleanup.push(() => consumer.stop());

    const first = toOutgoing(ThingHappenedEvent, thingHappened('first'));
    const producer = await inSpan(telemetry.tracer, 'produce', {}, async (span) => {
      await fixture?.produce([first]);
      return span.spanContext();
    });
    relay.kick();
    await eventually('both consumer spans', () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER).length === 2);
    // Then the same event again under another message id (the inbox drops it), and one nobody can read.
    await bus.publish([{ subject: first.subject, eventId: 'copy-of-first', eventType: first.eventType, payload: first.payload }]);
    await bus.publish([{ subject: first.subject, eventId: 'unreadable', eventType: 'govern.test.v1.Nope', payload: new Uint8Array([1]) }]);

    const consumerSpans = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === producer.traceId);
    const [handledFirst, handledNext] = consumerSpans;
    expect(consumerSpans).toHaveLength(2);
    expect(handledFirst?.name).toBe('process govern.test.thing.happened');
    expect(handledFirst?.parentSpanContext?.spanId).toBe(producer.spanId);
    // The consumer's own event was written inside its span: the next hop's parent.
    expect(handledNext?.name).toBe('process govern.test.thing.removed');
    expect(handledNext?.parentSpanContext?.spanId).toBe(handledFirst?.spanContext().spanId);

    await eventually('the relay has published all three rows', async () => (await relay.counts()).unpublished === 0);
    const { rows } = await fixture.pool.query<{ trace_context: string }>(`SELECT trace_context FROM outbox_events ORDER BY id`);
    expect(rows.map((row) => JSON.parse(row.trace_context).traceparent.split('-')[1])).toEqual([producer.traceId, producer.traceId]);

    await eventually('counts settled', async () => {
      const now = parseExposition(await metrics.text());
      return sampleValue(now, 'govern_consumer_messages_total', { consumer: 'test_traced', outcome: 'dead_lettered' }) === 1;
    });
    const settled = parseExposition(await metrics.text());
    expect(sampleValue(settled, 'govern_consumer_messages_total', { consumer: 'test_traced', outcome: 'handled' })).toBe(2);
    expect(sampleValue(settled, 'govern_consumer_messages_total', { consumer: 'test_traced', outcome: 'duplicate' })).toBe(1);
    expect(sampleValue(settled, 'govern_outbox_published_total')).toBe(2);
    expect(sampleValue(settled, 'govern_consumer_messages_total', { consumer: 'test_traced', outcome: 'failed' })).toBeUndefined();
    expect(exporter.getFinishedSpans().find((s) => s.attributes['govern.event.type'] === 'govern.test.v1.Nope')?.status.code).toBe(2);
  });
});
