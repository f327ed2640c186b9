import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@govern/content-data-access';
import { ContentServiceDefinition, LivestreamState, PenaltyAction } from '@govern/contracts-content';
import type { ServiceClient } from '@govern/platform-grpc';
import { startServiceForTest, type ServiceUnderTest } from '@govern/platform-service-testing';
import { createContentService } from './content.service';
import { approveListings, startContentForTest, type ContentUnderTest } from './testing/content-test-kit';
import { openSignalStream, NONE, WARN_HOST, LIMIT_TRAFFIC, INTERRUPT, say } from './testing/signal-stream';

/**
 * Issue 15 item 4: two replicas of content on one database. A livestream's signal stream moves
 * from replica a to b and back (a client reconnecting); each replica judges on the session as
 * stored when a stream picks it up, so every signal is judged once and the escalation ladder is
 * the one a single replica would climb (same sequence as livestream.int.spec.ts).
 */
const LIVE_PRODUCT = { productId: 'p-live-kettle', merchantId: 'm-live' };

describe('livestream sessions across two replicas of content', () => {
  let a: ContentUnderTest;
  let b: ServiceUnderTest<PrismaClient>;
  let clientB: ServiceClient<typeof ContentServiceDefinition>;
  beforeAll(async () => {
    a = await startContentForTest();
    b = await startServiceForTest(createContentService(), { replicaOf: a.sut });
    clientB = b.client(ContentServiceDefinition);
    await approveListings(a, [LIVE_PRODUCT]);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  /** Sends signals on a fresh stream to one replica and closes it; the actions answered. */
  const streamTo = async (client: ServiceClient<typeof ContentServiceDefinition>, signals: [number, string][]) => {
    const stream = openSignalStream(client);
    const actions = [];
    for (const [sequence, text] of signals) {
      stream.send(say('ls-moving', sequence, text));
      actions.push(await stream.next());
    }
    await stream.close();
    return actions;
  };

  it('judges each signal once while the stream moves a → b → a, re-sent signals included', async () => {
    await a.client.startLivestream({ requestId: 'start-ls-moving', livestreamId: 'ls-moving', creatorId: 'cr-moving', title: 'Kettle live', linkedProducts: [LIVE_PRODUCT] });
    const take = (n: number): [number, string] => [n, `this kettle is unbeatable, take ${n}`];

    const onA = await streamTo(a.client, [take(1), take(2)]);
    // The client reconnects to b; it re-sends signal 2, whose answer it never saw.
    const onB = await streamTo(clientB, [take(2), take(3), take(4)]);
    // And back to a, which served this livestream before: it must not judge on what it remembered.
    const backOnA = await streamTo(a.client, [take(4), take(5), take(6)]);

    expect(onA.map((x) => x.kind)).toEqual([WARN_HOST, NONE]);
    // Signal 2 again: already judged on a, answered without a new action.
    expect(onB.map((x) => [Number(x.clientSequence), x.kind])).toEqual([
      [2, NONE],
      [3, LIMIT_TRAFFIC],
      [4, NONE],
    ]);
    expect(backOnA.map((x) => [Number(x.clientSequence), x.kind, x.level])).toEqual([
      [4, NONE, LIMIT_TRAFFIC],
      [5, NONE, LIMIT_TRAFFIC],
      [6, INTERRUPT, INTERRUPT],
    ]);

    const live = (await clientB.getLivestream({ livestreamId: 'ls-moving' })).livestream;
    expect(live).toMatchObject({ state: LivestreamState.LIVESTREAM_STATE_INTERRUPTED, warnings: 1, lastClientSequence: 6n });
    const penalties = (await a.client.listPenalties({ creatorId: 'cr-moving' })).penalties;
    expect(penalties.map((p) => [p.action, p.creditPoints]).sort()).toEqual(
      [
        [PenaltyAction.PENALTY_ACTION_LIVESTREAM_INTERRUPTED, 6],
        [PenaltyAction.PENALTY_ACTION_LIVESTREAM_LIMITED, 3],
      ].sort(),
    );
    expect((await clientB.getCreatorCredit({ creatorId: 'cr-moving' })).creatorCredit?.credit).toBe(3);
  });
});
