import { describe, expect, it } from 'vitest';
import { bankCardFor, creditCodeCheckChar, creditCodeFor, isValidCreditCode, mobileFor, organisationCheckChar, residentIdFor, syntheticIdentity } from './identities';

/** Codes printed on real business licences (public register data). */
const REAL_CREDIT_CODES = ['9144030071526726XG', '91330100716105852F', '91350100M000100Y43', '91110000802100433B'];

const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
};

describe('unified social credit codes (GB 32100-2015)', () => {
  it('computes the check characters real licences carry', () => {
    for (const code of REAL_CREDIT_CODES) {
      expect(creditCodeCheckChar(code.slice(0, 17)), code).toBe(code[17]);
      expect(organisationCheckChar(code.slice(8, 16)), code).toBe(code[16]);
      expect(isValidCreditCode(code)).toBe(true);
    }
  });

  it('rejects a code with one character changed or out of the character set', () => {
    expect(isValidCreditCode('9144030071526726XH')).toBe(false);
    expect(isValidCreditCode('9144030071526727XG')).toBe(false);
    expect(isValidCreditCode('9144030071526726OG')).toBe(false);
    expect(isValidCreditCode('9144030071526726X')).toBe(false);
  });

  it('generates valid, distinct codes for the region and category asked', () => {
    const codes = Array.from({ length: 3_000 }, (_, i) => creditCodeFor(i, '350102', i % 2 === 0 ? '1' : '2'));
    for (const code of codes) expect(isValidCreditCode(code), code).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes[0]?.slice(0, 8)).toBe('91350102');
    expect(codes[1]?.slice(0, 8)).toBe('92350102');
  });
});

describe('other identity numbers', () => {
  it('gives resident ID numbers the GB 11643 check character (the standard’s own example ends in X)', () => {
    expect(residentIdFor(2, '110105', { year: 1949, month: 12, day: 31 })).toBe('11010519491231002X');
  });

  it('gives distinct mainland mobile numbers and Luhn-valid settlement cards', () => {
    const phones = Array.from({ length: 2_000 }, (_, i) => mobileFor(i, 7));
    const cards = Array.from({ length: 2_000 }, (_, i) => bankCardFor(i, 7));
    for (const phone of phones) expect(phone).toMatch(/^1[3-9]\d{9}$/);
    for (const card of cards) expect(luhnValid(card), card).toBe(true);
    expect(new Set(phones).size).toBe(phones.length);
    expect(new Set(cards).size).toBe(cards.length);
  });
});

describe('seeded test applicants', () => {
  it('share no identity number between distinct seeds, across the sequence blocks too', () => {
    const seeds = [...Array.from({ length: 1_500 }, (_, i) => i), 1_000_001, 2_000_001, 9_999_999];
    const identities = seeds.map(syntheticIdentity);
    for (const field of ['creditCode', 'residentId', 'mobilePhone', 'bankCard'] as const) {
      expect(new Set(identities.map((identity) => identity[field])).size, field).toBe(seeds.length);
    }
    for (const identity of identities) {
      expect(isValidCreditCode(identity.creditCode)).toBe(true);
      expect(identity.residentId).toMatch(/^350102(19[6-9]\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}[\dX]$/);
      expect(luhnValid(identity.bankCard)).toBe(true);
    }
    expect(syntheticIdentity(42)).toEqual(syntheticIdentity(42));
  });
});
