import { DAY, ValidationError, reason } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { type Ban, bansLiftedOnReinstatement, decideBanAppeal, fileBanAppeal, liftBan, liftBanByReviewer, openBan } from './ban';
import { codeOf } from '../testing/fixtures';

const T0 = new Date('2026-11-01T00:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const product = { productId: 'P-1', merchantId: 'M-1', skuId: 'SKU-1', categoryCode: 'toys.plush' };

const ban = (cause: Ban['cause'] = 'LAB_CRITICAL'): Ban =>
  openBan({ banId: 'BAN-1', product, cause, reasons: [reason('BAN.LAB_FAILURE', 'critical defect', { report_ref: 'R-1' })], sourceRef: 'LR-1' }, undefined, T0);

const appealInput = { appealId: 'AP-1', merchantId: 'M-1', statement: 'Wrong batch was tested', evidenceRefs: ['doc-1'] };

describe('bans', () => {
  it('opens an active ban with its reasons and policy', () => {
    const b = ban();
    expect(b).toMatchObject({ status: 'ACTIVE', cause: 'LAB_CRITICAL', sourceRef: 'LR-1', bannedAt: T0, policy: { name: 'product-bans' } });
    expect(b.reasons[0]?.evidence['report_ref']).toBe('R-1');
  });

  it('does not ban a product twice, but bans it again once lifted', () => {
    const b = ban();
    expect(codeOf(() => openBan({ banId: 'BAN-2', product, cause: 'MANUAL', reasons: [reason('X', 'x')], sourceRef: 'rv' }, b, T0))).toBe(
      'PRODUCT.ALREADY_BANNED',
    );
    const lifted = liftBan(b, 'MANUAL', at(1));
    expect(openBan({ banId: 'BAN-2', product, cause: 'MANUAL', reasons: [reason('X', 'x')], sourceRef: 'rv' }, lifted, at(2)).status).toBe('ACTIVE');
  });

  it('lets a reviewer lift lab, manual and re-upload bans, not takedowns or removals, which end by their own flow', () => {
    expect(liftBanByReviewer(ban('LAB_CRITICAL'), at(1))).toMatchObject({ status: 'LIFTED', unbanCause: 'MANUAL' });
    expect(codeOf(() => liftBanByReviewer(ban('IP_TAKEDOWN'), at(1)))).toBe('BAN.NOT_LIFTED_BY_REVIEWER');
    expect(codeOf(() => liftBanByReviewer(ban('MERCHANT_REMOVED'), at(1)))).toBe('BAN.NOT_LIFTED_BY_REVIEWER');
  });

  it('lifts a ban once and records why', () => {
    const lifted = liftBan(ban(), 'MANUAL', at(1));
    expect(lifted).toMatchObject({ status: 'LIFTED', unbanCause: 'MANUAL', liftedAt: at(1) });
    expect(codeOf(() => liftBan(lifted, 'MANUAL', at(2)))).toBe('BAN.NOT_IN_FORCE');
  });
});

describe('ban appeals', () => {
  it('puts the ban under appeal (still in force) and an overturn lifts it', () => {
    const filed = fileBanAppeal(ban(), appealInput, at(3));
    expect(filed.ban.status).toBe('UNDER_APPEAL');
    expect(filed.appeal.status).toBe('PENDING');
    const decided = decideBanAppeal(filed.ban, filed.appeal, { outcome: 'OVERTURN', reviewerId: 'RV-1', note: 'retest passed' }, at(4));
    expect(decided.ban).toMatchObject({ status: 'LIFTED', unbanCause: 'APPEAL_OVERTURNED' });
    expect(decided.appeal).toMatchObject({ status: 'OVERTURNED', reviewerId: 'RV-1', decidedAt: at(4) });
    expect(decided.appeal.reasons[0]?.code).toBe('BAN.APPEAL_OVERTURNED');
  });

  it('returns an upheld ban to ACTIVE and allows no second appeal', () => {
    const filed = fileBanAppeal(ban(), appealInput, at(1));
    const decided = decideBanAppeal(filed.ban, filed.appeal, { outcome: 'UPHOLD', reviewerId: 'RV-1', note: '' }, at(2));
    expect(decided.ban.status).toBe('ACTIVE');
    expect(decided.appeal.status).toBe('UPHELD');
    expect(codeOf(() => fileBanAppeal(decided.ban, { ...appealInput, appealId: 'AP-2' }, at(3)))).toBe('BAN.APPEALS_EXHAUSTED');
    expect(codeOf(() => decideBanAppeal(decided.ban, decided.appeal, { outcome: 'OVERTURN', reviewerId: 'RV-2', note: '' }, at(3)))).toBe(
      'BAN.APPEAL_ALREADY_DECIDED',
    );
  });

  it('refuses to decide an appeal whose ban was lifted meanwhile, so upholding cannot revive it', () => {
    const filed = fileBanAppeal(ban(), appealInput, at(1));
    const lifted = liftBan(filed.ban, 'MANUAL', at(2));
    expect(codeOf(() => decideBanAppeal(lifted, filed.appeal, { outcome: 'UPHOLD', reviewerId: 'RV-1', note: '' }, at(3)))).toBe('BAN.NOT_IN_FORCE');
  });

  it('refuses appeals from another merchant, after the window, while one is pending, or for causes appealed elsewhere', () => {
    expect(codeOf(() => fileBanAppeal(ban(), { ...appealInput, merchantId: 'M-2' }, at(1)))).toBe('BAN.APPEAL_NOT_OWNER');
    expect(codeOf(() => fileBanAppeal(ban(), appealInput, at(8)))).toBe('BAN.APPEAL_WINDOW_CLOSED');
    const pending = fileBanAppeal(ban(), appealInput, at(1)).ban;
    expect(codeOf(() => fileBanAppeal(pending, appealInput, at(2)))).toBe('BAN.APPEAL_PENDING');
    expect(codeOf(() => fileBanAppeal(ban('MERCHANT_REMOVED'), appealInput, at(1)))).toBe('BAN.NOT_APPEALABLE');
    expect(codeOf(() => fileBanAppeal(ban('IP_TAKEDOWN'), appealInput, at(1)))).toBe('BAN.NOT_APPEALABLE');
  });

  it('needs a statement', () => {
    expect(() => fileBanAppeal(ban(), { ...appealInput, statement: '' }, at(1))).toThrow(ValidationError);
  });
});

describe('merchant reinstatement', () => {
  it('lifts only the bans the merchant removal caused', () => {
    const removal = { ...ban('MERCHANT_REMOVED'), banId: 'B-R' };
    const lab = { ...ban('LAB_CRITICAL'), banId: 'B-L' };
    const other = { ...ban('MERCHANT_REMOVED'), banId: 'B-O', merchantId: 'M-2' };
    expect(bansLiftedOnReinstatement([removal, lab, other], 'M-1').map((b) => b.banId)).toEqual(['B-R']);
  });
});
