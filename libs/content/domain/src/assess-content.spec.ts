import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { assessContent, validateContentInput, type AssessContentInput, type ContentInputShape } from './assess-content';
import { CONTENT_POLICY } from './content.policy';
import { SCANNER } from './testing/fake-claim-scanner';
import { COMPLETE_VIDEO } from './testing/complete-video';

const GOOD_CREATOR = { linkingAllowed: true, linkingSuspendedUntil: undefined, privilegesRevoked: false, credit: 12 };

const video = (over: Partial<AssessContentInput> = {}): AssessContentInput => ({
  creatorId: 'cr-1',
  ...COMPLETE_VIDEO,
  creator: GOOD_CREATOR,
  creatorTrafficLimited: false,
  bannedProductIds: new Set(),
  removedMerchantIds: new Set(),
  affiliateIneligibleMerchantIds: new Set(),
  engagement: { views: 10_000, completionRate: 0.6, likes: 900, comments: 100, shares: 50 },
  ...over,
});

describe('assessContent', () => {
  it('boosts a clean, complete, well-received video to PREMIUM with no penalty', () => {
    const result = assessContent(video(), SCANNER);
    expect(result.tier).toBe('PREMIUM');
    expect(result.trafficWeight).toBe(CONTENT_POLICY.tiers.trafficWeight.PREMIUM);
    expect(result.penalty).toBeUndefined();
    expect(result.policy).toEqual({ name: CONTENT_POLICY.name, version: CONTENT_POLICY.version });
  });

  it('keeps a clean new video STANDARD until its engagement is measured', () => {
    expect(assessContent(video({ engagement: undefined }), SCANNER).tier).toBe('STANDARD');
  });

  it('no longer boosts a video once its merchant lost affiliate eligibility', () => {
    expect(assessContent(video({ affiliateIneligibleMerchantIds: new Set(['m-1']) }), SCANNER).tier).toBe('STANDARD');
    expect(assessContent(video({ affiliateIneligibleMerchantIds: new Set(['m-other']) }), SCANNER).tier).toBe('PREMIUM');
  });

  it('blocks a video with a critical claim and charges the creator the critical deduction', () => {
    const text = { ...video().text, transcript: 'This tea cures cancer, everyone.' };
    const result = assessContent(video({ text }), SCANNER);
    expect(result.tier).toBe('BLOCKED');
    expect(result.trafficWeight).toBe(0);
    expect(result.penalty).toMatchObject({ action: 'BLOCKED', severity: 'CRITICAL', creditPoints: 12, creditSeverity: 'CRITICAL' });
  });

  it('charges only the most severe of several claims', () => {
    const text = { ...video().text, title: 'The best linen shirt', transcript: '第一 choice, 100%有效' };
    const penalty = assessContent(video({ text }), SCANNER).penalty;
    expect(penalty?.creditPoints).toBe(CONTENT_POLICY.credit.points.HIGH);
    expect(penalty?.reasons).toHaveLength(3);
  });

  it('limits a video linking a banned product and refuses the link without charging credit', () => {
    const result = assessContent(video({ bannedProductIds: new Set(['p-1']) }), SCANNER);
    expect(result.tier).toBe('LIMITED');
    expect(result.refusedProductIds).toEqual(['p-1']);
    expect(result.penalty).toMatchObject({ action: 'LIMITED', creditPoints: 0, unlinkProductIds: ['p-1'] });
    expect(result.reasons.map((r) => r.code)).toContain('CONTENT.LINKS_REFUSED');
  });

  it('refuses links of a suspended creator and does not boost them', () => {
    const creator = { ...GOOD_CREATOR, credit: 4, linkingAllowed: false, linkingSuspendedUntil: new Date('2026-02-01') };
    const result = assessContent(video({ creator, creatorTrafficLimited: true }), SCANNER);
    expect(result.tier).toBe('LIMITED');
    expect(result.penalty).toMatchObject({ action: 'LIMITED', creditPoints: 0, unlinkProductIds: ['p-1'] });
  });

  it('charges a re-post the medium deduction', () => {
    const result = assessContent(video({ fingerprintOwnerId: 'cr-2' }), SCANNER);
    expect(result.penalty).toMatchObject({ severity: 'MEDIUM', creditPoints: 3 });
    expect(result.tier).toBe('STANDARD');
  });
});

