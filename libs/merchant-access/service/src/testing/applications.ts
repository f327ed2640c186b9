import type { ApplicationInput } from '@govern/contracts-merchant-access';
import { syntheticApplication } from '@govern/platform-testing';

/**
 * A clean application (risk 0: approved with standard terms) unless overridden. Its identity
 * numbers are well-formed and distinct per seed (`syntheticIdentity`), so tests choose exactly
 * which identifiers two applicants share.
 */
export const applicationInput = (seed: number, overrides: Partial<ApplicationInput> = {}): ApplicationInput => ({ ...syntheticApplication(seed), ...overrides });

/** Six categories, two regulated ones without their qualifications: 40 + 20 + 10 = 70, the review band. */
export const reviewBandCategories = ['general', 'apparel', 'electronics', 'home', 'cosmetics', 'medical_device'];

/** The application with its bank account fields replaced. */
export const withBankAccount = (input: ApplicationInput, patch: Partial<NonNullable<ApplicationInput['bankAccount']>>): ApplicationInput => ({
  ...input,
  bankAccount: { accountNumber: '', bankName: '', accountHolder: '', ...input.bankAccount, ...patch },
});
