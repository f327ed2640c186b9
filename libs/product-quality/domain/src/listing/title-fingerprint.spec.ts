import { describe, expect, it } from 'vitest';
import { titleFingerprint, titleShingles, titleSimilarity } from './title-fingerprint';

describe('titleFingerprint', () => {
  const banned = 'Nike Air Max 270 男款跑步鞋';

  it.each([
    ['letter case', 'NIKE AIR MAX 270 男款跑步鞋'],
    ['full-width letters and digits', 'Ｎｉｋｅ Ａｉｒ Ｍａｘ ２７０ 男款跑步鞋'],
    ['punctuation and extra spaces', 'Nike-Air  Max·270 ，男款 跑 步 鞋！'],
    ['Latin words reordered', 'Air Max Nike 270 男款跑步鞋'],
    ['symbols between characters', 'Nike★Air★Max 270 男*款*跑*步*鞋'],
  ])('matches the banned title despite %s', (_trick, edited) => {
    expect(titleFingerprint(edited)).toBe(titleFingerprint(banned));
  });

  it('tells different products apart', () => {
    expect(titleFingerprint('Adidas Ultraboost 22 女款跑步鞋')).not.toBe(titleFingerprint(banned));
    expect(titleFingerprint('Nike Air Max 90 男款跑步鞋')).not.toBe(titleFingerprint(banned));
  });

  it('is empty for a title without words', () => {
    expect(titleFingerprint('  ！！ --- ')).toBe('');
  });

  it('reads Chinese as character bigrams and Latin as words', () => {
    expect(titleShingles('华为P40手机')).toEqual(['p40', '华为', '手机'].sort());
  });
});

describe('titleSimilarity', () => {
  it('is high for a title with one marketing word added and low for another product', () => {
    const banned = 'Nike Air Max 270 男款跑步鞋';
    expect(titleSimilarity('【热卖】Nike Air Max 270 男款跑步鞋', banned)).toBeGreaterThan(0.85);
    expect(titleSimilarity('儿童保温杯 316不锈钢 500ml', banned)).toBeLessThan(0.1);
  });

  it('is 0 when either title has no words', () => {
    expect(titleSimilarity('', 'abc')).toBe(0);
  });
});
