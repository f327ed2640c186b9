import { describe, expect, it } from 'vitest';
import { DomainError } from '@govern/policy-core';
import type { ClaimHit, ClaimLexicon } from './claim-types';
import { CLAIMS_LEXICON } from './claims-lexicon.policy';
import { collapseNestedHits, compileClaimScanner } from './claim-scanner';

const scanner = compileClaimScanner();
const terms = (text: string): string[] => scanner.scan(text).map((hit) => hit.term);
const hitOf = (text: string, term: string): ClaimHit | undefined => scanner.scan(text).find((hit) => hit.term === term);

describe('claim scanner: each category in Chinese and English', () => {
  it.each([
    ['ABSOLUTE', '本店销量第一，品质最佳', ['销量第一', '最佳']],
    ['ABSOLUTE', 'The best blender, No.1 in its class', ['best', 'No.1']],
    ['MEDICAL_EFFICACY', '长期饮用可降血压、抗癌', ['降血压', '抗癌']],
    ['MEDICAL_EFFICACY', 'This tea lowers blood pressure and treats cancer', ['lowers blood pressure', 'treats cancer']],
    ['FALSE_AUTHORITY', '央视推荐，国宴专用', ['央视推荐', '国宴专用']],
    ['FALSE_AUTHORITY', 'FDA approved and doctor recommended', ['FDA approved', 'doctor recommended']],
    ['GUARANTEE', '100%有效，无效退款', ['100%有效', '无效退款']],
    ['GUARANTEE', 'Guaranteed results with no side effects', ['guaranteed results', 'no side effects']],
  ])('%s: %s', (category, text, expected) => {
    const hits = scanner.scan(text).filter((hit) => hit.category === category);
    expect(hits.map((hit) => hit.term)).toEqual(expect.arrayContaining(expected));
  });

  it('returns the term, category, severity and the original span of each hit', () => {
    const text = '这款茶叶可以抗癌哦';
    expect(scanner.scan(text)).toEqual([
      {
        termId: 'MED-ZH-006',
        term: '抗癌',
        category: 'MEDICAL_EFFICACY',
        severity: 'CRITICAL',
        start: 6,
        end: 8,
        matchedText: '抗癌',
      },
    ]);
  });

  it('records the lexicon name and version as the policy of its decisions', () => {
    expect(scanner.policy).toEqual({ name: CLAIMS_LEXICON.name, version: CLAIMS_LEXICON.version });
  });
});

describe('claim scanner: evasion spellings are caught at their original position', () => {
  it.each([
    ['full-width letters', '全新ＢＥＳＴ款', 'best', 'ＢＥＳＴ'],
    ['ideographic space', '品质最　好', '最好', '最　好'],
    ['hyphen between characters', '品质最-好', '最好', '最-好'],
    ['dot between characters', '品质最.好', '最好', '最.好'],
    ['asterisk between characters', '品质最*好', '最好', '最*好'],
    ['emoji between characters', '品质最✨好', '最好', '最✨好'],
    ['spaced-out letters', 'the b e s t choice', 'best', 'b e s t'],
    ['dotted letters', 'our b.e.s.t. kettle', 'best', 'b.e.s.t'],
    ['full-width No.1', '品牌Ｎｏ．１', 'No.1', 'Ｎｏ．１'],
    ['spaced No.1', 'rated N o . 1 today', 'No.1', 'N o . 1'],
    ['zero for the letter O', 'rated N0.1 today', 'No.1', 'N0.1'],
    ['letter l for the digit 1', 'rated NO.l today', 'No.1', 'NO.l'],
    ['letter O for zeros', '1OO%有效', '100%有效', '1OO%有效'],
    ['zero-width joiners', 'the b\u200de\u200ds\u200dt one', 'best', 'b\u200de\u200ds\u200dt'],
    ['zero-width spaces in Chinese', '销\u200b量\u200b第\u200b一', '销量第一', '销\u200b量\u200b第\u200b一'],
    ['Cyrillic е', 'the bеst price', 'best', 'bеst'],
    ['Greek Ο', 'rated NΟ.1', 'No.1', 'NΟ.1'],
    ['traditional characters', '國家級工藝', '国家级', '國家級'],
    ['traditional 療', '可治療失眠', '治疗', '治療'],
    ['traditional 證/癒', '保證治癒', '保证治愈', '保證治癒'],
    ['mathematical bold letters', 'the 𝐛𝐞𝐬𝐭 mug', 'best', '𝐛𝐞𝐬𝐭'],
    ['strike-through marks', 'the b̶e̶s̶t̶ mug', 'best', 'b̶e̶s̶t̶'],
    ['accents', 'the bést mug', 'best', 'bést'],
    ['circled digit', '排名第①', '第1', '第①'],
    ['financial numeral', '销量第壹', '销量第一', '销量第壹'],
  ])('%s', (_how, text, term, written) => {
    const hit = hitOf(text, term);
    expect(hit, `${term} in ${text}`).toBeDefined();
    expect(hit?.matchedText).toBe(written);
    expect(hit?.start).toBe(text.indexOf(written));
    expect(hit?.end).toBe(text.indexOf(written) + written.length);
  });

  it('maps positions back across characters that take two code units', () => {
    const text = '🔥🔥 𝐛𝐞𝐬𝐭 最 好 🔥';
    const best = hitOf(text, 'best');
    const zuiHao = hitOf(text, '最好');
    expect(best && text.slice(best.start, best.end)).toBe('𝐛𝐞𝐬𝐭');
    expect(best?.start).toBe(5);
    expect(zuiHao && text.slice(zuiHao.start, zuiHao.end)).toBe('最 好');
  });

  it('does not glue a claim together across a long run of filler', () => {
    expect(terms('最   好')).toContain('最好');
    expect(terms('最 — — 好')).not.toContain('最好');
  });
});

