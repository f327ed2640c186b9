import {
  AppealOutcome,
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
import { protoEnum, type EnumCodec } from '@govern/platform-grpc';

/**
 * Domain values are the proto enum names without their prefix (`PREMIUM` for
 * `CONTENT_TIER_PREMIUM`); the database stores the same short names. The platform's `protoEnum`
 * derives every codec from the generated enum, so a new enum value needs no mapping code; the
 * request checks read them (`checks.enumValue('tier', contentTiers, request.tier)`).
 */
export const contentTiers = protoEnum(ContentTier, 'CONTENT_TIER_');
export const contentKinds = protoEnum(ContentKind, 'CONTENT_KIND_');
export const severities = protoEnum(ViolationSeverity, 'VIOLATION_SEVERITY_');
export const violationKinds = protoEnum(ViolationKind, 'VIOLATION_KIND_');
export const linkStates = protoEnum(ProductLinkState, 'PRODUCT_LINK_STATE_');
export const triggers = protoEnum(AssessmentTrigger, 'ASSESSMENT_TRIGGER_');
export const liveLevels = protoEnum(LivestreamActionKind, 'LIVESTREAM_ACTION_KIND_');
export const livestreamStates = protoEnum(LivestreamState, 'LIVESTREAM_STATE_');
export const standings = protoEnum(CreatorStanding, 'CREATOR_STANDING_');
export const penaltySources = protoEnum(PenaltySource, 'PENALTY_SOURCE_');
export const penaltyStates = protoEnum(PenaltyState, 'PENALTY_STATE_');
export const penaltyActions = protoEnum(PenaltyAction, 'PENALTY_ACTION_');
export const appealStates = protoEnum(AppealState, 'APPEAL_STATE_');
export const appealOutcomes = protoEnum(AppealOutcome, 'APPEAL_OUTCOME_');

type NameOf<C> = C extends EnumCodec<infer Name> ? Name : never;
export type ContentKindName = NameOf<typeof contentKinds>;
export type TriggerName = NameOf<typeof triggers>;
export type PenaltyActionName = NameOf<typeof penaltyActions>;
export type PenaltySourceName = NameOf<typeof penaltySources>;
export type PenaltyStateName = NameOf<typeof penaltyStates>;
export type AppealStateName = NameOf<typeof appealStates>;
export type LivestreamStateName = NameOf<typeof livestreamStates>;

/** The proto number of a stored name, typed as the message field's enum (UNSPECIFIED for null or an unknown name). */
const toProto =
  <E extends number>(codec: EnumCodec<string>) =>
  (name: string | null | undefined): E =>
    codec.toProto(name) as E;

export const tierToProto = toProto<ContentTier>(contentTiers);
export const kindToProto = toProto<ContentKind>(contentKinds);
export const severityToProto = toProto<ViolationSeverity>(severities);
export const violationKindToProto = toProto<ViolationKind>(violationKinds);
export const linkStateToProto = toProto<ProductLinkState>(linkStates);
export const triggerToProto = toProto<AssessmentTrigger>(triggers);
export const liveLevelToProto = toProto<LivestreamActionKind>(liveLevels);
export const livestreamStateToProto = toProto<LivestreamState>(livestreamStates);
export const standingToProto = toProto<CreatorStanding>(standings);
export const penaltySourceToProto = toProto<PenaltySource>(penaltySources);
export const penaltyStateToProto = toProto<PenaltyState>(penaltyStates);
export const penaltyActionToProto = toProto<PenaltyAction>(penaltyActions);
export const appealStateToProto = toProto<AppealState>(appealStates);
