import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequest, ErrorInfo, type Status } from '@govern/contracts-common';
import { ComplaintCategory, ComplaintFiledEvent, ComplaintTargetType, ContentAttributionReportedEvent } from '@govern/contracts-consumer-experience';
import {
  AssessmentTrigger,
  ContentAssessedEvent,
  CreatorLinkingSuspendedEvent,
  CreatorStanding,
  LivestreamActionKind,
  LivestreamInterruptedEvent,
  LivestreamState,
  PenaltyAction,
  ProductLinkState,
  ViolationSeverity,
} from '@govern/contracts-content';
import { CONTENT_POLICY } from '@govern/content-domain';
import { approveListings, errorOf, eventually, meta, startContentForTest, type ContentUnderTest } from './testing/content-test-kit';
import { openSignalStream, NONE, WARN_HOST, LIMIT_TRAFFIC, INTERRUPT, say } from './testing/signal-stream';

const LIVE_PRODUCT = { productId: 'p-live-tea', merchantId: 'm-live' };

/** The BadRequest field violations and ErrorInfo reason an error action carries. */
const decodeError = (status: Status | undefined) => {
  const detail = (suffix: string) => status?.details.find((d) => d.typeUrl.endsWith(suffix))?.value;
  const badRequest = detail('google.rpc.BadRequest');
  const info = detail('google.rpc.ErrorInfo');
  return {
    code: status?.code,
    reason: info ? ErrorInfo.decode(info).reason : undefined,
    fields: badRequest ? BadRequest.decode(badRequest).fieldViolations.map((v) => `${v.field}:${v.reason}`) : [],
  };
};

