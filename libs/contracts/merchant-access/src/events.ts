/**
 * The governance events merchant-access publishes: protobuf type, subject and codec of each.
 * Producers append them to their outbox; consumers in other services subscribe by these.
 */
import { defineEventType } from '@govern/contracts-common';
import {
  AffiliateEligibilityChanged,
  MerchantAppealDecided,
  MerchantApplicationRejected,
  MerchantOnboarded,
  MerchantReinstated,
  MerchantRemoved,
  MerchantReviewOpened,
  MerchantSanctioned,
  MerchantViolationRecorded,
  StoreExperienceScoreChanged,
} from './gen';

export const MerchantOnboardedEvent = defineEventType<MerchantOnboarded>('govern.merchant_access.v1.MerchantOnboarded', 'govern.merchant_access.merchant.onboarded', MerchantOnboarded);
export const MerchantApplicationRejectedEvent = defineEventType<MerchantApplicationRejected>('govern.merchant_access.v1.MerchantApplicationRejected', 'govern.merchant_access.application.rejected', MerchantApplicationRejected);
export const MerchantReviewOpenedEvent = defineEventType<MerchantReviewOpened>('govern.merchant_access.v1.MerchantReviewOpened', 'govern.merchant_access.review_case.opened', MerchantReviewOpened);
export const MerchantViolationRecordedEvent = defineEventType<MerchantViolationRecorded>('govern.merchant_access.v1.MerchantViolationRecorded', 'govern.merchant_access.violation.recorded', MerchantViolationRecorded);
export const MerchantSanctionedEvent = defineEventType<MerchantSanctioned>('govern.merchant_access.v1.MerchantSanctioned', 'govern.merchant_access.merchant.sanctioned', MerchantSanctioned);
export const MerchantRemovedEvent = defineEventType<MerchantRemoved>('govern.merchant_access.v1.MerchantRemoved', 'govern.merchant_access.merchant.removed', MerchantRemoved);
export const MerchantReinstatedEvent = defineEventType<MerchantReinstated>('govern.merchant_access.v1.MerchantReinstated', 'govern.merchant_access.merchant.reinstated', MerchantReinstated);
export const MerchantAppealDecidedEvent = defineEventType<MerchantAppealDecided>('govern.merchant_access.v1.MerchantAppealDecided', 'govern.merchant_access.appeal.decided', MerchantAppealDecided);
export const StoreExperienceScoreChangedEvent = defineEventType<StoreExperienceScoreChanged>('govern.merchant_access.v1.StoreExperienceScoreChanged', 'govern.merchant_access.store_experience_score.changed', StoreExperienceScoreChanged);
export const AffiliateEligibilityChangedEvent = defineEventType<AffiliateEligibilityChanged>('govern.merchant_access.v1.AffiliateEligibilityChanged', 'govern.merchant_access.affiliate_eligibility.changed', AffiliateEligibilityChanged);

/** Every event type merchant-access publishes. */
export const merchantAccessEvents = [MerchantOnboardedEvent, MerchantApplicationRejectedEvent, MerchantReviewOpenedEvent, MerchantViolationRecordedEvent, MerchantSanctionedEvent, MerchantRemovedEvent, MerchantReinstatedEvent, MerchantAppealDecidedEvent, StoreExperienceScoreChangedEvent, AffiliateEligibilityChangedEvent] as const;
