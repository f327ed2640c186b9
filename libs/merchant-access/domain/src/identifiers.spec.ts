import { describe, expect, it } from 'vitest';
import { identifierKey, maskBankAccount, maskCreditCode, maskIdNumber, maskPersonName, maskPhone, normaliseIdentifier } from './identifiers';

describe('normaliseIdentifier', () => {
  it('makes one account of its spaced, dashed and full-width spellings', () => {
    const spellings = ['6222 0212 3456 7890 123', '6222-0212-3456-7890-123', '６２２２０２１２３４５６７８９０１２３', ' 62220212 34567890123 '];
    expect(new Set(spellings.map((s) => normaliseIdentifier('BANK_ACCOUNT', s)))).toEqual(new Set(['6222021234567890123']));
  });

  it('upper-cases ID numbers', () => {
    expect(normaliseIdentifier('LEGAL_REP_ID', '11010519491231002x')).toBe('11010519491231002X');
  });

  it('drops the +86 country prefix of mobile numbers', () => {
    for (const phone of ['+86 138-1234-5678', '0086 13812345678', '86 138 1234 5678', '(138) 1234 5678', '13812345678']) {
      expect(normaliseIdentifier('PHONE', phone), phone).toBe('13812345678');
    }
  });

  it('ignores punctuation and spacing in addresses', () => {
    expect(normaliseIdentifier('ADDRESS', '鼓楼区 五四路 1号楼，302室')).toBe(normaliseIdentifier('ADDRESS', '鼓楼区五四路1号楼302室'));
  });

  it('keys identifiers by kind so equal digits of different kinds never meet', () => {
    expect(identifierKey('PHONE', '13812345678')).not.toBe(identifierKey('BANK_ACCOUNT', '13812345678'));
  });
});

describe('masks', () => {
  it('never shows a number in clear', () => {
    expect(maskCreditCode('91350100M000100Y43')).toBe('9135***********Y43');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskBankAccount('6222021234567890123')).toBe('**** 0123');
    expect(maskIdNumber('11010519491231002X')).toBe('1****************X');
    expect(maskPersonName('张三丰')).toBe('张**');
    expect(maskPersonName('李')).toBe('李*');
  });
});
