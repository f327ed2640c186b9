import { DAY, HOUR, MINUTE } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { SERVICE_NORM_POLICIES, SERVICE_NORM_POLICY } from './service-norm.policy';
import { addServiceTime, inServiceHours, isResolved, judgeFirstReply, percentile, planContact, serviceNormMetrics, violationCandidate, type ContactFact } from './service-norms';

// 2026-11-02 10:00 in Beijing (UTC+8) is 02:00 UTC: inside the 08:00-23:00 service hours.
const inHours = new Date('2026-11-02T02:00:00Z');
const SECOND = 1_000;
const hours = SERVICE_NORM_POLICY.serviceHours;

describe('service hours', () => {
  it('knows opening and closing in local time', () => {
    expect(inServiceHours(inHours, hours)).toBe(true);
    expect(inServiceHours(new Date('2026-11-02T00:00:00Z'), hours)).toBe(true); // 08:00 local: opens
    expect(inServiceHours(new Date('2026-11-01T23:59:59Z'), hours)).toBe(false); // 07:59:59 local
    expect(inServiceHours(new Date('2026-11-02T15:00:00Z'), hours)).toBe(false); // 23:00 local: closed
  });

  it('adds time within hours, waiting for the opening and carrying over the close', () => {
    expect(addServiceTime(inHours, 3 * MINUTE, hours)).toEqual(new Date('2026-11-02T02:03:00Z'));
    // 03:00 local: the clock starts at 08:00 local.
    expect(addServiceTime(new Date('2026-11-01T19:00:00Z'), 3 * MINUTE, hours)).toEqual(new Date('2026-11-02T00:03:00Z'));
    // 22:59 local: one minute today, two after tomorrow's opening.
    expect(addServiceTime(new Date('2026-11-02T14:59:00Z'), 3 * MINUTE, hours)).toEqual(new Date('2026-11-03T00:02:00Z'));
  });
});

describe('first-reply norm', () => {
  it('gives chat 3 minutes of service hours and messages 24 hours', () => {
    expect(planContact({ channel: 'CHAT', contactedAt: inHours }).firstReplyDueAt).toEqual(new Date(inHours.getTime() + 3 * MINUTE));
    const night = planContact({ channel: 'CHAT', contactedAt: new Date('2026-11-01T19:00:00Z') });
    expect(night.firstReplyDueAt).toEqual(new Date('2026-11-02T00:03:00Z'));
    expect(night.reasons.map((r) => r.code)).toContain('SERVICE_NORM.OUTSIDE_SERVICE_HOURS');
    const message = planContact({ channel: 'MESSAGE', contactedAt: new Date('2026-11-01T19:00:00Z') });
    expect(message.firstReplyDueAt).toEqual(new Date('2026-11-02T19:00:00Z'));
    expect(message.policy).toEqual({ name: 'consumer-service-norms', version: SERVICE_NORM_POLICY.version });
  });

  it.each([
    ['CHAT', 3 * MINUTE],
    ['MESSAGE', 24 * HOUR],
  ] as const)('%s: one second inside the bound keeps the norm, one second outside breaks it', (channel, bound) => {
    const contact = { channel, contactedAt: inHours, firstReplyDueAt: planContact({ channel, contactedAt: inHours }).firstReplyDueAt };
    const inside = judgeFirstReply(contact, new Date(inHours.getTime() + bound - SECOND));
    const exactly = judgeFirstReply(contact, new Date(inHours.getTime() + bound));
    const outside = judgeFirstReply(contact, new Date(inHours.getTime() + bound + SECOND));
    expect([inside.withinSla, exactly.withinSla, outside.withinSla]).toEqual([true, true, false]);
    expect(outside.reasons[0]?.code).toBe('SERVICE_NORM.FIRST_REPLY_LATE');
    expect(outside.reasons[0]?.evidence['late_by_ms']).toBe('1000');
    expect(inside.responseMs).toBe(bound - SECOND);
  });

  it('loads by version', () => {
    expect(SERVICE_NORM_POLICIES.find(SERVICE_NORM_POLICY.version)).toBe(SERVICE_NORM_POLICY);
    expect(SERVICE_NORM_POLICIES.find('1999-01-01.1')).toBeUndefined();
  });
});

describe('resolution and violation candidates', () => {
  it('takes the buyer verdict over the merchant mark, and a timely mark without one', () => {
    const base = { contactedAt: inHours };
    expect(isResolved({ ...base, resolvedMarkAt: new Date(inHours.getTime() + HOUR), buyerResolved: false })).toBe(false);
    expect(isResolved({ ...base, buyerResolved: true })).toBe(true);
    expect(isResolved({ ...base, resolvedMarkAt: new Date(inHours.getTime() + HOUR) })).toBe(true);
    expect(isResolved({ ...base, resolvedMarkAt: new Date(inHours.getTime() + 49 * HOUR) })).toBe(false);
    expect(isResolved(base)).toBe(false);
  });

  it('makes a candidate at the policy count of breaches', () => {
    expect(violationCandidate(4).candidate).toBe(false);
    const five = violationCandidate(5);
    expect(five.candidate).toBe(true);
    expect(five.reasons[0]?.code).toBe('SERVICE_NORM.VIOLATION_CANDIDATE');
  });
});

describe('service-norm metrics', () => {
  const contact = (id: string, over: Partial<ContactFact> = {}): ContactFact => {
    const contactedAt = over.contactedAt ?? inHours;
    return {
      contactId: id,
      merchantId: 'm-1',
      channel: 'CHAT',
      topic: 'PRE_SALE',
      contactedAt,
      firstReplyDueAt: new Date(contactedAt.getTime() + 3 * MINUTE),
      newBuyer: false,
      ...over,
    };
  };
  const window = { start: new Date(inHours.getTime() - DAY), end: new Date(inHours.getTime() + DAY) };
  const now = new Date(inHours.getTime() + HOUR);

  it('counts response rate over judged contacts, percentiles, resolution and satisfaction', () => {
    const m = serviceNormMetrics(
      [
        contact('a', { firstReplyAt: new Date(inHours.getTime() + MINUTE), rating: 5, buyerResolved: true }),
        contact('b', { firstReplyAt: new Date(inHours.getTime() + 2 * MINUTE), rating: 4, resolvedMarkAt: new Date(inHours.getTime() + 5 * MINUTE) }),
        contact('c', { firstReplyAt: new Date(inHours.getTime() + 10 * MINUTE), rating: 2, buyerResolved: false }),
        contact('d'), // never answered, due long ago: a breach
        contact('e', { contactedAt: new Date(now.getTime() - MINUTE) }), // still within its 3 minutes: not judged
        contact('f', { contactedAt: new Date(window.end.getTime() + MINUTE) }), // outside the window
      ],
      window,
      now,
    );
    expect(m).toMatchObject({ contacts: 5, judged: 4, answered: 3, answeredWithinSla: 2, breaches: 2, resolved: 2, ratings: 3, satisfied: 2 });
    expect(m.responseRate).toBe(0.5);
    expect(m.firstReplyP50Ms).toBe(2 * MINUTE);
    expect(m.firstReplyP90Ms).toBe(10 * MINUTE);
    expect(m.resolutionRate).toBe(2 / 5);
    expect(m.satisfactionRate).toBe(2 / 3);
    expect(m.avgRating).toBeCloseTo(11 / 3);
  });

  it('reads an empty window as nothing judged: response rate 1, no satisfaction', () => {
    const m = serviceNormMetrics([], window, now);
    expect(m).toMatchObject({ contacts: 0, responseRate: 1, satisfactionRate: 0, firstReplyP50Ms: 0 });
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});
