import { CONTENT_POLICY } from '@govern/content-domain';
import { AssessVideoRequest, AssessmentTrigger, DeductCreatorCreditRequest, ReassessContentRequest, ViolationSeverity } from '@govern/contracts-content';
import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { validateAssessVideo, validateDeductCreatorCredit, validateReassessContent } from './requests';

const fieldsOf = (check: () => void): string[] => {
  try {
    check();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).violations.map((v) => `${v.field}:${v.reason}`).sort();
  }
};

describe('request validation', () => {
  it('accepts a complete video and lists every problem of a bad one at once', () => {
    const good = AssessVideoRequest.fromPartial({ requestId: 'r', contentId: 'v', creatorId: 'c', title: 'Shirt', linkedProducts: [{ productId: 'p', merchantId: 'm' }] });
    expect(fieldsOf(() => validateAssessVideo(good, CONTENT_POLICY))).toEqual([]);
    const bad = AssessVideoRequest.fromPartial({
      requestId: 'r'.repeat(129),
      contentId: 'v'.repeat(CONTENT_POLICY.limits.maxIdChars + 1),
      creatorId: 'c',
      title: 'Shirt',
      mediaFingerprint: 'f'.repeat(CONTENT_POLICY.limits.maxFingerprintChars + 1),
      linkedProducts: Array.from({ length: CONTENT_POLICY.limits.maxLinkedProducts + 1 }, (_, i) => ({ productId: `p-${i}`, merchantId: 'm' })),
    });
    expect(fieldsOf(() => validateAssessVideo(bad, CONTENT_POLICY))).toEqual(['content_id:TOO_LONG', 'linked_products:TOO_MANY_ITEMS', 'media_fingerprint:TOO_LONG', 'request_id:TOO_LONG']);
  });

  it('lets callers re-assess for a complaint (with its id), new signals or an operator, nothing else', () => {
    const base = { requestId: 'r', contentId: 'v' };
    expect(fieldsOf(() => validateReassessContent(ReassessContentRequest.fromPartial({ ...base, trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_MANUAL }), CONTENT_POLICY))).toEqual([]);
    expect(fieldsOf(() => validateReassessContent(ReassessContentRequest.fromPartial({ ...base, trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_COMPLAINT }), CONTENT_POLICY))).toEqual(['complaint_id:REQUIRED']);
    expect(fieldsOf(() => validateReassessContent(ReassessContentRequest.fromPartial({ ...base, trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_APPEAL }), CONTENT_POLICY))).toEqual(['trigger:INVALID_ENUM']);
  });

  it('requires an operator, a severity and bounded reasons for a manual deduction', () => {
    const request = DeductCreatorCreditRequest.fromPartial({
      requestId: 'r',
      creatorId: 'c',
      severity: ViolationSeverity.VIOLATION_SEVERITY_HIGH,
      operatorId: 'op',
      reasons: [{ code: '', message: 'm'.repeat(CONTENT_POLICY.limits.maxReasonMessageChars + 1), evidence: {}, weight: Number.NaN }],
    });
    expect(fieldsOf(() => validateDeductCreatorCredit(request, CONTENT_POLICY))).toEqual(['reasons[0].code:REQUIRED', 'reasons[0].message:TOO_LONG', 'reasons[0].weight:OUT_OF_RANGE']);
  });
});
