import { Violations } from '@govern/policy-core';
import { validateCreditCode } from './credit-code';
import { normaliseIdentifier, type RawIdentifier } from './identifiers';
import { ONBOARDING_POLICY, type CategoryCode, type OnboardingPolicy, type QualificationCode } from './policies/onboarding.policy';

/** An application as submitted (same shape as the contract's ApplicationInput). */
export interface ApplicationInput {
  companyName: string;
  businessLicenceCode: string;
  legalRepresentative?: { name: string; idNumber: string } | undefined;
  contactPhone: string;
  bankAccount?: { accountNumber: string; bankName: string; accountHolder: string } | undefined;
  deviceIds: readonly string[];
  address?: { regionCode: string; province: string; city: string; district: string; line: string } | undefined;
  categoryCodes: readonly string[];
  qualifications: readonly { qualificationCode: string; number: string; issuer: string; validUntil?: Date | undefined }[];
  /** Registered capital in fen; 0 or absent when the licence states none. */
  registeredCapitalFen?: bigint | undefined;
}

/** An application that passed validation, normalised. Holds identity numbers: never persist or log it as is. */
export interface ValidatedApplication {
  companyName: string;
  creditCode: string;
  /** 91 enterprise, 92 individual business, 93 farmers' cooperative... */
  creditCodeKind: string;
  legalRepresentative: { name: string; idNumber: string };
  phone: string;
  bankAccount: { number: string; bankName: string; holder: string; luhnValid: boolean; holderMatches: boolean };
  deviceIds: string[];
  address: { regionCode: string; province: string; city: string; district: string; line: string; normalised: string };
  categories: CategoryCode[];
  /** Qualifications submitted and valid at the decision time. */
  qualificationsHeld: QualificationCode[];
  /** Qualifications submitted but expired at the decision time. */
  qualificationsExpired: QualificationCode[];
  /** Every identifier for the ring graph, normalised. */
  identifiers: RawIdentifier[];
  /** Registered capital in fen (0 when none is stated). */
  registeredCapitalFen: bigint;
}

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** Mainland mobile number after normalisation ("+86 138-1234-5678" -> "13812345678"), or undefined if not one. */
export const normaliseMobilePhone = (raw: string): string | undefined => {
  const phone = normaliseIdentifier('PHONE', raw);
  return MAINLAND_MOBILE.test(phone) ? phone : undefined;
};

/** Luhn (mod 10) check. Many Chinese debit cards pass it, corporate accounts often do not. */
export const luhnValid = (digits: string): boolean => {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
};

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = '10X98765432';

/**
 * Mainland resident ID numbers (GB 11643, 18 characters) carry an ISO 7064 MOD 11-2 check
 * character; other documents (passports, Hong Kong/Macau/Taiwan permits) are accepted as 6-32
 * letters and digits.
 */
export const identityNumberProblem = (normalised: string): string | undefined => {
  if (/^\d{17}[\dX]$/.test(normalised)) {
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += (normalised.charCodeAt(i) - 48) * (ID_WEIGHTS[i] as number);
    return ID_CHECK[sum % 11] === normalised[17] ? undefined : 'resident ID check character does not match';
  }
  return /^[0-9A-Z]{6,32}$/.test(normalised) ? undefined : 'must be 6-32 letters and digits';
};

const sameName = (a: string, b: string): boolean => {
  const n = (s: string): string => s.normalize('NFKC').replace(/[\s()（）]/g, '');
  return n(a) !== '' && n(a) === n(b);
};

/**
 * Checks an application field by field and throws a ValidationError listing every problem
 * (fields named as in the SubmitApplication request). A missing qualification is not an input
 * error: it is a risk signal and keeps that category out of the approval (see risk scoring).
 */
