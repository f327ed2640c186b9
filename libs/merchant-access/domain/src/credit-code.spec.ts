import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_CHARSET, creditCodeCheckChar, validateCreditCode } from './credit-code';

// Published codes. Each passes both the GB 11714 organisation check (chars 9-17) and the
// GB 32100 check character (18) — a code recalled wrongly fails one of them with odds of ~99.7%.
const GENUINE = [
  '91350100M000100Y43', // the worked example of GB 32100-2015 itself
  '914403001922038216', // 华为技术有限公司
  '91440300708461136T', // 深圳市腾讯计算机系统有限公司
  '91110108551385082Q', // 小米科技有限责任公司
  '91110000802100433B', // 北京百度网讯科技有限公司
  '91330100799655058B', // 阿里巴巴（中国）有限公司
  '91110000710926094P', // 中国石油化工股份有限公司
  '112302070019030687', // a government organ (authority 1, category 1)
];

describe('validateCreditCode (GB 32100-2015)', () => {
  it.each(GENUINE)('accepts the published code %s', (code) => {
    const result = validateCreditCode(code);
    expect(result.valid).toBe(true);
  });

  it('splits a code into its parts', () => {
    expect(validateCreditCode('91350100M000100Y43')).toMatchObject({
      valid: true,
      authority: '9',
      authorityName: '工商',
      category: '1',
      categoryName: '企业',
      regionCode: '350100',
      organisationCode: 'M000100Y4',
    });
  });

  it('computes the check character of the standard example', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('rejects every single-character change of a genuine code', () => {
    for (const code of GENUINE) {
      for (let i = 0; i < 18; i++) {
        for (const ch of CREDIT_CODE_CHARSET) {
          if (ch === code[i]) continue;
          const corrupted = code.slice(0, i) + ch + code.slice(i + 1);
          expect(validateCreditCode(corrupted).valid, corrupted).toBe(false);
        }
      }
    }
  });

  it('rejects every swap of two adjacent different characters', () => {
    for (const code of GENUINE) {
      for (let i = 0; i < 17; i++) {
        if (code[i] === code[i + 1]) continue;
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        expect(validateCreditCode(swapped).valid, swapped).toBe(false);
      }
    }
  });

  it('says which check failed', () => {
    expect(validateCreditCode('91350100M000100Y44')).toMatchObject({ valid: false, error: 'CHECK_DIGIT_MISMATCH', position: 18 });
    expect(validateCreditCode('91350100M000100Y53')).toMatchObject({ valid: false, error: 'ORGANISATION_CHECK_MISMATCH' });
    expect(validateCreditCode('B1350100M000100Y43')).toMatchObject({ valid: false, error: 'UNKNOWN_AUTHORITY', position: 1 });
    expect(validateCreditCode('94350100M000100Y43')).toMatchObject({ valid: false, error: 'UNKNOWN_CATEGORY', position: 2 });
    expect(validateCreditCode('91990100M000100Y43')).toMatchObject({ valid: false, error: 'INVALID_REGION' });
  });

  it('rejects lower case rather than guessing', () => {
    expect(validateCreditCode('91350100m000100y43')).toMatchObject({ valid: false, error: 'NOT_UPPER_CASE', position: 9 });
    expect(validateCreditCode('91440300708461136t')).toMatchObject({ valid: false, error: 'NOT_UPPER_CASE' });
  });

  it('rejects letters the standard leaves out (I, O, S, V, Z) and other characters', () => {
    expect(validateCreditCode('91350100M000100O43')).toMatchObject({ valid: false, error: 'INVALID_CHARACTER', position: 16 });
    expect(validateCreditCode('91350100M0001-0Y43')).toMatchObject({ valid: false, error: 'INVALID_CHARACTER' });
    expect(validateCreditCode('９1350100M000100Y43')).toMatchObject({ valid: false, error: 'INVALID_CHARACTER', position: 1 });
  });

  it('rejects wrong lengths', () => {
    expect(validateCreditCode('')).toMatchObject({ valid: false, error: 'EMPTY' });
    expect(validateCreditCode('91350100M000100Y4')).toMatchObject({ valid: false, error: 'WRONG_LENGTH' });
    expect(validateCreditCode('91350100M000100Y433')).toMatchObject({ valid: false, error: 'WRONG_LENGTH' });
    // the old 15-digit business registration number is not a credit code
    expect(validateCreditCode('110000000000000')).toMatchObject({ valid: false, error: 'WRONG_LENGTH' });
  });
});
