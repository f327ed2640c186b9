import type { ApplicationInput } from '../application-validation';

/** A merchant application that passes every rule (for specs): a food seller with its licence. */
export const goodApplication = (overrides: Partial<ApplicationInput> = {}): ApplicationInput => ({
  companyName: '福州好物商贸有限公司',
  businessLicenceCode: '91350100M000100Y43',
  legalRepresentative: { name: '林晓', idNumber: '11010519491231002X' },
  contactPhone: '+86 138 1234 5678',
  bankAccount: { accountNumber: '6222 0212 3456 7890 128', bankName: '中国工商银行', accountHolder: '福州好物商贸有限公司' },
  deviceIds: ['dev-a1b2c3'],
  address: { regionCode: '350102', province: '福建省', city: '福州市', district: '鼓楼区', line: '五四路 1 号 302 室' },
  categoryCodes: ['general', 'food'],
  qualifications: [{ qualificationCode: 'FOOD_BUSINESS_LICENCE', number: 'JY13501020012345', issuer: '福州市鼓楼区市场监督管理局' }],
  ...overrides,
});