describe('assessContent on re-assessment', () => {
  const claimText = { ...video().text, transcript: 'The best shirt, 100%有效.' };

  it('keeps capping the tier with violations already punished but makes no second penalty', () => {
    const first = assessContent(video({ text: claimText }), SCANNER);
    expect(first.penalty?.violationKeys).toEqual(['claim:transcript:ABSOLUTE:best', 'claim:transcript:GUARANTEE:100%有效']);
    const again = assessContent(video({ text: claimText, punishedViolationKeys: new Set(first.penalty?.violationKeys) }), SCANNER);
    expect(again.tier).toBe(first.tier);
    expect(again.violations).toHaveLength(2);
    expect(again.penalty).toBeUndefined();
  });

  it('punishes only the violation that is new', () => {
    const punished = new Set(['claim:transcript:GUARANTEE:100%有效']);
    const penalty = assessContent(video({ text: claimText, punishedViolationKeys: punished }), SCANNER).penalty;
    expect(penalty).toMatchObject({ severity: 'LOW', creditPoints: CONTENT_POLICY.credit.points.LOW, violationKeys: ['claim:transcript:ABSOLUTE:best'] });
  });

  it('no longer counts a claim an appeal overturned for the item, in quality or tier', () => {
    const waived = new Set(['claim:transcript:ABSOLUTE:best', 'claim:transcript:GUARANTEE:100%有效']);
    const result = assessContent(video({ text: claimText, waivedViolationKeys: waived }), SCANNER);
    expect(result.violations).toEqual([]);
    expect(result.penalty).toBeUndefined();
    expect(result.tier).toBe('PREMIUM');
    expect(result.waivedViolations).toHaveLength(2);
    expect(result.reasons.map((r) => r.code)).toContain('CONTENT.VIOLATION_WAIVED');
  });

  it('never waives a banned-product link: that follows the ban, not the appeal', () => {
    const result = assessContent(video({ bannedProductIds: new Set(['p-1']), waivedViolationKeys: new Set(['banned_product:p-1']) }), SCANNER);
    expect(result.refusedProductIds).toEqual(['p-1']);
    expect(result.tier).toBe('LIMITED');
  });

  it('unlinks again only the links a new violation refuses', () => {
    const result = assessContent(
      video({
        linkedProducts: [
          { productId: 'p-1', merchantId: 'm-1' },
          { productId: 'p-2', merchantId: 'm-2' },
        ],
        bannedProductIds: new Set(['p-1', 'p-2']),
        punishedViolationKeys: new Set(['banned_product:p-1']),
      }),
      SCANNER,
    );
    expect(result.refusedProductIds).toEqual(['p-1', 'p-2']);
    expect(result.penalty?.unlinkProductIds).toEqual(['p-2']);
  });
});

describe('validateContentInput', () => {
  const shape = (over: Partial<ContentInputShape> = {}): ContentInputShape => ({
    contentId: 'v-1',
    creatorId: 'cr-1',
    title: 'Shirt',
    captions: '',
    transcript: '',
    linkedProducts: [{ productId: 'p-1', merchantId: 'm-1' }],
    ...over,
  });
  const reasonsOf = (over: Partial<ContentInputShape>): string[] => {
    try {
      validateContentInput(shape(over));
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).violations.map((v) => `${v.field}:${v.reason}`);
    }
  };

  it('accepts a video with any one text', () => {
    expect(reasonsOf({})).toEqual([]);
  });

  it('rejects a video with no text at all', () => {
    expect(reasonsOf({ title: ' ', captions: '', transcript: '' })).toEqual(['transcript:EMPTY_CONTENT']);
  });

  it('rejects an oversized transcript instead of truncating it', () => {
    expect(reasonsOf({ transcript: 'a'.repeat(CONTENT_POLICY.limits.maxTranscriptChars + 1) })).toEqual(['transcript:TOO_LONG']);
  });

  it('lists every bad link', () => {
    const linkedProducts = [
      { productId: 'p-1', merchantId: '' },
      { productId: 'p-1', merchantId: 'm-1' },
    ];
    expect(reasonsOf({ linkedProducts, creatorId: '' })).toEqual([
      'creator_id:REQUIRED',
      'linked_products[0].merchant_id:REQUIRED',
      'linked_products[1].product_id:DUPLICATE',
    ]);
  });
});
