import { describe, expect, it } from 'vitest';
import { scoreQuality, type QualityInput } from './quality';
import type { LocatedClaim } from './violations';
import { COMPLETE_VIDEO } from './testing/complete-video';

const COMPLETE: QualityInput = {
  ...COMPLETE_VIDEO,
  reposted: false,
  claims: [],
  creatorCredit: 12,
  engagement: { views: 10_000, completionRate: 0.55, likes: 800, comments: 100, shares: 50 },
  attribution: { orders: 200, refunds: 6, complaints: 1 },
};

const claim = (severity: LocatedClaim['severity']): LocatedClaim => ({
  field: 'transcript',
  hit: { term: 'best', category: 'ABSOLUTE', severity, start: 0, end: 4 },
  severity,
  occurrences: 1,
});

describe('scoreQuality', () => {
  it('scores a complete, original, well-received video full marks on every axis', () => {
    const q = scoreQuality(COMPLETE);
    expect([q.authentic.score, q.credible.score, q.professional.score, q.engaging.score]).toEqual([100, 100, 100, 100]);
    expect(q.overall).toBe(100);
    expect(q.engagementMeasured).toBe(true);
    expect(q.authentic.explanation).toBe('Original media with no prohibited claims');
  });

  it('marks a re-post as inauthentic and explains why', () => {
    const q = scoreQuality({ ...COMPLETE, reposted: true });
    expect(q.authentic.score).toBe(10);
    expect(q.authentic.explanation).toContain('Re-post');
  });

  it('costs authenticity per claim by severity', () => {
    expect(scoreQuality({ ...COMPLETE, claims: [claim('LOW')] }).authentic.score).toBe(90);
    expect(scoreQuality({ ...COMPLETE, claims: [claim('HIGH'), claim('MEDIUM')] }).authentic.score).toBe(25);
    expect(scoreQuality({ ...COMPLETE, claims: [claim('CRITICAL')] }).authentic.score).toBe(0);
  });

  it('lowers credibility with the refund and complaint rates of the orders the video drove', () => {
    const q = scoreQuality({ ...COMPLETE, attribution: { orders: 100, refunds: 30, complaints: 10 } });
    expect(q.credible.score).toBe(0);
    expect(q.credible.reasons.map((r) => r.code)).toEqual(['QUALITY.CREDIBLE.REFUND_RATE', 'QUALITY.CREDIBLE.COMPLAINT_RATE']);
    expect(q.credible.explanation).toContain('Refund rate 30.0% of 100 attributed orders');
    const half = scoreQuality({ ...COMPLETE, attribution: { orders: 100, refunds: 5, complaints: 5 } });
    expect(half.credible.score).toBe(78); // complaint rate 5% is 4/9 of the way from ok to bad: -22
  });

  it('does not judge attribution from too few orders', () => {
    const q = scoreQuality({ ...COMPLETE, attribution: { orders: 5, refunds: 5, complaints: 5 } });
    expect(q.credible.score).toBe(100);
    expect(q.credible.explanation).toContain('too few attributed orders');
  });

  it('lowers credibility with the creator’s lost credit', () => {
    expect(scoreQuality({ ...COMPLETE, creatorCredit: 6 }).credible.score).toBe(82);
  });

  it('scores professionalism by completeness of title, captions, transcript and links', () => {
    const bare = scoreQuality({ ...COMPLETE, text: { title: 'Shirt', captions: '', transcript: '' }, linkedProducts: [] });
    expect(bare.professional.score).toBe(16); // 5/8 of the title share only
    expect(bare.professional.reasons.map((r) => r.code)).toEqual([
      'QUALITY.PROFESSIONAL.SHORT_TITLE',
      'QUALITY.PROFESSIONAL.SHORT_CAPTIONS',
      'QUALITY.PROFESSIONAL.SHORT_TRANSCRIPT',
      'QUALITY.PROFESSIONAL.NO_PRODUCT_INFO',
    ]);
  });

  it('gives a neutral engagement score until enough views exist', () => {
    const q = scoreQuality({ ...COMPLETE, engagement: { views: 100, completionRate: 1, likes: 100, comments: 0, shares: 0 } });
    expect(q.engaging.score).toBe(50);
    expect(q.engagementMeasured).toBe(false);
    expect(scoreQuality({ ...COMPLETE, engagement: undefined }).engagementMeasured).toBe(false);
  });

  it('scores engagement from completion and interactions', () => {
    const q = scoreQuality({ ...COMPLETE, engagement: { views: 1_000, completionRate: 0.25, likes: 50, comments: 0, shares: 0 } });
    expect(q.engaging.score).toBe(50); // half the completion share (30) + half the interaction share (20)
  });
});
