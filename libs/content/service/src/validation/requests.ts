import { validateContentInput, type ContentPolicy } from '@govern/content-domain';
import {
  AppealOutcome,
  AssessmentTrigger,
  ViolationSeverity,
  type AssessVideoRequest,
  type DecideAppealRequest,
  type DeductCreatorCreditRequest,
  type FileAppealRequest,
  type GetGovernanceStatsRequest,
  type LinkedProductRef,
  type ReassessContentRequest,
  type StartLivestreamRequest,
} from '@govern/contracts-content';
import { ValidationError, Violations } from '@govern/policy-core';

/**
 * Request checks at the edge: every problem of a request is reported at once, with the proto
 * field path, before anything is read or written. Bounds come from the content policy.
 */

const REQUEST_ID_MAX = 128;
const REASON_CODE_MAX = 128;
const MAX_EVIDENCE_ENTRIES = 20;

/** Runs a domain validator and adds its violations to `v` instead of throwing them alone. */
const absorb = (v: Violations, check: () => void): void => {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const violation of error.violations) v.add(violation.field, violation.description, violation.reason);
  }
};

const requestId = (v: Violations, value: string): void => {
  v.require('request_id', value);
  v.maxLength('request_id', value, REQUEST_ID_MAX);
};

const id = (v: Violations, field: string, value: string, policy: ContentPolicy, required = true): void => {
  if (required) v.require(field, value);
  v.maxLength(field, value, policy.limits.maxIdChars);
};

const links = (v: Violations, list: readonly LinkedProductRef[], policy: ContentPolicy, withDomainChecks: boolean): void => {
  list.forEach((link, i) => {
    v.maxLength(`linked_products[${i}].product_id`, link.productId, policy.limits.maxIdChars);
    v.maxLength(`linked_products[${i}].merchant_id`, link.merchantId, policy.limits.maxIdChars);
  });
  if (!withDomainChecks) return;
  v.maxItems('linked_products', list, policy.limits.maxLinkedProducts);
  const seen = new Set<string>();
  list.forEach((link, i) => {
    v.require(`linked_products[${i}].product_id`, link.productId);
    v.require(`linked_products[${i}].merchant_id`, link.merchantId);
    if (link.productId) v.check(!seen.has(link.productId), `linked_products[${i}].product_id`, `product ${link.productId} is linked twice`, 'DUPLICATE');
    seen.add(link.productId);
  });
};

export const validateAssessVideo = (req: AssessVideoRequest, policy: ContentPolicy): void => {
  const v = new Violations();
  requestId(v, req.requestId);
  absorb(v, () =>
    validateContentInput(
      { contentId: req.contentId, creatorId: req.creatorId, title: req.title, captions: req.captions, transcript: req.transcript, linkedProducts: req.linkedProducts },
      policy,
    ),
  );
  id(v, 'content_id', req.contentId, policy, false);
  id(v, 'creator_id', req.creatorId, policy, false);
  links(v, req.linkedProducts, policy, false);
  v.maxLength('media_fingerprint', req.mediaFingerprint, policy.limits.maxFingerprintChars);
  const e = req.engagement;
  if (e) {
    const max = BigInt(policy.limits.maxEngagementCount);
    for (const [field, value] of [
      ['views', e.views],
      ['likes', e.likes],
      ['comments', e.comments],
      ['shares', e.shares],
    ] as const) {
      v.check(value >= 0n && value <= max, `engagement.${field}`, `must be between 0 and ${max}`, 'OUT_OF_RANGE');
    }
    v.check(Number.isFinite(e.completionRate) && e.completionRate >= 0 && e.completionRate <= 1, 'engagement.completion_rate', 'must be between 0 and 1', 'OUT_OF_RANGE');
  }
  v.throwIfAny('CONTENT.INVALID_INPUT');
};

/** Triggers a caller may ask for; publish, cascade and appeal re-assessments are the service's own. */
const CALLER_TRIGGERS = new Set([AssessmentTrigger.ASSESSMENT_TRIGGER_COMPLAINT, AssessmentTrigger.ASSESSMENT_TRIGGER_SIGNAL_UPDATE, AssessmentTrigger.ASSESSMENT_TRIGGER_MANUAL]);

export const validateReassessContent = (req: ReassessContentRequest, policy: ContentPolicy): void => {
  const v = new Violations();
  requestId(v, req.requestId);
  id(v, 'content_id', req.contentId, policy);
  v.check(CALLER_TRIGGERS.has(req.trigger), 'trigger', 'must be COMPLAINT, SIGNAL_UPDATE or MANUAL', 'INVALID_ENUM');
  if (req.trigger === AssessmentTrigger.ASSESSMENT_TRIGGER_COMPLAINT) v.require('complaint_id', req.complaintId);
  id(v, 'complaint_id', req.complaintId, policy, false);
  v.maxLength('note', req.note, policy.limits.maxNoteChars);
  v.throwIfAny('CONTENT.INVALID_INPUT');
};

export const validateStartLivestream = (req: StartLivestreamRequest, policy: ContentPolicy): void => {
  const v = new Violations();
  requestId(v, req.requestId);
  id(v, 'livestream_id', req.livestreamId, policy);
  id(v, 'creator_id', req.creatorId, policy);
  v.require('title', req.title);
  v.maxLength('title', req.title, policy.limits.maxTitleChars);
  links(v, req.linkedProducts, policy, true);
  v.throwIfAny('LIVESTREAM.INVALID_INPUT');
};

