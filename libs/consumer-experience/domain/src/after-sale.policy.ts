import { DAY, HOUR, type VersionedPolicy } from '@govern/policy-core';
import type { ReturnExemption } from './model';

/**
 * After-sale rules: the 7-day no-reason return (Consumer Rights Protection Law art. 25) and its
 * exemptions, the merchant's answer deadline and what the platform does when it passes, and the
 * merchant's deadline to pay a dispute award.
 */
export interface AfterSalePolicy extends VersionedPolicy {
  readonly noReasonWindowMs: number;
  readonly categoryExemptions: Readonly<Record<string, readonly ReturnExemption[]>>;
  readonly exemptionsNeedingUnsealed: readonly ReturnExemption[];
  readonly merchantResponseWithinMs: number;
  readonly onMerchantSilence: 'ACCEPT' | 'ESCALATE';
  readonly disputePaymentWithinMs: number;
}

export const AFTER_SALE_POLICY: AfterSalePolicy = {
  name: 'consumer-after-sale',
  version: '2026-11-01.1',
  /** The no-reason window runs 7 days from delivery. */
  noReasonWindowMs: 7 * DAY,
  /**
   * Exemptions derived from the category code: every matching prefix ("food.fresh" matches
   * "food.fresh.fruit") adds its exemptions. Art. 25 names custom-made, fresh/perishable,
   * downloaded or unsealed digital goods and delivered periodicals; the platform adds personal
   * hygiene goods once opened.
   */
  categoryExemptions: {
    'food.fresh': ['PERISHABLE'],
    'food.live': ['PERISHABLE'],
    flowers: ['PERISHABLE'],
    'media.digital': ['DIGITAL_UNSEALED'],
    'media.software': ['DIGITAL_UNSEALED'],
    'media.periodical': ['PERIODICAL'],
    'apparel.underwear': ['HYGIENE_OPENED'],
    'beauty.cosmetics': ['HYGIENE_OPENED'],
    'personal-care': ['HYGIENE_OPENED'],
    custom: ['CUSTOM_MADE'],
  },
  /** Exemptions that only apply once the seal or packaging is opened. */
  exemptionsNeedingUnsealed: ['DIGITAL_UNSEALED', 'HYGIENE_OPENED'],
  /** The merchant answers within 48 h; after that the platform decides. */
  merchantResponseWithinMs: 48 * HOUR,
  /** What the platform decides when the merchant stays silent: the buyer's request is accepted. */
  onMerchantSilence: 'ACCEPT',
  /** A merchant who loses a dispute pays within 48 h, else the fund pays in advance. */
  disputePaymentWithinMs: 48 * HOUR,
};

