import { describe, expect, it } from 'vitest';
import { appendToOutbox, toOutgoing } from './outbox';
import { ThingHappenedCodec, ThingHappenedEvent, thingHappened } from './testing/test-event';

describe('toOutgoing', () => {
  it("takes the event id and time from the message's meta and encodes it for its subject", () => {
    const message = thingHappened('evt-1', 'thing-9');
    const outgoing = toOutgoing(ThingHappenedEvent, message);
    expect(outgoing).toMatchObject({
      eventId: 'evt-1',
      subject: 'govern.test.thing.happened',
      eventType: 'govern.test.v1.ThingHappened',
      occurredAt: message.meta?.occurredAt,
    });
    expect(ThingHappenedCodec.decode(outgoing.payload)).toEqual(message);
  });

  it('refuses an event without meta.event_id or occurred_at', () => {
    expect(() => toOutgoing(ThingHappenedEvent, { thingId: 'x' })).toThrow(/has no meta.event_id/);
    expect(() => toOutgoing(ThingHappenedEvent, { thingId: 'x', meta: { eventId: 'e', causationId: '', correlationId: '' } })).toThrow(
      /has no meta.occurred_at/,
    );
  });
});

describe('appendToOutbox', () => {
  it('writes all events with one INSERT in the given transaction', async () => {
    const calls: { query: string; values: unknown[] }[] = [];
    const tx = {
      $executeRawUnsafe: async (query: string, ...values: unknown[]) => {
        calls.push({ query, values });
        return values.length / 5;
      },
      $queryRawUnsafe: async <T>() => [] as T,
    };
    await appendToOutbox(tx, [toOutgoing(ThingHappenedEvent, thingHappened('a')), toOutgoing(ThingHappenedEvent, thingHappened('b'))]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.query).toContain('INSERT INTO outbox_events');
    expect(calls[0]?.values.filter((v) => v === 'a' || v === 'b')).toEqual(['a', 'b']);
    await appendToOutbox(tx, []);
    expect(calls).toHaveLength(1);
  });
});