export const validateMutationOf = (req: { requestId: string }, field: string, value: string, policy: ContentPolicy, code: string): void => {
  const v = new Violations();
  requestId(v, req.requestId);
  id(v, field, value, policy);
  v.throwIfAny(code);
};

/** Filters of List RPCs: optional, but bounded like the ids they name. */
export const validateListFilters = (filters: Record<string, string>, policy: ContentPolicy): void => {
  const v = new Violations();
  for (const [field, value] of Object.entries(filters)) id(v, field, value, policy, false);
  v.throwIfAny('REQUEST.INVALID_FILTER');
};

export const validateId = (field: string, value: string, policy: ContentPolicy, code = 'CONTENT.INVALID_INPUT'): void => {
  const v = new Violations();
  id(v, field, value, policy);
  v.throwIfAny(code);
};

export const validateDeductCreatorCredit = (req: DeductCreatorCreditRequest, policy: ContentPolicy): void => {
  const v = new Violations();
  requestId(v, req.requestId);
  id(v, 'creator_id', req.creatorId, policy);
  id(v, 'operator_id', req.operatorId, policy);
  id(v, 'content_id', req.contentId, policy, false);
  id(v, 'livestream_id', req.livestreamId, policy, false);
  v.check(
    req.severity !== ViolationSeverity.VIOLATION_SEVERITY_UNSPECIFIED && ViolationSeverity[req.severity] !== undefined && req.severity !== ViolationSeverity.UNRECOGNIZED,
    'severity',
    'must be LOW, MEDIUM, HIGH or CRITICAL',
    'INVALID_ENUM',
  );
  v.check(req.reasons.length > 0, 'reasons', 'at least one reason is required', 'REQUIRED');
  v.maxItems('reasons', req.reasons, policy.limits.maxReasons);
  req.reasons.forEach((r, i) => {
    v.require(`reasons[${i}].code`, r.code);
    v.maxLength(`reasons[${i}].code`, r.code, REASON_CODE_MAX);
    v.require(`reasons[${i}].message`, r.message);
    v.maxLength(`reasons[${i}].message`, r.message, policy.limits.maxReasonMessageChars);
    const entries = Object.entries(r.evidence);
    v.check(entries.length <= MAX_EVIDENCE_ENTRIES, `reasons[${i}].evidence`, `must have at most ${MAX_EVIDENCE_ENTRIES} entries`, 'TOO_MANY_ITEMS');
    for (const [key, value] of entries) {
      v.check(key.length <= REASON_CODE_MAX && value.length <= policy.limits.maxReasonMessageChars, `reasons[${i}].evidence`, `entry "${key.slice(0, 40)}" is too long`, 'TOO_LONG');
    }
    v.check(Number.isFinite(r.weight), `reasons[${i}].weight`, 'must be a finite number', 'OUT_OF_RANGE');
  });
  v.throwIfAny('CREATOR.INVALID_INPUT');
};

export const validateFileAppeal = (req: FileAppealRequest, policy: ContentPolicy): void => {
  const v = new Violations();
  requestId(v, req.requestId);
  id(v, 'penalty_id', req.penaltyId, policy);
  id(v, 'creator_id', req.creatorId, policy);
  v.require('statement', req.statement);
  v.maxLength('statement', req.statement, policy.limits.maxStatementChars);
  v.maxItems('evidence_refs', req.evidenceRefs, policy.limits.maxEvidenceRefs);
  req.evidenceRefs.forEach((ref, i) => {
    v.require(`evidence_refs[${i}]`, ref);
    v.maxLength(`evidence_refs[${i}]`, ref, policy.limits.maxEvidenceRefChars);
  });
  v.throwIfAny('APPEAL.INVALID_INPUT');
};

export const validateDecideAppeal = (req: DecideAppealRequest, policy: ContentPolicy): void => {
  const v = new Violations();
  requestId(v, req.requestId);
  id(v, 'appeal_id', req.appealId, policy);
  id(v, 'reviewer_id', req.reviewerId, policy);
  v.check(req.outcome === AppealOutcome.APPEAL_OUTCOME_UPHOLD || req.outcome === AppealOutcome.APPEAL_OUTCOME_OVERTURN, 'outcome', 'must be UPHOLD or OVERTURN', 'INVALID_ENUM');
  v.maxLength('note', req.note, policy.limits.maxNoteChars);
  v.throwIfAny('APPEAL.INVALID_INPUT');
};

export const validateStatsWindow = (req: GetGovernanceStatsRequest, now: Date, policy: ContentPolicy): { start: Date; end: Date } => {
  const v = new Violations();
  const start = req.window?.startTime;
  const end = req.window?.endTime;
  v.check(start !== undefined, 'window.start_time', 'is required', 'REQUIRED');
  v.check(end !== undefined, 'window.end_time', 'is required', 'REQUIRED');
  if (start && end) v.check(start.getTime() < end.getTime(), 'window.end_time', 'must be after window.start_time', 'OUT_OF_RANGE');
  if (start) v.check(start.getTime() <= now.getTime() + policy.limits.maxClockSkewMs, 'window.start_time', 'is in the future', 'FUTURE_TIMESTAMP');
  v.throwIfAny('STATS.INVALID_WINDOW');
  return { start: start as Date, end: end as Date };
};