export const validateApplication = (
  input: ApplicationInput,
  at: Date,
  policy: OnboardingPolicy = ONBOARDING_POLICY,
): ValidatedApplication => {
  const v = new Violations();
  const f = (name: string): string => `application.${name}`;
  const limits = policy.limits;

  const companyName = (input.companyName ?? '').trim();
  if (v.require(f('company_name'), companyName)) v.maxLength(f('company_name'), companyName, limits.companyNameMaxLength);

  const creditCodeRaw = (input.businessLicenceCode ?? '').trim();
  const credit = validateCreditCode(creditCodeRaw);
  if (!credit.valid) v.add(f('business_licence_code'), credit.message, credit.error === 'EMPTY' ? 'REQUIRED' : credit.error);

  const rep = input.legalRepresentative;
  const repName = (rep?.name ?? '').trim();
  const repId = normaliseIdentifier('LEGAL_REP_ID', rep?.idNumber ?? '');
  if (v.require(f('legal_representative.name'), repName)) v.maxLength(f('legal_representative.name'), repName, limits.personNameMaxLength);
  if (v.require(f('legal_representative.id_number'), repId)) {
    const problem = identityNumberProblem(repId);
    if (problem) v.add(f('legal_representative.id_number'), problem, 'INVALID_FORMAT');
  }

  const phone = normaliseMobilePhone(input.contactPhone ?? '');
  if (v.require(f('contact_phone'), input.contactPhone) && !phone) {
    v.add(f('contact_phone'), 'must be a mainland mobile number: 11 digits starting 13-19', 'INVALID_FORMAT');
  }

  const bank = input.bankAccount;
  const account = normaliseIdentifier('BANK_ACCOUNT', bank?.accountNumber ?? '');
  if (v.require(f('bank_account.account_number'), account)) {
    v.check(/^\d{12,30}$/.test(account), f('bank_account.account_number'), 'must be 12-30 digits', 'INVALID_FORMAT');
  }
  const bankName = (bank?.bankName ?? '').trim();
  const holder = (bank?.accountHolder ?? '').trim();
  if (v.require(f('bank_account.bank_name'), bankName)) v.maxLength(f('bank_account.bank_name'), bankName, limits.bankNameMaxLength);
  if (v.require(f('bank_account.account_holder'), holder)) v.maxLength(f('bank_account.account_holder'), holder, limits.companyNameMaxLength);

  const devices = input.deviceIds ?? [];
  const deviceIds: string[] = [];
  if (v.maxItems(f('device_ids'), devices, limits.maxDevices)) {
    devices.forEach((raw, i) => {
      const id = normaliseIdentifier('DEVICE', raw);
      if (v.require(f(`device_ids[${i}]`), id) && v.maxLength(f(`device_ids[${i}]`), id, limits.deviceIdMaxLength) && !deviceIds.includes(id)) {
        deviceIds.push(id);
      }
    });
  }

  const address = input.address;
  const regionCode = (address?.regionCode ?? '').trim();
  const line = (address?.line ?? '').trim();
  if (v.require(f('address.region_code'), regionCode)) {
    v.check(/^\d{6}$/.test(regionCode), f('address.region_code'), 'must be a six-digit administrative division code', 'INVALID_FORMAT');
  }
  if (v.require(f('address.line'), line)) v.maxLength(f('address.line'), line, limits.addressLineMaxLength);
  for (const part of ['province', 'city', 'district'] as const) v.maxLength(f(`address.${part}`), address?.[part] ?? '', limits.placeNameMaxLength);

  const categories: CategoryCode[] = [];
  const requested = input.categoryCodes ?? [];
  v.check(requested.length > 0, f('category_codes'), 'at least one category is required', 'REQUIRED');
  if (v.maxItems(f('category_codes'), requested, limits.maxCategories)) {
    requested.forEach((raw, i) => {
      const code = raw.trim().toLowerCase();
      if (!Object.hasOwn(policy.categories, code)) {
        v.add(f(`category_codes[${i}]`), `unknown category '${raw}'`, 'UNKNOWN_CATEGORY');
      } else if (!categories.includes(code as CategoryCode)) {
        categories.push(code as CategoryCode);
      }
    });
  }

  const held: QualificationCode[] = [];
  const expired: QualificationCode[] = [];
  const submitted = input.qualifications ?? [];
  if (v.maxItems(f('qualifications'), submitted, limits.maxQualifications)) {
    submitted.forEach((q, i) => {
      const code = (q.qualificationCode ?? '').trim().toUpperCase() as QualificationCode;
      if (!(policy.qualifications as readonly string[]).includes(code)) {
        v.add(f(`qualifications[${i}].qualification_code`), `unknown qualification '${q.qualificationCode}'`, 'UNKNOWN_QUALIFICATION');
        return;
      }
      const number = (q.number ?? '').trim();
      if (!v.require(f(`qualifications[${i}].number`), number)) return;
      if (!v.maxLength(f(`qualifications[${i}].number`), number, limits.qualificationNumberMaxLength)) return;
      if (!v.maxLength(f(`qualifications[${i}].issuer`), q.issuer ?? '', limits.issuerMaxLength)) return;
      if (q.validUntil && q.validUntil.getTime() <= at.getTime()) {
        if (!expired.includes(code)) expired.push(code);
      } else if (!held.includes(code)) {
        held.push(code);
      }
    });
  }

  const registeredCapitalFen = input.registeredCapitalFen ?? 0n;
  if (v.check(registeredCapitalFen >= 0n, f('registered_capital_fen'), 'must not be negative', 'OUT_OF_RANGE')) {
    v.check(
      registeredCapitalFen <= limits.maxRegisteredCapitalFen,
      f('registered_capital_fen'),
      `must be at most ${limits.maxRegisteredCapitalFen} fen`,
      'OUT_OF_RANGE',
    );
  }

  v.throwIfAny('MERCHANT.APPLICATION.INVALID');
  // Past throwIfAny every field below is present and well-formed.
  const creditCode = creditCodeRaw;
  const addressNormalised = normaliseIdentifier('ADDRESS', `${regionCode}${address?.province ?? ''}${address?.city ?? ''}${address?.district ?? ''}${line}`);
  const identifiers: RawIdentifier[] = [
    { kind: 'LICENCE', value: creditCode },
    { kind: 'LEGAL_REP_ID', value: repId },
    { kind: 'BANK_ACCOUNT', value: account },
    { kind: 'PHONE', value: phone as string },
    ...deviceIds.map((value) => ({ kind: 'DEVICE' as const, value })),
    { kind: 'ADDRESS', value: addressNormalised },
  ];
  return {
    companyName,
    creditCode,
    creditCodeKind: creditCode.slice(0, 2),
    legalRepresentative: { name: repName, idNumber: repId },
    phone: phone as string,
    bankAccount: {
      number: account,
      bankName,
      holder,
      luhnValid: luhnValid(account),
      holderMatches: sameName(holder, companyName) || sameName(holder, repName),
    },
    deviceIds,
    address: {
      regionCode,
      province: (address?.province ?? '').trim(),
      city: (address?.city ?? '').trim(),
      district: (address?.district ?? '').trim(),
      line,
      normalised: addressNormalised,
    },
    categories,
    qualificationsHeld: held,
    qualificationsExpired: expired.filter((c) => !held.includes(c)),
    identifiers,
    registeredCapitalFen,
  };
};
