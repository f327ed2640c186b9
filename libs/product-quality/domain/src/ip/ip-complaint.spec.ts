import { DAY, ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import type { BrandRecord } from '../listing/listing';
import { type IpComplaint, decideIpComplaint, escalateIpComplaint, fileCounterNotice, fileIpComplaint, restoreIfOwnerSilent } from './ip-complaint';
import { codeOf } from '../testing/fixtures';

const T0 = new Date('2026-11-01T00:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

const brand: BrandRecord = { brandId: 'B-1', name: 'Thermos', aliases: [], ownerId: 'RH-1', authorisationRequired: true, categoryCodes: ['home'] };
const product = { productId: 'P-1', merchantId: 'M-1', categoryCode: 'home.kitchen' };
const complaintInput = {
  complaintId: 'IPC-1',
  brand,
  complainantId: 'RH-1',
  product,
  kind: 'COUNTERFEIT' as const,
  statement: 'Counterfeit of our vacuum flask',
  evidenceRefs: ['test-purchase-1'],
};
const counter = { merchantId: 'M-1', statement: 'Bought from the authorised distributor', evidenceRefs: ['invoice-77'] };

const takenDown = (): IpComplaint => fileIpComplaint(complaintInput, [], T0).complaint;

describe('IP complaints: notice and takedown', () => {
  it('takes the product down on the registered brand owner\'s complaint', () => {
    const { complaint, takenDown } = fileIpComplaint(complaintInput, [], T0);
    expect(takenDown).toBe(true);
    expect(complaint).toMatchObject({ status: 'TAKEN_DOWN', merchantId: 'M-1', policy: { name: 'ip-complaints' } });
    expect(complaint.reasons[0]?.code).toBe('IP.TAKEDOWN');
  });

  it('rejects a complaint from someone who is not the registered owner', () => {
    const r = fileIpComplaint({ ...complaintInput, complainantId: 'SOMEONE' }, [], T0);
    expect(r.takenDown).toBe(false);
    expect(r.complaint.status).toBe('REJECTED');
    expect(r.complaint.reasons.map((x) => x.code)).toEqual(['IP.NOT_BRAND_OWNER']);
  });

  it('rejects a trademark complaint against an authorised merchant, and one under an expired trademark', () => {
    const auth = { authorisationId: 'A-1', brandId: 'B-1', merchantId: 'M-1', categoryCodes: [], validFrom: new Date('2026-01-01') };
    const authorised = fileIpComplaint({ ...complaintInput, kind: 'TRADEMARK' }, [auth], T0);
    expect(authorised.complaint.reasons.map((x) => x.code)).toEqual(['IP.MERCHANT_AUTHORISED']);
    const expired = fileIpComplaint({ ...complaintInput, brand: { ...brand, expiresAt: new Date('2026-06-01') } }, [], T0);
    expect(expired.complaint.reasons.map((x) => x.code)).toEqual(['IP.TRADEMARK_EXPIRED']);
  });

  it('rejects a trademark complaint outside the categories the trademark covers', () => {
    const r = fileIpComplaint({ ...complaintInput, kind: 'TRADEMARK', product: { ...product, categoryCode: 'toys.plush' } }, [], T0);
    expect(r.complaint.reasons.map((x) => x.code)).toEqual(['IP.OUTSIDE_TRADEMARK_SCOPE']);
  });

  it('needs a statement and evidence', () => {
    expect(() => fileIpComplaint({ ...complaintInput, evidenceRefs: [] }, [], T0)).toThrow(ValidationError);
  });
});

describe('IP complaints: counter-notice', () => {
  it('moves a takedown to review with a restore deadline for the owner to escalate', () => {
    const c = fileCounterNotice(takenDown(), counter, at(2));
    expect(c).toMatchObject({ status: 'COUNTER_NOTICED', counterNoticedAt: at(2), restoreDueAt: at(17), counterEvidenceRefs: ['invoice-77'] });
  });

  it('restores the product when the owner stays silent past the deadline, not before, not if the owner escalated', () => {
    const c = fileCounterNotice(takenDown(), counter, at(2));
    expect(restoreIfOwnerSilent(c, false, at(16))).toBeUndefined();
    expect(restoreIfOwnerSilent(c, true, at(20))).toBeUndefined();
    const restored = restoreIfOwnerSilent(c, false, at(17));
    expect(restored).toMatchObject({ status: 'RESTORED', decidedAt: at(17) });
    expect(restored?.reasons[0]?.code).toBe('IP.OWNER_DID_NOT_ESCALATE');
  });

  it('lets a reviewer uphold the takedown or restore the product, once', () => {
    const c = fileCounterNotice(takenDown(), counter, at(2));
    expect(decideIpComplaint(c, { outcome: 'RESTORE', reviewerId: 'RV', note: 'invoice genuine' }, at(5)).status).toBe('RESTORED');
    const upheld = decideIpComplaint(c, { outcome: 'UPHOLD', reviewerId: 'RV', note: '' }, at(5));
    expect(upheld.status).toBe('UPHELD');
    expect(codeOf(() => decideIpComplaint(upheld, { outcome: 'RESTORE', reviewerId: 'RV', note: '' }, at(6)))).toBe('IP.NOT_OPEN');
    expect(restoreIfOwnerSilent(upheld, false, at(40))).toBeUndefined();
  });

  it('refuses counter-notices from another merchant, twice, on a rejected complaint, or after the window', () => {
    expect(codeOf(() => fileCounterNotice(takenDown(), { ...counter, merchantId: 'M-2' }, at(1)))).toBe('IP.COUNTER_NOTICE_NOT_OWNER');
    const once = fileCounterNotice(takenDown(), counter, at(1));
    expect(codeOf(() => fileCounterNotice(once, counter, at(2)))).toBe('IP.NOT_TAKEN_DOWN');
    const rejected = fileIpComplaint({ ...complaintInput, complainantId: 'X' }, [], T0).complaint;
    expect(codeOf(() => fileCounterNotice(rejected, counter, at(1)))).toBe('IP.NOT_TAKEN_DOWN');
    expect(codeOf(() => fileCounterNotice(takenDown(), counter, at(31)))).toBe('IP.COUNTER_NOTICE_WINDOW_CLOSED');
  });
});

describe('IP complaints: escalation by the brand owner', () => {
  const escalation = { ownerId: 'RH-1', statement: 'Filed with the market regulator', evidenceRefs: ['samr-receipt-9'] };

  it('keeps the takedown past the restore deadline once the owner escalates within the window', () => {
    const noticed = fileCounterNotice(takenDown(), counter, at(1));
    const escalated = escalateIpComplaint(noticed, escalation, at(5));
    expect(escalated).toMatchObject({ status: 'COUNTER_NOTICED', escalatedAt: at(5) });
    expect(escalated.reasons[0]?.code).toBe('IP.ESCALATED');
    expect(restoreIfOwnerSilent(escalated, escalated.escalatedAt !== undefined, at(30))).toBeUndefined();
  });

  it('accepts an escalation only from the complainant, once, on a counter-noticed complaint, before the deadline', () => {
    const noticed = fileCounterNotice(takenDown(), counter, at(1));
    expect(codeOf(() => escalateIpComplaint(noticed, { ...escalation, ownerId: 'M-9' }, at(2)))).toBe('IP.ESCALATION_NOT_COMPLAINANT');
    expect(codeOf(() => escalateIpComplaint(takenDown(), escalation, at(2)))).toBe('IP.NOT_COUNTER_NOTICED');
    expect(codeOf(() => escalateIpComplaint(escalateIpComplaint(noticed, escalation, at(2)), escalation, at(3)))).toBe('IP.ALREADY_ESCALATED');
    expect(codeOf(() => escalateIpComplaint(noticed, escalation, at(16)))).toBe('IP.RESPONSE_WINDOW_CLOSED');
    expect(() => escalateIpComplaint(noticed, { ...escalation, evidenceRefs: [] }, at(2))).toThrow(ValidationError);
  });
});
