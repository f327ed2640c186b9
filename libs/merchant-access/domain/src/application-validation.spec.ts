import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { identityNumberProblem, luhnValid, normaliseMobilePhone, validateApplication, type ApplicationInput } from './application-validation';
import { goodApplication } from './testing/applications';

const at = new Date('2026-11-10T00:00:00Z');

const violationsOf = (input: ApplicationInput): { field: string; reason: string }[] => {
  try {
    validateApplication(input, at);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).violations.map(({ field, reason }) => ({ field, reason }));
  }
  throw new Error('expected a ValidationError');
};

describe('validateApplication', () => {
  it('normalises a good application and lists its identifiers', () => {
    const app = validateApplication(goodApplication(), at);
    expect(app.phone).toBe('13812345678');
    expect(app.bankAccount.number).toBe('6222021234567890128');
    expect(app.bankAccount.holderMatches).toBe(true);
    expect(app.categories).toEqual(['general', 'food']);
    expect(app.qualificationsHeld).toEqual(['FOOD_BUSINESS_LICENCE']);
    expect(app.identifiers.map((i) => i.kind)).toEqual(['LICENCE', 'LEGAL_REP_ID', 'BANK_ACCOUNT', 'PHONE', 'DEVICE', 'ADDRESS']);
  });

  it('reports every bad field at once, named as in the request', () => {
    const found = violationsOf(
      goodApplication({
        companyName: ' ',
        businessLicenceCode: '91350100M000100Y44',
        contactPhone: '12812345678',
        bankAccount: { accountNumber: '1234-5678', bankName: '', accountHolder: 'x' },
        categoryCodes: ['general', 'firearms'],
      }),
    );
    expect(found).toEqual([
      { field: 'application.company_name', reason: 'REQUIRED' },
      { field: 'application.business_licence_code', reason: 'CHECK_DIGIT_MISMATCH' },
      { field: 'application.contact_phone', reason: 'INVALID_FORMAT' },
      { field: 'application.bank_account.account_number', reason: 'INVALID_FORMAT' },
      { field: 'application.bank_account.bank_name', reason: 'REQUIRED' },
      { field: 'application.category_codes[1]', reason: 'UNKNOWN_CATEGORY' },
    ]);
  });

  it('requires the nested parts', () => {
    const found = violationsOf(goodApplication({ legalRepresentative: undefined, bankAccount: undefined, address: undefined, categoryCodes: [] }));
    expect(found.map((f) => f.field)).toEqual([
      'application.legal_representative.name',
      'application.legal_representative.id_number',
      'application.bank_account.account_number',
      'application.bank_account.bank_name',
      'application.bank_account.account_holder',
      'application.address.region_code',
      'application.address.line',
      'application.category_codes',
    ]);
  });

  it('rejects oversized lists instead of truncating them', () => {
    const found = violationsOf(goodApplication({ deviceIds: Array.from({ length: 21 }, (_, i) => `d${i}`) }));
    expect(found).toEqual([{ field: 'application.device_ids', reason: 'TOO_MANY_ITEMS' }]);
  });

  it('bounds every free-text field', () => {
    const long = 'x'.repeat(301);
    const base = goodApplication();
    const found = violationsOf(
      goodApplication({
        address: { regionCode: '350102', province: long, city: '福州市', district: long, line: long },
        qualifications: [{ qualificationCode: 'FOOD_BUSINESS_LICENCE', number: 'JY1', issuer: long }],
        bankAccount: { ...(base.bankAccount as NonNullable<ApplicationInput['bankAccount']>), bankName: long },
      }),
    );
    expect(found.map((f) => [f.field, f.reason])).toEqual([
      ['application.bank_account.bank_name', 'TOO_LONG'],
      ['application.address.line', 'TOO_LONG'],
      ['application.address.province', 'TOO_LONG'],
      ['application.address.district', 'TOO_LONG'],
      ['application.qualifications[0].issuer', 'TOO_LONG'],
    ]);
  });

  it('rejects unknown qualification codes but treats expired ones as missing', () => {
    expect(violationsOf(goodApplication({ qualifications: [{ qualificationCode: 'GUN_LICENCE', number: '1', issuer: '' }] }))).toEqual([
      { field: 'application.qualifications[0].qualification_code', reason: 'UNKNOWN_QUALIFICATION' },
    ]);
    const app = validateApplication(
      goodApplication({
        qualifications: [{ qualificationCode: 'FOOD_BUSINESS_LICENCE', number: 'JY1', issuer: '', validUntil: new Date('2026-01-01T00:00:00Z') }],
      }),
      at,
    );
    expect(app.qualificationsHeld).toEqual([]);
    expect(app.qualificationsExpired).toEqual(['FOOD_BUSINESS_LICENCE']);
  });

  it('takes the registered capital as stated, and refuses a negative or absurd figure', () => {
    expect(validateApplication(goodApplication({ registeredCapitalFen: 50_000_000n }), at).registeredCapitalFen).toBe(50_000_000n);
    expect(validateApplication(goodApplication(), at).registeredCapitalFen).toBe(0n);
    expect(violationsOf(goodApplication({ registeredCapitalFen: -1n }))).toEqual([{ field: 'application.registered_capital_fen', reason: 'OUT_OF_RANGE' }]);
    expect(violationsOf(goodApplication({ registeredCapitalFen: 10n ** 13n }))).toEqual([
      { field: 'application.registered_capital_fen', reason: 'OUT_OF_RANGE' },
    ]);
  });

  it('flags a bank holder who is neither the company nor the legal representative', () => {
    const app = validateApplication(goodApplication({ bankAccount: { accountNumber: '6222021234567890128', bankName: 'ICBC', accountHolder: '王五' } }), at);
    expect(app.bankAccount.holderMatches).toBe(false);
    const rep = validateApplication(goodApplication({ bankAccount: { accountNumber: '6222021234567890128', bankName: 'ICBC', accountHolder: '林晓' } }), at);
    expect(rep.bankAccount.holderMatches).toBe(true);
  });
});

describe('field rules', () => {
  it('accepts mainland mobiles 13x-19x only', () => {
    expect(normaliseMobilePhone('13912345678')).toBe('13912345678');
    expect(normaliseMobilePhone('19912345678')).toBe('19912345678');
    expect(normaliseMobilePhone('12912345678')).toBeUndefined();
    expect(normaliseMobilePhone('1391234567')).toBeUndefined();
    expect(normaliseMobilePhone('0591-87654321')).toBeUndefined();
  });

  it('checks Luhn without making it a requirement', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('6222021234567890128')).toBe(true);
    expect(luhnValid('6222021234567890123')).toBe(false);
    const app = validateApplication(goodApplication({ bankAccount: { accountNumber: '6222021234567890123', bankName: 'ICBC', accountHolder: '林晓' } }), at);
    expect(app.bankAccount.luhnValid).toBe(false);
  });

  it('checks the resident ID check character (GB 11643 example) and accepts other documents', () => {
    expect(identityNumberProblem('11010519491231002X')).toBeUndefined();
    expect(identityNumberProblem('110105194912310021')).toMatch(/check character/);
    expect(identityNumberProblem('E12345678')).toBeUndefined();
    expect(identityNumberProblem('AB1')).toMatch(/6-32/);
  });
});
