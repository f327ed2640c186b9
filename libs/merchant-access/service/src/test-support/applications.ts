import type { ApplicationInput } from '@govern/contracts-merchant-access';
import { creditCodeCheckChar, organisationCheckChar } from '@govern/merchant-access-domain';

/**
 * Applicants for tests: every identity number well-formed (credit codes with both GB check
 * characters, resident IDs with their GB 11643 check, Luhn-valid cards) and distinct per seed,
 * so tests choose exactly which identifiers two applicants share.
 */
export const creditCode = (seed: number): string => {
  const body = String(10_000_000 + seed).slice(-8);
  const first17 = `91350100${body}${organisationCheckChar(body)}`;
  return `${first17}${creditCodeCheckChar(first17)}`;
};

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export const residentId = (seed: number): string => {
  const first17 = `350102199001${String(10_000 + seed).slice(-4)}${String(seed % 10)}`.slice(0, 17);
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (ID_WEIGHTS[i] as number), 0);
  return first17 + '10X98765432'[sum % 11];
};

export const luhnCard = (seed: number): string => {
  const body = `622202${String(1_000_000_000_000 + seed).slice(-12)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
};

export const phone = (seed: number): string => `138${String(10_000_000 + seed).slice(-8)}`;

/** A clean application (risk 0: approved with standard terms) unless overridden. */
export const applicationInput = (seed: number, overrides: Partial<ApplicationInput> = {}): ApplicationInput => {
  const company = `测试商贸有限公司${seed}`;
  return {
    companyName: company,
    businessLicenceCode: creditCode(seed),
    legalRepresentative: { name: `林晓${seed}`, idNumber: residentId(seed) },
    contactPhone: phone(seed),
    bankAccount: { accountNumber: luhnCard(seed), bankName: '中国工商银行', accountHolder: company },
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
