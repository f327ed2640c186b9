/**
 * The governance events content publishes: protobuf type, subject and codec of each.
 * Producers append them to their outbox; consumers in other services subscribe by these.
 */
import { defineEventType } from '@govern/contracts-common';
import {
  AppealDecided,
  ContentAssessed,
  ContentPenalised,
  ContentRestored,
  ContentTierChanged,
  CreatorCreditChanged,
  CreatorLinkingRestored,
  CreatorLinkingSuspended,
  CreatorPrivilegesRevoked,
  LivestreamInterrupted,
} from './gen';

export const ContentAssessedEvent = defineEventType<ContentAssessed>('govern.content.v1.ContentAssessed', 'govern.content.content_item.assessed', ContentAssessed);
export const ContentPenalisedEvent = defineEventType<ContentPenalised>('govern.content.v1.ContentPenalised', 'govern.content.content_item.penalised', ContentPenalised);
export const ContentTierChangedEvent = defineEventType<ContentTierChanged>('govern.content.v1.ContentTierChanged', 'govern.content.content_item.tier_changed', ContentTierChanged);
export const ContentRestoredEvent = defineEventType<ContentRestored>('govern.content.v1.ContentRestored', 'govern.content.content_item.restored', ContentRestored);
export const CreatorCreditChangedEvent = defineEventType<CreatorCreditChanged>('govern.content.v1.CreatorCreditChanged', 'govern.content.creator.credit_changed', CreatorCreditChanged);
export const CreatorLinkingSuspendedEvent = defineEventType<CreatorLinkingSuspended>('govern.content.v1.CreatorLinkingSuspended', 'govern.content.creator.linking_suspended', CreatorLinkingSuspended);
export const CreatorLinkingRestoredEvent = defineEventType<CreatorLinkingRestored>('govern.content.v1.CreatorLinkingRestored', 'govern.content.creator.linking_restored', CreatorLinkingRestored);
export const CreatorPrivilegesRevokedEvent = defineEventType<CreatorPrivilegesRevoked>('govern.content.v1.CreatorPrivilegesRevoked', 'govern.content.creator.privileges_revoked', CreatorPrivilegesRevoked);
export const LivestreamInterruptedEvent = defineEventType<LivestreamInterrupted>('govern.content.v1.LivestreamInterrupted', 'govern.content.livestream.interrupted', LivestreamInterrupted);
export const AppealDecidedEvent = defineEventType<AppealDecided>('govern.content.v1.AppealDecided', 'govern.content.appeal.decided', AppealDecided);

/** Every event type content publishes. */
export const contentEvents = [ContentAssessedEvent, ContentPenalisedEvent, ContentTierChangedEvent, ContentRestoredEvent, CreatorCreditChangedEvent, CreatorLinkingSuspendedEvent, CreatorLinkingRestoredEvent, CreatorPrivilegesRevokedEvent, LivestreamInterruptedEvent, AppealDecidedEvent] as const;
