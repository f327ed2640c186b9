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
import { protoEnum, type EnumName } from '@govern/platform-grpc';

/**
 * Proto enums <-> the names the domain and the database use (`MERCHANT_STATUS_REMOVED` <->
 * `REMOVED`), with the platform's codec: UNSPECIFIED and numbers the contract lacks read as
 * undefined (the request checks report them), a new contract value needs no mapping code.
 */
export const merchantStatusCodec = protoEnum(MerchantStatus, 'MERCHANT_STATUS_');
export const riskBandCodec = protoEnum(RiskBand, 'RISK_BAND_');
export const applicationStatusCodec = protoEnum(ApplicationStatus, 'APPLICATION_STATUS_');
export const identifierKindCodec = protoEnum(IdentifierKind, 'IDENTIFIER_KIND_');
export const violationTypeCodec = protoEnum(ViolationType, 'VIOLATION_TYPE_');
export const violationSourceCodec = protoEnum(ViolationSource, 'VIOLATION_SOURCE_');
export const violationStatusCodec = protoEnum(ViolationStatus, 'VIOLATION_STATUS_');
export const sanctionKindCodec = protoEnum(SanctionKind, 'SANCTION_KIND_');
export const reinstatementCauseCodec = protoEnum(ReinstatementCause, 'REINSTATEMENT_CAUSE_');
export const reviewCaseKindCodec = protoEnum(ReviewCaseKind, 'REVIEW_CASE_KIND_');
export const reviewCaseStatusCodec = protoEnum(ReviewCaseStatus, 'REVIEW_CASE_STATUS_');
export const reviewDecisionCodec = protoEnum(ReviewDecision, 'REVIEW_DECISION_');
export const appealStatusCodec = protoEnum(AppealStatus, 'APPEAL_STATUS_');
export const appealDecisionCodec = protoEnum(AppealDecision, 'APPEAL_DECISION_');

export type ViolationSourceName = EnumName<typeof ViolationSource, 'VIOLATION_SOURCE_'>;
export type ViolationStatusName = EnumName<typeof ViolationStatus, 'VIOLATION_STATUS_'>;
export type ApplicationStatusName = EnumName<typeof ApplicationStatus, 'APPLICATION_STATUS_'>;
export type ReviewDecisionName = EnumName<typeof ReviewDecision, 'REVIEW_DECISION_'>;
export type AppealStatusName = EnumName<typeof AppealStatus, 'APPEAL_STATUS_'>;
export type AppealDecisionName = EnumName<typeof AppealDecision, 'APPEAL_DECISION_'>;