describe('claim scanner: innocent text is not flagged', () => {
  it.each([
    '第一次购买请先领券',
    '最近很忙，发货稍慢',
    '这是我们的第一步',
    '第一件原价，第二件半价',
    '家人们，第一个链接已经上架了',
    '唯一的缺点是有点重',
    '最大承重150kg，最多可放20本书',
    '国家级非物质文化遗产：宣纸制作技艺',
    '面料成分：100%纯棉，亲肤透气',
    '使用前最好不要空腹',
    '这个画面太治愈了，治愈系的小猫',
    '304不锈钢内胆，容量500ml，保温12小时；生产日期见包装，保质期18个月，请置于阴凉干燥处保存。',
    '支持7天无理由退货，付款后48小时内发货，执行标准GB/T 22849-2014。',
  ])('Chinese: %s', (text) => {
    expect(scanner.scan(text)).toEqual([]);
  });

  it.each([
    'best before 2027-01-01',
    'Best Before: see the bottom of the can. Best served chilled.',
    'Made of 100% cotton, machine washable.',
    'Healthy snacks in a secure, bestowed gift box.',
    'UV cure nail gel, cure time 60 seconds under an LED lamp.',
    'Hair dye, colour #1 jet black.',
    'Model No. 1 of the 2026 range; item no.12 is the refill.',
    'You could be St Regis guests this summer.',
    'Package includes 1 x bottle, 1 x lid and a user manual. Dimensions 20 x 15 x 8 cm, weight 350 g.',
    'Top 10 picks for spring, number 12 in the catalogue.',
  ])('English: %s', (text) => {
    expect(scanner.scan(text)).toEqual([]);
  });

  it('suppresses only the innocent occurrence when the same term is also a claim', () => {
    const hits = scanner.scan('第一次购买的顾客都说：第一名！');
    expect(hits.map((hit) => [hit.term, hit.matchedText, hit.start])).toEqual([['第一', '第一', 11]]);
  });

  it('needs a word boundary for English terms but not for Chinese ones', () => {
    expect(terms('bestseller')).toEqual(['best seller']);
    expect(terms('the bestow')).toEqual([]);
    expect(terms('这款best产品')).toEqual(['best']);
  });
});

describe('claim scanner: overlaps', () => {
  it('reports every distinct term that matches, nested ones included', () => {
    expect(terms('全网第一')).toEqual(['全网第一', '第一']);
    expect(terms('100%有效')).toEqual(['100%有效', '100%']);
  });

  it('resolves a text with hundreds of occurrences, and a short text after it, the same as one at a time', () => {
    // Each repetition holds occurrences of 第一 and of its allow phrase 第一次, and a hit.
    const piece = '第一次，第一名。';
    const many = scanner.scan(piece.repeat(300));
    expect(many).toHaveLength(300);
    expect(many.map((hit) => [hit.term, hit.start])).toEqual(Array.from({ length: 300 }, (_, r) => ['第一', r * piece.length + 4]));
    expect(scanner.scan(piece)).toEqual(many.slice(0, 1));
  });

  it('collapseNestedHits keeps one hit per claim within a category', () => {
    const hits = scanner.scan('全网第一，最好用，100%有效');
    expect(collapseNestedHits(hits).map((hit) => hit.term)).toEqual(['全网第一', '最好', '100%有效', '100%']);
  });

  it('names the registrations under which a medical claim is lawful', () => {
    const hit = hitOf('本品可祛斑', '祛斑');
    expect(hit && scanner.term(hit.termId)?.waivedBy).toEqual(['SPECIAL_COSMETIC', 'DRUG']);
  });
});

describe('compileClaimScanner: lexicon validation', () => {
  const lexicon = (terms: ClaimLexicon['terms']): ClaimLexicon => ({
    name: 'test',
    version: '1',
    normalisation: { maxFillerRun: 4 },
    terms,
  });

  it('rejects two terms that read the same once normalised', () => {
    const bad = lexicon([
      { id: 'A', term: 'world class', category: 'ABSOLUTE', severity: 'HIGH' },
      { id: 'B', term: 'World-Class', category: 'ABSOLUTE', severity: 'HIGH' },
    ]);
    expect(() => compileClaimScanner(bad)).toThrow(DomainError);
    expect(() => compileClaimScanner(bad)).toThrow(/normalise to the same text/);
  });

  it('rejects an allow phrase that does not contain its term', () => {
    const bad = lexicon([{ id: 'A', term: '第一', category: 'ABSOLUTE', severity: 'HIGH', allow: ['首次'] }]);
    expect(() => compileClaimScanner(bad)).toThrow(/does not contain the term/);
  });

  it('scans with any valid lexicon', () => {
    const custom = compileClaimScanner(lexicon([{ id: 'X', term: '神药', category: 'MEDICAL_EFFICACY', severity: 'HIGH' }]));
    expect(custom.scan('这是神 药').map((hit) => hit.termId)).toEqual(['X']);
    expect(custom.policy).toEqual({ name: 'test', version: '1' });
  });
});
