import type { EventMeta, EventType } from '@govern/contracts-common';
import type { SqlTx } from '@govern/platform-db';
import { traceContextForOutbox } from '@govern/platform-observability';

/** One row of `outbox_events`: an encoded event waiting for the relay. */
export interface OutgoingEvent {
  eventId: string;
  subject: string;
  eventType: string;
  payload: Uint8Array;
  occurredAt: Date;
}

/** Every event message carries `govern.common.v1.EventMeta meta = 1`. */
export interface EventMessage {
  meta?: EventMeta | undefined;
}

/** Encodes an event for the outbox; its id is the one in `meta`, so a retried use case cannot mint a second event. */
export const toOutgoing = <T extends EventMessage>(eventType: EventType<T>, message: T): OutgoingEvent => {
  const meta = message.meta;
  if (!meta?.eventId) throw new Error(`${eventType.typeName} has no meta.event_id`);
  if (!meta.occurredAt) throw new Error(`${eventType.typeName} ${meta.eventId} has no meta.occurred_at`);
  return {
    eventId: meta.eventId,
    subject: eventType.subject,
    eventType: eventType.typeName,
    payload: eventType.codec.encode(message).finish(),
    occurredAt: meta.occurredAt,
  };
};

/** Postgres takes at most 65535 bind parameters per statement. */
const ROWS_PER_INSERT = 1_000;
const COLUMNS = 6;

/**
 * Writes events into the outbox inside the caller's transaction (the one that changes
 * state), so they are published if and only if it commits. One INSERT per call (per
 * thousand events). Nothing here wakes the relay (a NOTIFY would queue the commit behind
 * every other notifying commit): call the runtime's `eventsWritten()` after committing.
 * Each row keeps the trace context current here (the call's or consumed event's span), which
 * the relay sends on as NATS headers: the consumers of these events continue this trace.
 */
export const appendToOutbox = async (tx: SqlTx, events: readonly OutgoingEvent[]): Promise<void> => {
  const traceContext = events[0] ? traceContextForOutbox({ occurredAt: events[0].occurredAt }) : null;
  for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
    const chunk = events.slice(start, start + ROWS_PER_INSERT);
    const rows = chunk.map((_, i) => {
      const p = i * COLUMNS;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}::bytea, $${p + 5}::timestamptz, $${p + 6})`;
    });
    const values = chunk.flatMap((event) => [event.eventId, event.subject, event.eventType, Buffer.from(event.payload), event.occurredAt, traceContext]);
    await tx.$executeRawUnsafe(
      `INSERT INTO outbox_events (event_id, subject, event_type, payload, occurred_at, trace_context) VALUES ${rows.join(', ')}`,
      ...values,
    );
  }
};
