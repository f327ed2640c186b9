import {
  AppealState,
  AssessmentTrigger,
  ContentKind,
  ContentTier,
  CreatorStanding,
  LivestreamActionKind,
  LivestreamState,
  PenaltyAction,
  PenaltySource,
  PenaltyState,
  ProductLinkState,
  ViolationKind,
  ViolationSeverity,
} from '@govern/contracts-content';
import type { CreatorStandingLevel, LiveLevel, Severity, Tier, ViolationKind as DomainViolationKind } from '@govern/content-domain';

/**
 * Domain values are the proto enum names without their prefix (`PREMIUM` for
 * `CONTENT_TIER_PREMIUM`); the database stores the same short names. One pair of helpers
 * maps every enum both ways, so a new enum value needs no new mapping code.
 */
type ProtoEnum = Record<string, string | number>;

const toProto = <E extends ProtoEnum>(values: E, prefix: string) => (name: string | null | undefined): E[keyof E] =>
  (values[`${prefix}${name ?? 'UNSPECIFIED'}`] ?? values[`${prefix}UNSPECIFIED`]) as E[keyof E];

const fromProto = <E extends ProtoEnum, Name extends string>(values: E, prefix: string) => (value: number): Name | undefined => {
  const name = values[value];
  if (typeof name !== 'string' || !name.startsWith(prefix) || name === `${prefix}UNSPECIFIED`) return undefined;
  return name.slice(prefix.length) as Name;
};

export type ContentKindName = 'SHORT_VIDEO' | 'LIVESTREAM';
export type TriggerName = 'PUBLISH' | 'COMPLAINT' | 'CASCADE' | 'SIGNAL_UPDATE' | 'MANUAL' | 'APPEAL';
export type PenaltyActionName = 'CREDIT_ONLY' | 'LIMITED' | 'BLOCKED' | 'UNLINKED' | 'LIVESTREAM_LIMITED' | 'LIVESTREAM_INTERRUPTED';
export type PenaltySourceName = 'ASSESSMENT' | 'LIVESTREAM' | 'CASCADE' | 'MANUAL';
export type PenaltyStateName = 'ACTIVE' | 'EXPIRED' | 'OVERTURNED' | 'LIFTED';
export type AppealStateName = 'PENDING' | 'UPHELD' | 'OVERTURNED';
export type LivestreamStateName = 'LIVE' | 'ENDED' | 'INTERRUPTED';

export const tierToProto = toProto(ContentTier, 'CONTENT_TIER_');
export const tierFromProto = fromProto<typeof ContentTier, Tier>(ContentTier, 'CONTENT_TIER_');
export const kindToProto = toProto(ContentKind, 'CONTENT_KIND_');
export const severityToProto = toProto(ViolationSeverity, 'VIOLATION_SEVERITY_');
export const severityFromProto = fromProto<typeof ViolationSeverity, Severity>(ViolationSeverity, 'VIOLATION_SEVERITY_');
export const violationKindToProto = (kind: DomainViolationKind): ViolationKind => toProto(ViolationKind, 'VIOLATION_KIND_')(kind);
export const linkStateToProto = toProto(ProductLinkState, 'PRODUCT_LINK_STATE_');
export const triggerToProto = toProto(AssessmentTrigger, 'ASSESSMENT_TRIGGER_');
export const triggerFromProto = fromProto<typeof AssessmentTrigger, TriggerName>(AssessmentTrigger, 'ASSESSMENT_TRIGGER_');
export const liveLevelToProto = (level: LiveLevel | string): LivestreamActionKind => toProto(LivestreamActionKind, 'LIVESTREAM_ACTION_KIND_')(level);
export const livestreamStateToProto = toProto(LivestreamState, 'LIVESTREAM_STATE_');
export const standingToProto = (standing: CreatorStandingLevel | string): CreatorStanding => toProto(CreatorStanding, 'CREATOR_STANDING_')(standing);
export const penaltySourceToProto = toProto(PenaltySource, 'PENALTY_SOURCE_');
export const penaltyStateToProto = toProto(PenaltyState, 'PENALTY_STATE_');
export const penaltyStateFromProto = fromProto<typeof PenaltyState, PenaltyStateName>(PenaltyState, 'PENALTY_STATE_');
export const penaltyActionToProto = toProto(PenaltyAction, 'PENALTY_ACTION_');
export const appealStateToProto = toProto(AppealState, 'APPEAL_STATE_');
export const appealStateFromProto = fromProto<typeof AppealState, AppealStateName>(AppealState, 'APPEAL_STATE_');
