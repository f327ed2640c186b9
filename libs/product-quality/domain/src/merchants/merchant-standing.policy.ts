import type { VersionedPolicy } from '@govern/policy-core';

export interface MerchantStandingPolicy extends VersionedPolicy {
  /**
   * What merchant-access verified when it approved a category: MerchantOnboarded carries the
   * approved category codes (merchant-access's own codes), and merchant-access approves a
   * category only with the qualifications its onboarding policy requires for it. So an approved
   * category stands for those qualifications here. Mirrors merchant-access's
   * `merchant-onboarding` categories at the version named in `mirrorsOnboardingPolicy`.
   */
  readonly qualificationsByApprovedCategory: Readonly<Record<string, readonly string[]>>;
  readonly mirrorsOnboardingPolicy: string;
  /** A listing quota of 0 in MerchantOnboarded means "no quota". */
  readonly unlimitedQuota: number;
}

export const MERCHANT_STANDING_POLICY: MerchantStandingPolicy = {
  name: 'product-quality-merchant-standing',
  version: '2026-11-01.1',
  qualificationsByApprovedCategory: {
    books: ['PUBLICATION_BUSINESS_LICENCE'],
    food: ['FOOD_BUSINESS_LICENCE'],
    health_food: ['FOOD_BUSINESS_LICENCE'],
    infant_formula: ['FOOD_BUSINESS_LICENCE', 'INFANT_FORMULA_REGISTRATION'],
    alcohol: ['FOOD_BUSINESS_LICENCE', 'ALCOHOL_DISTRIBUTION_FILING'],
    cosmetics: ['COSMETICS_FILING'],
    medical_device: ['MEDICAL_DEVICE_LICENCE'],
    pharmacy: ['DRUG_BUSINESS_LICENCE', 'INTERNET_DRUG_INFORMATION_CERTIFICATE'],
  },
  mirrorsOnboardingPolicy: 'merchant-onboarding@2026-11-01.1',
  unlimitedQuota: 0,
};
