import type { ClaimLexicon, ClaimQualification, ClaimSeverity, ClaimTerm } from './claim-types';

/**
 * The claims lexicon: prohibited advertising claims in Chinese and English, by category, as
 * versioned policy data. Bump `version` on any change to a term, a severity or an allow-list;
 * every decision records it. Ids are stable: retire an id, never reuse it.
 *
 * Decisions on the hard cases:
 * - Bare 最 is a LOW catch-all with an allow-list of neutral compounds (最近, 最后, 最大 as a
 *   specification); the evaluative compounds (最佳, 最强 ...) carry the real severity.
 * - Ordinals are not rankings: 第一次, 第一步, 第一件半价 are allowed; 第一名, 销量第一 are not.
 * - Negation does not excuse a claim ("不是最好" is still reported): it is rare in listings,
 *   easy to abuse ("谁说这不是最好的？"), and a reviewer can overturn a hit.
 * - "No.1 Street" stays a hit: addresses rarely belong in listing copy, and an allow-list of
 *   "No.1 + road word" would be a free pass ("No.1 Street Style"). Article numbers
 *   ("Model No.1") are allowed.
 * - "100%" on its own is LOW; a material composition ("100%纯棉", "100% cotton") is a fact.
 * - Medical terms name the registrations under which they are lawful (`waivedBy`); the
 *   lexicon reports the hit either way and the listing gate decides with the product's
 *   qualifications.
 */

type Extra = Pick<ClaimTerm, 'allow' | 'waivedBy'>;

const absolute = (id: string, term: string, severity: ClaimSeverity, extra: Extra = {}): ClaimTerm => ({ id, term, category: 'ABSOLUTE', severity, ...extra });
const medical = (id: string, term: string, severity: ClaimSeverity, extra: Extra = {}): ClaimTerm => ({ id, term, category: 'MEDICAL_EFFICACY', severity, ...extra });
const authority = (id: string, term: string, severity: ClaimSeverity, extra: Extra = {}): ClaimTerm => ({ id, term, category: 'FALSE_AUTHORITY', severity, ...extra });
const guarantee = (id: string, term: string, severity: ClaimSeverity, extra: Extra = {}): ClaimTerm => ({ id, term, category: 'GUARANTEE', severity, ...extra });

const DRUG_OR_DEVICE: readonly ClaimQualification[] = ['DRUG', 'MEDICAL_DEVICE'];

/** 最 in these compounds states a fact (time, order, a specification limit), not a ranking. */
const ZUI_NEUTRAL = [
  '最近', '最后', '最初', '最终', '最早', '最晚', '最迟', '最先', '最前', '最末', '最底',
  '最少', '最多', '最大', '最小', '最高', '最低', '最长', '最短', '最新',
];

/** What follows an ordinal 第一 / 第1 when it counts rather than ranks. */
const ORDINAL_SUFFIXES = [
  '次', '步', '天', '周', '年', '个', '章', '节', '课', '集', '季', '期', '批', '层', '排', '页', '条', '代',
  '眼', '印象', '时间', '口', '部分', '阶段', '轮', '道', '种', '件', '单', '份', '杯', '款', '波', '弹',
];
const ordinals = (stem: string): string[] => ORDINAL_SUFFIXES.map((suffix) => stem + suffix);

const HUNDRED_PERCENT_MATERIALS = [
  '100%棉', '100%纯棉', '100%羊毛', '100%纯羊毛', '100%羊绒', '100%蚕丝', '100%桑蚕丝', '100%真丝', '100%亚麻',
  '100%聚酯纤维', '100%涤纶', '100%锦纶', '100% cotton', '100% wool', '100% silk', '100% linen', '100% polyester',
  '100% nylon', '100% cashmere',
];

/** Dates, serving advice and greetings: "best" that sells nothing. */
const BEST_NEUTRAL = [
  'best before', 'best by', 'best if used by', 'best used by', 'best served', 'best enjoyed', 'best regards',
  'best wishes', 'all the best', 'do your best', 'try your best', 'personal best',
];

/** 治愈 as slang for "soothing" ("这个画面太治愈了"). */
const HEALING_SLANG = ['治愈系', '太治愈', '好治愈', '很治愈', '超治愈', '被治愈', '治愈感', '治愈人心'];

