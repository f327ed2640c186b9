import { consumerExperiencePolicy } from '@govern/contracts-consumer-experience';
import { contentPolicy } from '@govern/contracts-content';
import { merchantAccessPolicy } from '@govern/contracts-merchant-access';
import { productQualityPolicy } from '@govern/contracts-product-quality';
import type { ServicePolicy } from './policy';

/**
 * The authorization tables of the four services, each from its contracts lib (the one copy the
 * service enforces), for callers that act for people across services and want to know the rules
 * before calling: the operator console (what to show), the CLI and test harnesses (which roles a
 * development token needs).
 */
export const SERVICE_POLICIES: readonly ServicePolicy[] = [contentPolicy, productQualityPolicy, merchantAccessPolicy, consumerExperiencePolicy];
