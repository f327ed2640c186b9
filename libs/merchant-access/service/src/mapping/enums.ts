import {
  AppealDecision,
  AppealStatus,
  ApplicationStatus,
  IdentifierKind,
  MerchantStatus,
  ReinstatementCause,
  ReviewCaseKind,
  ReviewCaseStatus,
  ReviewDecision,
  RiskBand,
  SanctionKind,
  ViolationSource,
  ViolationStatus,
  ViolationType,
} from '@govern/contracts-merchant-access';
import { IDENTIFIER_KINDS, VIOLATION_TYPES } from '@govern/merchant-access-domain';

/**
 * Proto enums <-> the domain's names. Proto values are `<PREFIX>_<NAME>` (`MERCHANT_STATUS_REMOVED`);
 * the domain and the database use `<NAME>` (`REMOVED`). UNSPECIFIED and unknown numbers map to
 * undefined, which request validation reports as a missing field.
 */
interface EnumCodec<Name extends string, Value extends number> {
  toProto(name: Name): Value;
  fromProto(value: number): Name | undefined;
}

const enumCodec = <Name extends string, Value extends number>(
  enumObject: Record<string, string | number>,
  prefix: string,
  names: readonly Name[],
): EnumCodec<Name, Value> => ({
  toProto(name) {
    const value = enumObject[`${prefix}_${name}`];
    if (typeof value !== 'number') throw new Error(`${prefix}_${name} is not in the contract`);
    return value as Value;
  },
  fromProto(value) {
    const key = enumObject[value];
    if (typeof key !== 'string' || !key.startsWith(`${prefix}_`)) return undefined;
    const name = key.slice(prefix.length + 1) as Name;
    return names.includes(name) ? name : undefined;
  },
});

export const MERCHANT_STATUSES = ['ACTIVE', 'LISTING_RESTRICTED', 'SUSPENDED', 'REMOVED'] as const;
export const RISK_BANDS = ['APPROVE', 'APPROVE_WITH_RESTRICTIONS', 'MANUAL_REVIEW', 'REJECT'] as const;
export const APPLICATION_STATUSES = ['IN_REVIEW', 'APPROVED', 'REJECTED'] as const;
export const VIOLATION_SOURCES = ['PRODUCT_QUALITY', 'CONTENT', 'CONSUMER_EXPERIENCE', 'OPERATOR'] as const;
export const VIOLATION_STATUSES = ['ACTIVE', 'EXPIRED', 'OVERTURNED'] as const;
export const SANCTION_KINDS = ['LISTING_RESTRICTED', 'SUSPENDED', 'REMOVED'] as const;
export const REINSTATEMENT_CAUSES = ['EXPIRED', 'APPEAL_OVERTURNED'] as const;
export const REVIEW_CASE_KINDS = ['APPLICATION', 'APPEAL'] as const;
export const REVIEW_CASE_STATUSES = ['OPEN', 'CLAIMED', 'DECIDED'] as const;
export const REVIEW_DECISIONS = ['APPROVE', 'APPROVE_WITH_RESTRICTIONS', 'REJECT'] as const;
export const APPEAL_STATUSES = ['PENDING', 'UPHELD', 'OVERTURNED'] as const;
export const APPEAL_DECISIONS = ['UPHOLD', 'OVERTURN'] as const;

export type ViolationSourceName = (typeof VIOLATION_SOURCES)[number];
export type ViolationStatusName = (typeof VIOLATION_STATUSES)[number];
export type ApplicationStatusName = (typeof APPLICATION_STATUSES)[number];
export type ReviewDecisionName = (typeof REVIEW_DECISIONS)[number];
export type AppealStatusName = (typeof APPEAL_STATUSES)[number];
export type AppealDecisionName = (typeof APPEAL_DECISIONS)[number];

export const merchantStatusCodec = enumCodec<(typeof MERCHANT_STATUSES)[number], MerchantStatus>(MerchantStatus, 'MERCHANT_STATUS', MERCHANT_STATUSES);
export const riskBandCodec = enumCodec<(typeof RISK_BANDS)[number], RiskBand>(RiskBand, 'RISK_BAND', RISK_BANDS);
export const applicationStatusCodec = enumCodec<ApplicationStatusName, ApplicationStatus>(ApplicationStatus, 'APPLICATION_STATUS', APPLICATION_STATUSES);
export const identifierKindCodec = enumCodec<(typeof IDENTIFIER_KINDS)[number], IdentifierKind>(IdentifierKind, 'IDENTIFIER_KIND', IDENTIFIER_KINDS);
export const violationTypeCodec = enumCodec<(typeof VIOLATION_TYPES)[number], ViolationType>(ViolationType, 'VIOLATION_TYPE', VIOLATION_TYPES);
export const violationSourceCodec = enumCodec<ViolationSourceName, ViolationSource>(ViolationSource, 'VIOLATION_SOURCE', VIOLATION_SOURCES);
export const violationStatusCodec = enumCodec<ViolationStatusName, ViolationStatus>(ViolationStatus, 'VIOLATION_STATUS', VIOLATION_STATUSES);
export const sanctionKindCodec = enumCodec<(typeof SANCTION_KINDS)[number], SanctionKind>(SanctionKind, 'SANCTION_KIND', SANCTION_KINDS);
export const reinstatementCauseCodec = enumCodec<(typeof REINSTATEMENT_CAUSES)[number], ReinstatementCause>(
  ReinstatementCause,
  'REINSTATEMENT_CAUSE',
  REINSTATEMENT_CAUSES,
);
export const reviewCaseKindCodec = enumCodec<(typeof REVIEW_CASE_KINDS)[number], ReviewCaseKind>(ReviewCaseKind, 'REVIEW_CASE_KIND', REVIEW_CASE_KINDS);
export const reviewCaseStatusCodec = enumCodec<(typeof REVIEW_CASE_STATUSES)[number], ReviewCaseStatus>(
  ReviewCaseStatus,
  'REVIEW_CASE_STATUS',
  REVIEW_CASE_STATUSES,
);
export const reviewDecisionCodec = enumCodec<ReviewDecisionName, ReviewDecision>(ReviewDecision, 'REVIEW_DECISION', REVIEW_DECISIONS);
export const appealStatusCodec = enumCodec<AppealStatusName, AppealStatus>(AppealStatus, 'APPEAL_STATUS', APPEAL_STATUSES);
export const appealDecisionCodec = enumCodec<AppealDecisionName, AppealDecision>(AppealDecision, 'APPEAL_DECISION', APPEAL_DECISIONS);
