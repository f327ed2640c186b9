import type { ApplicationInput } from '@govern/contracts-merchant-access';
import { syntheticIdentity } from '@govern/platform-testing';

/**
 * A clean application (risk 0: approved with standard terms) unless overridden. Its identity
 * numbers are well-formed and distinct per seed (`syntheticIdentity`), so tests choose exactly
 * which identifiers two applicants share.
 */
export const applicationInput = (seed: number, overrides: Partial<ApplicationInput> = {}): ApplicationInput => {
  const company = `测试商贸有限公司${seed}`;
  const identity = syntheticIdentity(seed);
  return {
    companyName: company,
    businessLicenceCode: identity.creditCode,
    legalRepresentative: { name: `林晓${seed}`, idNumber: identity.residentId },
    contactPhone: identity.mobilePhone,
    bankAccount: { accountNumber: identity.bankCard, bankName: '中国工商银行', accountHolder: company },
    deviceIds: [`device-${seed}`],
    address: { regionCode: '350102', province: '福建省', city: '福州市', district: '鼓楼区', line: `五四路 ${seed} 号` },
    categoryCodes: ['general'],
    qualifications: [],
    registeredCapitalFen: 10_000_000n,
    ...overrides,
  };
};

/** Six categories, two regulated ones without their qualifications: 40 + 20 + 10 = 70, the review band. */
export const reviewBandCategories = ['general', 'apparel', 'electronics', 'home', 'cosmetics', 'medical_device'];

/** The application with its bank account fields replaced. */
export const withBankAccount = (input: ApplicationInput, patch: Partial<NonNullable<ApplicationInput['bankAccount']>>): ApplicationInput => ({
  ...input,
  bankAccount: { accountNumber: '', bankName: '', accountHolder: '', ...input.bankAccount, ...patch },
});
