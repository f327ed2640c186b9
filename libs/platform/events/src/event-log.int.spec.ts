import { describe, expect, it } from 'vitest';
import { createEventLog } from './event-log';
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
    let before: bigint | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await log.list({}, { limit: 5, ...(before !== undefined ? { before } : {}) });
      seen.push(...page.events.map((event) => event.eventId));
      if (page.continueBefore === undefined) break;
      before = page.continueBefore;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `page-${11 - i}`));
  });
});
