import { syntheticIdentity } from './identities';

/**
 * A clean merchant application of `seed` (no risk signal: approved with standard terms), with
 * well-formed identity numbers distinct per seed (`syntheticIdentity`), so a test chooses exactly
 * which identifiers two applicants share. Shaped as merchant-access's `ApplicationInput`, which
 * it satisfies structurally: this lib depends on no service's contracts. `devicePrefix` keeps the
 * device ids of one suite's applicants apart from another's.
 */
export const syntheticApplication = (seed: number, devicePrefix = '') => {
  const company = `测试商贸有限公司${seed}`;
  const identity = syntheticIdentity(seed);
  return {
    companyName: company,
    businessLicenceCode: identity.creditCode,
    legalRepresentative: { name: `林晓${seed}`, idNumber: identity.residentId },
    contactPhone: identity.mobilePhone,
    bankAccount: { accountNumber: identity.bankCard, bankName: '中国工商银行', accountHolder: company },
    deviceIds: [`${devicePrefix}device-${seed}`],
    address: { regionCode: '350102', province: '福建省', city: '福州市', district: '鼓楼区', line: `五四路 ${seed} 号` },
    categoryCodes: ['general'],
    qualifications: [] as never[],
    registeredCapitalFen: 10_000_000n,
  };
};
