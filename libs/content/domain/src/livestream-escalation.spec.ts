import { MINUTE, ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { CONTENT_POLICY } from './content.policy';
import { LivestreamEscalation, type LiveDecision, type LiveSignal } from './livestream-escalation';
import { SCANNER } from './testing/fake-claim-scanner';

const T0 = Date.parse('2026-01-01T20:00:00Z');
const say = (text: string): LiveSignal => ({ type: 'TRANSCRIPT', text });
const reports = (newReports: number, viewerCount: number): LiveSignal => ({ type: 'VIEWER', newReports, viewerCount });
const complaint: LiveSignal = { type: 'COMPLAINT', complaintId: 'c-1', category: 'MISLEADING_CLAIM' };

/** Feeds signals one second apart and returns the actions taken. */
const run = (session: LivestreamEscalation, signals: LiveSignal[], startSeq = 1, startAt = T0): LiveDecision[] =>
  signals.map((s, i) => session.handle(startSeq + i, startAt + i * 1000, s));

const actions = (decisions: LiveDecision[]): string[] => decisions.map((d) => d.action);

describe('LivestreamEscalation', () => {
  it('takes no action on clean speech, reports nothing', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    const decisions = run(session, [say('Welcome everyone'), say('This linen is soft'), reports(0, 500)]);
    expect(actions(decisions)).toEqual(['NONE', 'NONE', 'NONE']);
    expect(decisions.every((d) => d.reasons.length === 0 && d.trafficWeight === 1)).toBe(true);
  });

  it('warns, then limits, then interrupts a host who repeats a medium claim', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    const decisions = run(session, Array.from({ length: 6 }, () => say('我们是第一')));
    expect(actions(decisions)).toEqual(['WARN_HOST', 'NONE', 'LIMIT_TRAFFIC', 'NONE', 'NONE', 'INTERRUPT']);
    expect(decisions.map((d) => d.level)).toEqual(['WARN_HOST', 'WARN_HOST', 'LIMIT_TRAFFIC', 'LIMIT_TRAFFIC', 'LIMIT_TRAFFIC', 'INTERRUPT']);
    expect(decisions.map((d) => d.trafficWeight)).toEqual([1, 1, 0.3, 0.3, 0.3, 0]);
    expect(decisions[2]?.penaltySeverity).toBe('MEDIUM');
    expect(decisions[5]?.penaltySeverity).toBe('HIGH');
    expect(decisions[0]?.reasons.map((r) => r.code)).toEqual(['LIVESTREAM.CLAIM', 'LIVESTREAM.ESCALATED']);
    expect(session.warnings).toBe(1);
  });

  it('escalates faster on a severe claim', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    expect(actions(run(session, [say('100%有效'), say('真的100%有效'), say('100%有效!')]))).toEqual(['WARN_HOST', 'LIMIT_TRAFFIC', 'INTERRUPT']);
  });

  it('warns the host first even when one sentence carries several severe claims', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    const decisions = run(session, [say('100%有效, 全网第一!'), say('thanks for watching'), say('全网第一')]);
    expect(actions(decisions)).toEqual(['WARN_HOST', 'NONE', 'LIMIT_TRAFFIC']);
    expect(decisions[0]?.windowPoints).toBe(12);
  });

  it('jumps straight to the level the points reach when the policy allows it', () => {
    const policy = { ...CONTENT_POLICY, livestream: { ...CONTENT_POLICY.livestream, oneStepPerSignal: false } };
    const session = new LivestreamEscalation({ scanner: SCANNER, policy });
    expect(session.handle(1, T0, say('100%有效, 全网第一!')).action).toBe('LIMIT_TRAFFIC');
  });

  it('interrupts at once on a critical claim, whatever came before', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    const [d] = run(session, [say('this tea cures cancer')]);
    expect(d).toMatchObject({ action: 'INTERRUPT', level: 'INTERRUPT', trafficWeight: 0, penaltySeverity: 'CRITICAL' });
    expect(d?.reasons.map((r) => r.code)).toEqual(['LIVESTREAM.CLAIM', 'LIVESTREAM.CRITICAL_CLAIM']);
    expect(d?.reasons[0]?.evidence).toMatchObject({ term: 'cures cancer', severity: 'CRITICAL' });
  });

  it('forgets strikes that left the sliding window', () => {
    const spaced = new LivestreamEscalation({ scanner: SCANNER });
    const d = [0, 2, 6].map((min, i) => spaced.handle(i + 1, T0 + min * MINUTE, say('第一')));
    expect(actions(d)).toEqual(['WARN_HOST', 'NONE', 'NONE']);
    expect(d[2]?.windowPoints).toBe(6);

    const close = new LivestreamEscalation({ scanner: SCANNER });
    expect(actions([0, 2, 4].map((min, i) => close.handle(i + 1, T0 + min * MINUTE, say('第一'))))).toEqual(['WARN_HOST', 'NONE', 'LIMIT_TRAFFIC']);
  });

  it('never lowers the level when the window calms down', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    session.handle(1, T0, say('第一'));
    const later = session.handle(2, T0 + 30 * MINUTE, say('hello'));
    expect(later).toMatchObject({ action: 'NONE', level: 'WARN_HOST', windowPoints: 0 });
  });

  it('weighs viewer reports by audience size', () => {
    const small = new LivestreamEscalation({ scanner: SCANNER });
    expect(small.handle(1, T0, reports(3, 200)).action).toBe('WARN_HOST');
    const large = new LivestreamEscalation({ scanner: SCANNER });
    const d = large.handle(1, T0, reports(3, 30_000));
    expect(d.action).toBe('NONE');
    expect(d.reasons.map((r) => r.code)).toEqual(['LIVESTREAM.VIEWER_REPORTS']);
  });

  it('escalates on complaints, alone or added to claims', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    expect(actions(run(session, [complaint, complaint, say('第一')]))).toEqual(['WARN_HOST', 'NONE', 'LIMIT_TRAFFIC']);
  });

  it('does not apply a sequence twice', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    session.handle(1, T0, say('第一'));
    const again = session.handle(1, T0 + 1000, say('第一'));
    expect(again).toMatchObject({ duplicate: true, action: 'NONE', windowPoints: 3 });
  });

  it('rejects a malformed signal without touching the session, then goes on', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    expect(() => session.handle(1, T0, say(''))).toThrow(ValidationError);
    expect(() => session.handle(2, T0, reports(-1, 10))).toThrow(ValidationError);
    expect(() => session.handle(0, T0, say('hi'))).toThrow(ValidationError);
    expect(() => session.handle(3, T0, say('x'.repeat(2_001)))).toThrow(ValidationError);
    expect(session.handle(1, T0, say('第一')).action).toBe('WARN_HOST');
  });

  it('answers NONE after the interruption', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    session.handle(1, T0, say('cures cancer'));
    expect(session.handle(2, T0 + 1000, say('第一'))).toMatchObject({ action: 'NONE', level: 'INTERRUPT', reasons: [] });
  });

  it('resumes from a snapshot with the same level and window', () => {
    const first = new LivestreamEscalation({ scanner: SCANNER });
    run(first, [say('第一'), say('第一')]);
    const resumed = new LivestreamEscalation({ scanner: SCANNER, snapshot: first.snapshot() });
    expect(resumed.level).toBe('WARN_HOST');
    expect(resumed.handle(2, T0 + 2000, say('第一')).duplicate).toBe(true);
    expect(resumed.handle(3, T0 + 3000, say('第一')).action).toBe('LIMIT_TRAFFIC');
  });

  it('keeps only the window in memory over a long stream', () => {
    const session = new LivestreamEscalation({ scanner: SCANNER });
    for (let i = 1; i <= 20_000; i++) session.handle(i, T0 + i * 1000, reports(1, 1_000_000));
    expect(session.snapshot().strikes.length).toBeLessThanOrEqual(300);
    expect(session.level).toBe('NONE');
  });
});
