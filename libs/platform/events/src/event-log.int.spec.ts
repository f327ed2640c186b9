import { describe, expect, it } from 'vitest';
import { createEventLog, type EventPageKey } from './event-log';
import { toOutgoing } from './outbox';
import { useFlowWorlds } from './testing/flow-fixture';
import { ThingHappenedEvent, thingHappened } from './testing/test-event';

/** The outbox as operators page through it (`govern events`, the console). */
describe('event log', () => {
  const { flowFixture } = useFlowWorlds();

  it('pages newest first in outbox id order past a power of ten (not the text order in which 9 comes before 12)', async () => {
    const { fixture } = await flowFixture();
    await fixture.produce(Array.from({ length: 12 }, (_, i) => toOutgoing(ThingHappenedEvent, thingHappened(`page-${i}`))));
    const log = createEventLog({ db: fixture.db });
    const seen: string[] = [];
    let before: EventPageKey | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await log.list({}, { limit: 5, ...(before !== undefined ? { before } : {}) });
      seen.push(...page.events.map((event) => event.eventId));
      if (page.continueBefore === undefined) break;
      before = page.continueBefore;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `page-${11 - i}`));
  });

  it('pages a time window newest occurrence first, through scan-bounded pages of a payload filter, each event once', async () => {
    const { fixture } = await flowFixture();
    const base = Date.UTC(2026, 11, 1);
    // Committed in the reverse of their occurrence (outbox ids disagree with time), in and around
    // the window; three of the flow looked for occurred in the same millisecond (3 s).
    const occurrences = (
      [[0, 'x'], [1, 'y'], [3, 'x'], [3, 'x'], [3, 'y'], [3, 'x'], [5, 'y'], [6, 'x'], [6, 'y'], [8, 'y'], [9, 'x'], [11, 'y'], [12, 'x'], [13, 'x']] as const
    ).map(([seconds, flow], i) => ({ eventId: `w-${i}`, at: new Date(base + seconds * 1_000), flow: `flow-${flow}` }));
    await fixture.produce(
      occurrences
        .map(({ eventId, at, flow }) => toOutgoing(ThingHappenedEvent, { ...thingHappened(eventId), meta: { eventId, occurredAt: at, causationId: '', correlationId: flow } }))
        .reverse(),
    );
    const window = { start: new Date(base + 1_000), end: new Date(base + 13_000) };
    // The flow's events in the window, newest occurrence first; at 3 s the later commit (w-2) first.
    const expected = ['w-12', 'w-10', 'w-7', 'w-2', 'w-3', 'w-5'];
    const log = createEventLog({ db: fixture.db, maxScan: 3 });
    const seen: string[] = [];
    let before: EventPageKey | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await log.list({ window, correlationId: 'flow-x' }, { limit: 2, ...(before ? { before } : {}) });
      seen.push(...page.events.map((event) => event.eventId));
      if (page.continueBefore === undefined) break;
      expect(page.continueBefore.occurredAt).toBeInstanceOf(Date);
      before = page.continueBefore;
    }
    expect(seen).toEqual(expected);
  });
});