export const CLAIMS_LEXICON: ClaimLexicon = {
  name: 'claims-lexicon',
  version: '2026-11-01.1',
  normalisation: { maxFillerRun: 4 },
  terms: [
    // Absolute terms, Chinese (art. 9(3))
    absolute('ABS-ZH-001', '最', 'LOW', { allow: ZUI_NEUTRAL }), // bare 最 is a catch-all at LOW; the compounds below carry the weight
    absolute('ABS-ZH-002', '最佳', 'HIGH'),
    absolute('ABS-ZH-003', '最好', 'MEDIUM', { allow: ['最好不要', '最好别', '最好避免', '最好先'] }), // MEDIUM: also advisory ("最好冷藏")
    absolute('ABS-ZH-004', '最优', 'HIGH'),
    absolute('ABS-ZH-005', '最强', 'HIGH'),
    absolute('ABS-ZH-006', '最高级', 'HIGH'),
    absolute('ABS-ZH-007', '最先进', 'HIGH'),
    absolute('ABS-ZH-008', '最低价', 'HIGH'),
    absolute('ABS-ZH-009', '最便宜', 'HIGH'),
    absolute('ABS-ZH-010', '最受欢迎', 'HIGH'),
    absolute('ABS-ZH-011', '最畅销', 'HIGH'),
    absolute('ABS-ZH-012', '最权威', 'HIGH'),
    absolute('ABS-ZH-013', '最安全', 'HIGH'),
    absolute('ABS-ZH-014', '最有效', 'HIGH'),
    absolute('ABS-ZH-015', '最流行', 'MEDIUM'),
    absolute('ABS-ZH-016', '最专业', 'MEDIUM'),
    absolute('ABS-ZH-017', '最完美', 'MEDIUM'),
    absolute('ABS-ZH-018', '最高端', 'MEDIUM'),
    absolute('ABS-ZH-019', '最舒适', 'MEDIUM'),
    absolute('ABS-ZH-020', '最时尚', 'MEDIUM'),
    absolute('ABS-ZH-021', '最正宗', 'MEDIUM'),
    absolute('ABS-ZH-022', '最具', 'MEDIUM'),
    absolute('ABS-ZH-023', '最划算', 'MEDIUM'),
    absolute('ABS-ZH-024', '最实惠', 'MEDIUM'),
    absolute('ABS-ZH-025', '最火', 'MEDIUM'),
    absolute('ABS-ZH-026', '全网最低', 'HIGH'),
    absolute('ABS-ZH-027', '史上最低', 'HIGH'),
    absolute('ABS-ZH-028', '第一', 'HIGH', { allow: ordinals('第一') }), // ordinals ("第一次", "第一步") are not rankings
    absolute('ABS-ZH-029', '第1', 'HIGH', { allow: ordinals('第1') }),
    absolute('ABS-ZH-030', '全网第一', 'HIGH'),
    absolute('ABS-ZH-031', '销量第一', 'HIGH'),
    absolute('ABS-ZH-032', '行业第一', 'HIGH'),
    absolute('ABS-ZH-033', '排名第一', 'HIGH'),
    absolute('ABS-ZH-034', '全国第一', 'HIGH'),
    absolute('ABS-ZH-035', '全球第一', 'HIGH'),
    absolute('ABS-ZH-036', '世界第一', 'HIGH'),
    absolute('ABS-ZH-037', '第一品牌', 'HIGH'),
    absolute('ABS-ZH-038', '唯一', 'HIGH', { allow: ['唯一的缺点', '唯一缺点', '唯一的不足', '唯一不足'] }), // a review's "only drawback" ranks nothing
    absolute('ABS-ZH-039', '独一无二', 'MEDIUM'),
    absolute('ABS-ZH-040', '绝无仅有', 'MEDIUM'),
    absolute('ABS-ZH-041', '独家', 'LOW'),
    absolute('ABS-ZH-042', '首个', 'HIGH'),
    absolute('ABS-ZH-043', '首家', 'HIGH'),
    absolute('ABS-ZH-044', '首款', 'MEDIUM'),
    absolute('ABS-ZH-045', '首创', 'MEDIUM'),
    absolute('ABS-ZH-046', '首选', 'MEDIUM'),
    absolute('ABS-ZH-047', '全球首发', 'HIGH'),
    absolute('ABS-ZH-048', '全国首家', 'HIGH'),
    absolute('ABS-ZH-049', '顶级', 'HIGH'),
    absolute('ABS-ZH-050', '顶尖', 'HIGH'),
    absolute('ABS-ZH-051', '国家级', 'HIGH', { allow: ['国家级非遗', '国家级非物质文化遗产', '国家级高新技术企业'] }), // a verifiable designation is a fact, not a ranking
    absolute('ABS-ZH-052', '世界级', 'HIGH', { allow: ['世界级非遗', '世界级非物质文化遗产'] }),
    absolute('ABS-ZH-053', '宇宙级', 'MEDIUM'),
    absolute('ABS-ZH-054', '极品', 'MEDIUM'),
    absolute('ABS-ZH-055', '极致', 'LOW'),
    absolute('ABS-ZH-056', '绝对', 'MEDIUM', { allow: ['绝对值', '绝对湿度', '绝对温度', '绝对零度'] }),
    absolute('ABS-ZH-057', '终极', 'MEDIUM'),
    absolute('ABS-ZH-058', '王牌', 'MEDIUM'),
    absolute('ABS-ZH-059', '领导品牌', 'HIGH'),
    absolute('ABS-ZH-060', '领袖品牌', 'HIGH'),
    absolute('ABS-ZH-061', '遥遥领先', 'MEDIUM'),
    absolute('ABS-ZH-062', '史无前例', 'MEDIUM'),
    absolute('ABS-ZH-063', '空前绝后', 'MEDIUM'),
    absolute('ABS-ZH-064', '无与伦比', 'MEDIUM'),
    absolute('ABS-ZH-065', '无敌', 'MEDIUM'),
    absolute('ABS-ZH-066', '巅峰', 'MEDIUM'),
    absolute('ABS-ZH-067', '至尊', 'MEDIUM'),
    absolute('ABS-ZH-068', '万能', 'MEDIUM'),
    absolute('ABS-ZH-069', '驰名商标', 'HIGH'), // Trademark Law art. 14: "well-known mark" may not be used in advertising
    absolute('ABS-ZH-070', '100%', 'LOW', { allow: HUNDRED_PERCENT_MATERIALS }), // material composition ("100%纯棉", "100% cotton") is a fact
    absolute('ABS-ZH-071', '百分百', 'LOW'),
    absolute('ABS-ZH-072', '百分之百', 'LOW'),
    // Absolute terms, English
    absolute('ABS-EN-001', 'best', 'HIGH', { allow: BEST_NEUTRAL }), // "best before" and friends are dates and usage advice
    absolute('ABS-EN-002', 'the best', 'HIGH'),
    absolute('ABS-EN-003', "world's best", 'HIGH'),
    absolute('ABS-EN-004', 'best-selling', 'MEDIUM'),
    absolute('ABS-EN-005', 'best seller', 'MEDIUM'),
    absolute('ABS-EN-006', 'No.1', 'HIGH', { allow: ['model no.1', 'item no.1', 'style no.1'] }), // an article number is not a ranking; "No.1 Street" stays a hit (see file comment)
    absolute('ABS-EN-007', 'number one', 'HIGH'),
    absolute('ABS-EN-008', 'number 1', 'HIGH'),
    absolute('ABS-EN-009', '#1', 'HIGH', { allow: ['color #1', 'colour #1', 'shade #1', 'size #1'] }), // shade and size numbers
    absolute('ABS-EN-010', 'top 1', 'MEDIUM'),
    absolute('ABS-EN-011', 'world-class', 'HIGH'),
    absolute('ABS-EN-012', "world's first", 'HIGH'),
    absolute('ABS-EN-013', 'first in the world', 'HIGH'),
    absolute('ABS-EN-014', 'first-ever', 'MEDIUM'),
    absolute('ABS-EN-015', 'unbeatable', 'MEDIUM'),
    absolute('ABS-EN-016', 'unrivalled', 'MEDIUM'),
    absolute('ABS-EN-017', 'unrivaled', 'MEDIUM'),
    absolute('ABS-EN-018', 'unparalleled', 'MEDIUM'),
    absolute('ABS-EN-019', 'unmatched', 'MEDIUM'),
    absolute('ABS-EN-020', 'second to none', 'MEDIUM'),
    absolute('ABS-EN-021', 'greatest', 'MEDIUM'),
    absolute('ABS-EN-022', 'finest', 'MEDIUM'),
    absolute('ABS-EN-023', 'ultimate', 'LOW'),
    absolute('ABS-EN-024', 'lowest price', 'HIGH'),
    absolute('ABS-EN-025', 'cheapest', 'HIGH'),
    absolute('ABS-EN-026', 'highest quality', 'HIGH'),
    absolute('ABS-EN-027', 'industry-leading', 'MEDIUM'),
    absolute('ABS-EN-028', 'market leader', 'MEDIUM'),
    absolute('ABS-EN-029', 'national-level', 'MEDIUM'),
    // Medical efficacy on ordinary goods, Chinese (art. 17)
    medical('MED-ZH-001', '治疗', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-ZH-002', '治愈', 'HIGH', { allow: HEALING_SLANG, waivedBy: DRUG_OR_DEVICE }), // "治愈系" is slang for soothing, common in livestreams
    medical('MED-ZH-003', '根治', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-ZH-004', '疗效', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-ZH-005', '药效', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-006', '抗癌', 'CRITICAL'),
    medical('MED-ZH-007', '防癌', 'CRITICAL'),
    medical('MED-ZH-008', '治癌', 'CRITICAL'),
    medical('MED-ZH-009', '抗肿瘤', 'CRITICAL'),
    medical('MED-ZH-010', '抑制肿瘤', 'CRITICAL'),
    medical('MED-ZH-011', '溶血栓', 'CRITICAL'),
    medical('MED-ZH-012', '消炎', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-013', '止痛', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-ZH-014', '镇痛', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-ZH-015', '止咳', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-016', '降血压', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-017', '降血糖', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-018', '降血脂', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-019', '降三高', 'HIGH'),
    medical('MED-ZH-020', '降糖', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-021', '软化血管', 'HIGH'),
    medical('MED-ZH-022', '通血管', 'HIGH'),
    medical('MED-ZH-023', '活血化瘀', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-024', '抗病毒', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-025', '治失眠', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-026', '壮阳', 'HIGH'),
    medical('MED-ZH-027', '药用', 'MEDIUM', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-028', '秘方', 'MEDIUM'),
    medical('MED-ZH-029', '消肿', 'MEDIUM', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-ZH-030', '抗过敏', 'MEDIUM', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-031', '补肾', 'MEDIUM', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-032', '护肝', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-ZH-033', '清肺', 'MEDIUM', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-034', '增强免疫力', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-ZH-035', '提高免疫力', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-ZH-036', '改善睡眠', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-ZH-037', '减肥', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-ZH-038', '排毒', 'LOW', { waivedBy: ['DRUG'] }),
    medical('MED-ZH-039', '抗衰老', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-ZH-040', '祛斑', 'MEDIUM', { waivedBy: ['SPECIAL_COSMETIC', 'DRUG'] }), // lawful only for registered special-use cosmetics
    medical('MED-ZH-041', '美白', 'MEDIUM', { waivedBy: ['SPECIAL_COSMETIC'] }),
    medical('MED-ZH-042', '防脱发', 'MEDIUM', { waivedBy: ['SPECIAL_COSMETIC', 'DRUG'] }),
    medical('MED-ZH-043', '生发', 'MEDIUM', { waivedBy: ['SPECIAL_COSMETIC', 'DRUG'] }),
    // Medical efficacy on ordinary goods, English
    medical('MED-EN-001', 'cure', 'HIGH', { allow: ['uv cure', 'led cure', 'cure time'], waivedBy: DRUG_OR_DEVICE }), // nail gel "UV cure" is curing, not healing
    medical('MED-EN-002', 'cures', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-EN-003', 'heal', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-EN-004', 'heals', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-EN-005', 'miracle cure', 'CRITICAL'),
    medical('MED-EN-006', 'treats cancer', 'CRITICAL'),
    medical('MED-EN-007', 'cures cancer', 'CRITICAL'),
    medical('MED-EN-008', 'prevents cancer', 'CRITICAL'),
    medical('MED-EN-009', 'fights cancer', 'CRITICAL'),
    medical('MED-EN-010', 'anti-cancer', 'CRITICAL'),
    medical('MED-EN-011', 'anti-tumor', 'CRITICAL'),
    medical('MED-EN-012', 'anti-inflammatory', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-EN-013', 'lowers blood pressure', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-EN-014', 'lower blood pressure', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-EN-015', 'reduces blood pressure', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-EN-016', 'lowers blood sugar', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-EN-017', 'lowers cholesterol', 'MEDIUM', { waivedBy: ['DRUG', 'HEALTH_FOOD'] }),
    medical('MED-EN-018', 'pain relief', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-EN-019', 'relieves pain', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    medical('MED-EN-020', 'antiviral', 'HIGH', { waivedBy: ['DRUG'] }),
    medical('MED-EN-021', 'boosts immunity', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-EN-022', 'boost immunity', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-EN-023', 'weight loss', 'MEDIUM', { waivedBy: ['HEALTH_FOOD', 'DRUG'] }),
    medical('MED-EN-024', 'detox', 'LOW'),
    medical('MED-EN-025', 'removes freckles', 'MEDIUM', { waivedBy: ['SPECIAL_COSMETIC'] }),
    medical('MED-EN-026', 'regrows hair', 'MEDIUM', { waivedBy: ['SPECIAL_COSMETIC', 'DRUG'] }),
    // False authority, Chinese (arts. 9(2), 16(3))
    authority('AUT-ZH-001', '国家领导人推荐', 'CRITICAL'),
    authority('AUT-ZH-002', '领导人推荐', 'CRITICAL'),
    authority('AUT-ZH-003', '主席推荐', 'CRITICAL'),
    authority('AUT-ZH-004', '总理推荐', 'CRITICAL'),
    authority('AUT-ZH-005', '国家机关推荐', 'CRITICAL'),
    authority('AUT-ZH-006', '政府推荐', 'HIGH'),
    authority('AUT-ZH-007', '卫健委推荐', 'HIGH'),
    authority('AUT-ZH-008', '卫生部推荐', 'HIGH'),
    authority('AUT-ZH-009', '消协推荐', 'HIGH'), // consumer associations may not recommend goods (Consumer Rights Protection Law art. 38)
    authority('AUT-ZH-010', '央视推荐', 'HIGH'),
    authority('AUT-ZH-011', 'CCTV推荐', 'HIGH'),
    authority('AUT-ZH-012', '央视上榜', 'HIGH'),
    authority('AUT-ZH-013', '院士推荐', 'HIGH'),
    authority('AUT-ZH-014', '医生推荐', 'HIGH'),
    authority('AUT-ZH-015', '名医推荐', 'HIGH'),
    authority('AUT-ZH-016', '专家推荐', 'MEDIUM'),
    authority('AUT-ZH-017', '专家认证', 'MEDIUM'),
    authority('AUT-ZH-018', '教授推荐', 'MEDIUM'),
    authority('AUT-ZH-019', '特供', 'HIGH'),
    authority('AUT-ZH-020', '政府专供', 'HIGH'),
    authority('AUT-ZH-021', '军队专供', 'HIGH'),
    authority('AUT-ZH-022', '部队专供', 'HIGH'),
    authority('AUT-ZH-023', '机关专供', 'HIGH'),
    authority('AUT-ZH-024', '国宴专用', 'HIGH'),
    authority('AUT-ZH-025', '国宴指定', 'HIGH'),
    authority('AUT-ZH-026', '国宾馆专用', 'HIGH'),
    authority('AUT-ZH-027', '人民大会堂专用', 'HIGH'),
    authority('AUT-ZH-028', '免检', 'HIGH'), // inspection exemption was abolished in 2008
    // False authority, English
    authority('AUT-EN-001', 'FDA approved', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    authority('AUT-EN-002', 'FDA certified', 'HIGH', { waivedBy: DRUG_OR_DEVICE }),
    authority('AUT-EN-003', 'doctor recommended', 'HIGH'),
    authority('AUT-EN-004', 'recommended by doctors', 'HIGH'),
    authority('AUT-EN-005', 'dermatologist recommended', 'MEDIUM'),
    authority('AUT-EN-006', 'expert recommended', 'MEDIUM'),
    authority('AUT-EN-007', 'clinically proven', 'HIGH'),
    authority('AUT-EN-008', 'scientifically proven', 'MEDIUM'),
    authority('AUT-EN-009', 'government approved', 'HIGH'),
    authority('AUT-EN-010', 'CCTV recommended', 'HIGH'),
    authority('AUT-EN-011', 'as seen on CCTV', 'HIGH'),
    authority('AUT-EN-012', 'state banquet', 'MEDIUM'),
    // Guarantees, Chinese (arts. 16(1), 28)
    guarantee('GUA-ZH-001', '100%有效', 'HIGH'),
    guarantee('GUA-ZH-002', '百分百有效', 'HIGH'),
    guarantee('GUA-ZH-003', '百分之百有效', 'HIGH'),
    guarantee('GUA-ZH-004', '100%安全', 'MEDIUM'),
    guarantee('GUA-ZH-005', '100%治愈', 'CRITICAL'),
    guarantee('GUA-ZH-006', '保证治愈', 'CRITICAL'),
    guarantee('GUA-ZH-007', '包治百病', 'CRITICAL'),
    guarantee('GUA-ZH-008', '药到病除', 'CRITICAL'),
    guarantee('GUA-ZH-009', '永不复发', 'CRITICAL'),
    guarantee('GUA-ZH-010', '包治', 'HIGH'),
    guarantee('GUA-ZH-011', '保证有效', 'HIGH'),
    guarantee('GUA-ZH-012', '保证效果', 'HIGH'),
    guarantee('GUA-ZH-013', '无效退款', 'HIGH'),
    guarantee('GUA-ZH-014', '无效全额退款', 'HIGH'),
    guarantee('GUA-ZH-015', '不见效退款', 'HIGH'),
    guarantee('GUA-ZH-016', '永不反弹', 'HIGH'),
    guarantee('GUA-ZH-017', '无副作用', 'HIGH'),
    guarantee('GUA-ZH-018', '零副作用', 'HIGH'),
    guarantee('GUA-ZH-019', '无任何副作用', 'HIGH'),
    guarantee('GUA-ZH-020', '一次见效', 'HIGH'),
    guarantee('GUA-ZH-021', '当天见效', 'HIGH'),
    guarantee('GUA-ZH-022', '天见效', 'MEDIUM'), // catches "3天见效", "七天见效"
    guarantee('GUA-ZH-023', '立竿见影', 'MEDIUM'),
    guarantee('GUA-ZH-024', '零风险', 'MEDIUM'),
    guarantee('GUA-ZH-025', '无风险', 'MEDIUM'),
    guarantee('GUA-ZH-026', '绝对安全', 'MEDIUM'),
    guarantee('GUA-ZH-027', '稳赚不赔', 'MEDIUM'),
    // Guarantees, English
    guarantee('GUA-EN-001', 'guaranteed results', 'HIGH'),
    guarantee('GUA-EN-002', 'results guaranteed', 'HIGH'),
    guarantee('GUA-EN-003', 'guaranteed to work', 'HIGH'),
    guarantee('GUA-EN-004', 'guaranteed cure', 'CRITICAL'),
    guarantee('GUA-EN-005', 'cures all', 'CRITICAL'),
    guarantee('GUA-EN-006', '100% effective', 'HIGH'),
    guarantee('GUA-EN-007', '100% guaranteed', 'HIGH'),
    guarantee('GUA-EN-008', '100% safe', 'MEDIUM'),
    guarantee('GUA-EN-009', 'no side effects', 'HIGH'),
    guarantee('GUA-EN-010', 'zero side effects', 'HIGH'),
    guarantee('GUA-EN-011', 'permanent results', 'MEDIUM'),
    guarantee('GUA-EN-012', 'instant results', 'MEDIUM'),
    guarantee('GUA-EN-013', 'works instantly', 'MEDIUM'),
    guarantee('GUA-EN-014', 'risk-free', 'LOW'), // LOW: also used for return policies ("risk-free trial")
  ],
};