describe('livestreams over gRPC', () => {
  let cut: ContentUnderTest;
  beforeAll(async () => {
    cut = await startContentForTest();
    await approveListings(cut, [LIVE_PRODUCT]);
  });
  afterAll(async () => cut?.stop());

  const start = (livestreamId: string, creatorId: string) =>
    cut.client.startLivestream({ requestId: `start-${livestreamId}`, livestreamId, creatorId, title: 'Spring tea tasting live', linkedProducts: [LIVE_PRODUCT] });

  it('interrupts a livestream on a severe claim on the stream itself, and LivestreamInterrupted reaches NATS', async () => {
    const started = await start('ls-severe', 'cr-severe');
    expect(started.livestream).toMatchObject({ state: LivestreamState.LIVESTREAM_STATE_LIVE, level: NONE, trafficWeight: 1 });
    expect(started.livestream?.productLinks).toMatchObject([{ productId: LIVE_PRODUCT.productId, state: ProductLinkState.PRODUCT_LINK_STATE_ACTIVE }]);

    const stream = openSignalStream(cut.client);
    stream.send(say('ls-severe', 1, 'Welcome everyone to the spring tasting'));
    expect(await stream.next()).toMatchObject({ livestreamId: 'ls-severe', clientSequence: 1n, kind: NONE, level: NONE, error: undefined });
    stream.send(say('ls-severe', 2, 'and honestly, this tea cures cancer'));
    const cut_ = await stream.next();
    expect(cut_).toMatchObject({ clientSequence: 2n, kind: INTERRUPT, level: INTERRUPT, trafficWeight: 0 });
    expect(cut_.reasons.map((r) => r.code)).toEqual(['LIVESTREAM.CLAIM', 'LIVESTREAM.CRITICAL_CLAIM']);

    const interrupted = await eventually(async () => cut.events.of(LivestreamInterruptedEvent).find((e) => e.livestreamId === 'ls-severe'), 'LivestreamInterrupted on NATS');
    expect(interrupted).toMatchObject({ creatorId: 'cr-severe', clientSequence: 2n, productIds: [LIVE_PRODUCT.productId] });
    expect(interrupted.penaltyId).not.toBe('');

    // The client retries the same signal: answered again, applied once.
    stream.send(say('ls-severe', 2, 'and honestly, this tea cures cancer'));
    expect(await stream.next()).toMatchObject({ clientSequence: 2n, kind: NONE, level: INTERRUPT, error: undefined });
    stream.send(say('ls-severe', 3, 'are we still on?'));
    expect(decodeError((await stream.next()).error)).toMatchObject({ code: 9, reason: 'LIVESTREAM.NOT_LIVE' });
    await stream.close();

    expect((await cut.client.getLivestream({ livestreamId: 'ls-severe' })).livestream).toMatchObject({ state: LivestreamState.LIVESTREAM_STATE_INTERRUPTED, level: INTERRUPT });
    const penalties = await cut.client.listPenalties({ creatorId: 'cr-severe' });
    expect(penalties.penalties).toMatchObject([{ action: PenaltyAction.PENALTY_ACTION_LIVESTREAM_INTERRUPTED, severity: ViolationSeverity.VIOLATION_SEVERITY_CRITICAL, livestreamId: 'ls-severe' }]);
    expect(cut.events.of(LivestreamInterruptedEvent).filter((e) => e.livestreamId === 'ls-severe')).toHaveLength(1);
  });

  it('answers malformed messages with an error action and keeps the stream open', async () => {
    await start('ls-noisy', 'cr-noisy');
    const stream = openSignalStream(cut.client);
    const cases: [Parameters<typeof stream.send>[0], { code: number; fields?: string[]; reason?: string }][] = [
      [{}, { code: 3, fields: ['signal:REQUIRED'] }],
      [{ signal: { livestreamId: 'ls-noisy', clientSequence: 1n } }, { code: 3, fields: ['signal.payload:REQUIRED'] }],
      [say('ls-noisy', 0, ''), { code: 3, fields: ['signal.client_sequence:OUT_OF_RANGE', 'signal.transcript_segment.text:REQUIRED'] }],
      [say('ls-noisy', 1, 'x'.repeat(CONTENT_POLICY.limits.maxLiveSegmentChars + 1)), { code: 3, fields: ['signal.transcript_segment.text:TOO_LONG'] }],
      [
        { signal: { ...say('ls-noisy', 1, 'hi').signal, observeTime: new Date(cut.sut.clock.now().getTime() + 60_000) } },
        { code: 3, fields: ['signal.observe_time:IN_FUTURE'] },
      ],
      [
        { signal: { ...say('ls-noisy', 1, 'hi').signal, viewerSignal: { newReports: 1, viewerCount: 10n, reportCategory: '' } } },
        { code: 3, fields: ['signal.payload:CONFLICT'] },
      ],
      [{ signal: { livestreamId: 'ls-noisy', clientSequence: 1n, viewerSignal: { newReports: -2, viewerCount: 10n, reportCategory: '' } } }, { code: 3, fields: ['signal.viewer_signal.new_reports:OUT_OF_RANGE'] }],
      [say('ls-unknown', 1, 'hello'), { code: 5, reason: 'LIVESTREAM.NOT_FOUND' }],
    ];
    for (const [message, expected] of cases) {
      stream.send(message);
      const action = await stream.next();
      expect(action.kind).toBe(NONE);
      const error = decodeError(action.error);
      expect(error.code).toBe(expected.code);
      if (expected.fields) expect(error.fields.sort()).toEqual([...expected.fields].sort());
      if (expected.reason) expect(error.reason).toBe(expected.reason);
    }
    stream.send(say('ls-noisy', 1, 'Hello, the stream is still here'));
    expect(await stream.next()).toMatchObject({ livestreamId: 'ls-noisy', clientSequence: 1n, kind: NONE, level: NONE, error: undefined });
    await stream.close();
  });

  it('escalates by repetition: warns the host, then limits traffic, then interrupts, one step per signal', async () => {
    await start('ls-repeat', 'cr-repeat');
    const stream = openSignalStream(cut.client);
    const kinds: LivestreamActionKind[] = [];
    const weights: number[] = [];
    for (let seq = 1; seq <= 6; seq++) {
      stream.send(say('ls-repeat', seq, `this kettle is unbeatable, take ${seq}`));
      const action = await stream.next();
      kinds.push(action.kind);
      weights.push(action.trafficWeight);
    }
    await stream.close();
    expect(kinds).toEqual([WARN_HOST, NONE, LIMIT_TRAFFIC, NONE, NONE, INTERRUPT]);
    expect(weights).toEqual([1, 1, 0.3, 0.3, 0.3, 0]);
    const live = (await cut.client.getLivestream({ livestreamId: 'ls-repeat' })).livestream;
    expect(live).toMatchObject({ state: LivestreamState.LIVESTREAM_STATE_INTERRUPTED, warnings: 1, lastClientSequence: 6n });
    const penalties = (await cut.client.listPenalties({ creatorId: 'cr-repeat' })).penalties;
    expect(penalties.map((p) => [p.action, p.creditPoints]).sort()).toEqual(
      [
        [PenaltyAction.PENALTY_ACTION_LIVESTREAM_INTERRUPTED, 6],
        [PenaltyAction.PENALTY_ACTION_LIVESTREAM_LIMITED, 3],
      ].sort(),
    );
    expect((await cut.client.getCreatorCredit({ creatorId: 'cr-repeat' })).creatorCredit?.credit).toBe(3);
  });

  it('cascade 3: a complaint about a misleading livestream re-assesses it, deducts credit and suspends linking at the threshold', async () => {
    const { client, sut, events } = cut;
    await client.deductCreatorCredit({
      requestId: 'r-c3-earlier',
      creatorId: 'cr-c3',
      severity: ViolationSeverity.VIOLATION_SEVERITY_MEDIUM,
      operatorId: 'op-1',
      reasons: [{ code: 'MANUAL.EARLIER', message: 'earlier misleading video', evidence: {}, weight: 0 }],
    });
    await start('ls-c3', 'cr-c3');
    const stream = openSignalStream(client);
    stream.send(say('ls-c3', 1, 'This is the cheapest oolong you will ever find'));
    expect(await stream.next()).toMatchObject({ kind: WARN_HOST });
    await stream.close();
    const ended = await client.endLivestream({ requestId: 'end-ls-c3', livestreamId: 'ls-c3' });
    expect(ended.livestream?.state).toBe(LivestreamState.LIVESTREAM_STATE_ENDED);
    expect((await client.getCreatorCredit({ creatorId: 'cr-c3' })).creatorCredit?.credit).toBe(9);

    // The buyer's complaint about the session (each delivery a new event).
    const complaintFiled = () => ({
      meta: meta(sut),
      complaintId: 'cmp-c3',
      targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT,
      targetId: 'ls-c3',
      merchantId: LIVE_PRODUCT.merchantId,
      orderId: 'o-1',
      category: ComplaintCategory.COMPLAINT_CATEGORY_MISLEADING_CLAIM,
      text: 'The host said it was the cheapest; it was not.',
      buyerId: 'b-1',
      productId: LIVE_PRODUCT.productId,
      contentId: 'ls-c3',
    });
    await sut.publish(ComplaintFiledEvent, complaintFiled());
    const suspended = await eventually(async () => events.of(CreatorLinkingSuspendedEvent).find((e) => e.creatorId === 'cr-c3'), 'linking suspended');
    expect(suspended.credit).toBe(3);
    const reassessed = events.of(ContentAssessedEvent).find((e) => e.contentId === 'ls-c3' && e.trigger === AssessmentTrigger.ASSESSMENT_TRIGGER_COMPLAINT);
    expect(reassessed?.violations.map((v) => v.reason?.evidence['term'])).toEqual(['cheapest']);
    expect((await client.getCreatorCredit({ creatorId: 'cr-c3' })).creatorCredit).toMatchObject({ credit: 3, standing: CreatorStanding.CREATOR_STANDING_LINKING_SUSPENDED, linkingAllowed: false });

    // The same complaint delivered again (a new event, the same complaint id) re-assesses nothing. The
    // attribution report behind it goes through the same consumer, so once it shows, the duplicate was handled.
    const penaltiesBefore = (await client.listPenalties({ creatorId: 'cr-c3' })).penalties.length;
    await sut.publish(ComplaintFiledEvent, complaintFiled());
    await sut.publish(ContentAttributionReportedEvent, {
      meta: meta(sut),
      contentId: 'ls-severe',
      creatorId: 'cr-severe',
      window: { startTime: new Date(sut.clock.now().getTime() - 3_600_000), endTime: sut.clock.now() },
      orders: 40n,
      refunds: 2n,
      complaints: 0n,
      refundRate: 0.05,
      complaintRate: 0,
    });
    await eventually(
      async () => events.of(ContentAssessedEvent).find((e) => e.contentId === 'ls-severe' && e.trigger === AssessmentTrigger.ASSESSMENT_TRIGGER_SIGNAL_UPDATE),
      'the attribution re-assessment',
    );
    expect(events.of(ContentAssessedEvent).filter((e) => e.contentId === 'ls-c3' && e.trigger === AssessmentTrigger.ASSESSMENT_TRIGGER_COMPLAINT)).toHaveLength(1);
    expect((await client.listPenalties({ creatorId: 'cr-c3' })).penalties).toHaveLength(penaltiesBefore);
    expect((await client.getCreatorCredit({ creatorId: 'cr-c3' })).creatorCredit?.credit).toBe(3);

    // The same window reported again, and a window ending far ahead of the clock, re-assess nothing;
    // a newer window does (published last on the same stream: when it is in, the others were handled).
    const attribution = (endTime: Date, refunds: bigint) => ({
      meta: meta(sut),
      contentId: 'ls-severe',
      creatorId: 'cr-severe',
      window: { startTime: new Date(endTime.getTime() - 3_600_000), endTime },
      orders: 40n,
      refunds,
      complaints: 0n,
      refundRate: Number(refunds) / 40,
      complaintRate: 0,
    });
    const reassessments = () => events.of(ContentAssessedEvent).filter((e) => e.contentId === 'ls-severe' && e.trigger === AssessmentTrigger.ASSESSMENT_TRIGGER_SIGNAL_UPDATE);
    const now = sut.clock.now();
    await sut.publish(ContentAttributionReportedEvent, attribution(now, 3n));
    await sut.publish(ContentAttributionReportedEvent, attribution(new Date(now.getTime() + 365 * 86_400_000), 30n));
    await sut.publish(ContentAttributionReportedEvent, attribution(new Date(now.getTime() + 60_000), 4n));
    await eventually(async () => (reassessments().length >= 2 ? true : undefined), 'the newer window re-assessed');
    expect(reassessments()).toHaveLength(2);
  });

  it('starts a livestream once, ends it idempotently, and names unknown sessions', async () => {
    const { client } = cut;
    await start('ls-once', 'cr-once');
    const twice = await errorOf(client.startLivestream({ requestId: 'start-ls-once-2', livestreamId: 'ls-once', creatorId: 'cr-once', title: 'again' }));
    expect(twice).toMatchObject({ codeName: 'ALREADY_EXISTS', reason: 'LIVESTREAM.ALREADY_STARTED' });
    const first = await client.endLivestream({ requestId: 'end-ls-once', livestreamId: 'ls-once' });
    const again = await client.endLivestream({ requestId: 'end-ls-once-2', livestreamId: 'ls-once' });
    expect(again.livestream).toEqual(first.livestream);
    const bad = await errorOf(client.startLivestream({ requestId: '', livestreamId: '', creatorId: '', title: '', linkedProducts: [{ productId: 'p', merchantId: '' }] }));
    expect(bad.fieldViolations.map((v) => `${v.field}:${v.reason}`).sort()).toEqual(
      ['creator_id:REQUIRED', 'linked_products[0].merchant_id:REQUIRED', 'livestream_id:REQUIRED', 'request_id:REQUIRED', 'title:REQUIRED'].sort(),
    );
    expect((await errorOf(client.getLivestream({ livestreamId: 'ls-none' }))).reason).toBe('LIVESTREAM.NOT_FOUND');
  });

  it('lists the sessions on air, newest start first, page by page; ended ones under ENDED', async () => {
    const { client } = cut;
    const liveIds = async (pageSize: number) => {
      const ids: string[] = [];
      let pageToken = '';
      do {
        const page = await client.listLivestreams({ state: LivestreamState.LIVESTREAM_STATE_LIVE, pageSize, pageToken });
        expect(page.livestreams.every((l) => l.state === LivestreamState.LIVESTREAM_STATE_LIVE)).toBe(true);
        ids.push(...page.livestreams.map((l) => l.livestreamId));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      return ids;
    };
    for (const id of ['ls-list-a', 'ls-list-b', 'ls-list-c']) {
      await start(id, 'cr-list');
      cut.sut.clock.advance(1_000);
    }
    await client.endLivestream({ requestId: 'end-ls-list-b', livestreamId: 'ls-list-b' });
    const onAir = await liveIds(1);
    expect(onAir.filter((id) => id.startsWith('ls-list-'))).toEqual(['ls-list-c', 'ls-list-a']);
    expect(onAir).toEqual(await liveIds(500));
    const ended = await client.listLivestreams({ state: LivestreamState.LIVESTREAM_STATE_ENDED, pageSize: 500, pageToken: '' });
    expect(ended.livestreams.map((l) => l.livestreamId)).toContain('ls-list-b');
    const listed = (await client.listLivestreams({ state: LivestreamState.LIVESTREAM_STATE_LIVE, pageSize: 500, pageToken: '' })).livestreams.find((l) => l.livestreamId === 'ls-list-a');
    expect(listed).toEqual((await client.getLivestream({ livestreamId: 'ls-list-a' })).livestream);
    const bad = await errorOf(client.listLivestreams({ state: LivestreamState.LIVESTREAM_STATE_UNSPECIFIED, pageSize: -1, pageToken: 'garbage' }));
    expect(bad.fieldViolations.map((v) => `${v.field}:${v.reason}`).sort()).toEqual(['page_size:OUT_OF_RANGE', 'page_token:INVALID_PAGE_TOKEN', 'state:REQUIRED'].sort());
  });
});
