/** Who applies (and how each application should fare), the rings that re-enter, and what the sellers list. */
import {
  BRAND_SYLLABLES,
  LISTING_CLAIMS,
  REGIONS,
  TRADES,
  type Region,
} from '../vocabulary';
import { pad, tradeOf, yuanToFen, type Generator } from './generator';
import { SIMULATION_POLICY, type scenarioSizes } from './policy';
import type { ApplicantProfile, LabOutcome, ListingFlaw, MerchantPlan, ProductPlan } from './types';

export const planMerchants = (g: Generator, sizes: ReturnType<typeof scenarioSizes>): MerchantPlan[] => {
  const d = g.dice('merchants');
  const merchants: MerchantPlan[] = [];
  let n = 0;
  const add = (profile: ApplicantProfile, rest: Omit<MerchantPlan, 'key' | 'profile'>): void => {
    merchants.push({ key: g.id('mer', ++n, 4), profile, ...rest });
  };
  const cleanCount = sizes.selling - sizes.restricted;
  for (let i = 0; i < cleanCount; i++) {
    const trade = d.weighted(TRADES.map((t) => [t, t.qualification ? 1 : 2] as const));
    add('clean', { application: g.application(d, 'clean', trade), trade: trade.category });
  }
  for (let i = 0; i < sizes.restricted; i++) {
    // Two high-risk categories held properly (+20) and a third-party settlement account (+20): score 40.
    const trade = tradeOf(d.pick(['food', 'cosmetics']));
    const application = g.application(d, 'restricted', trade);
    const other = tradeOf(trade.category === 'food' ? 'cosmetics' : 'food');
    const region = REGIONS.find((r) => r.code === application.address.regionCode) as Region;
    application.categoryCodes = [trade.category, other.category];
    application.qualifications = [g.qualification(d, trade.qualification as string, region), g.qualification(d, other.qualification as string, region)];
    application.bankAccount.accountHolder = g.personName(d);
    add('restricted', { application, trade: trade.category });
  }
  for (let i = 0; i < sizes.review; i++) {
    // Three regulated categories, one qualification (+20 +40) and a third-party account (+20): score 80.
    const application = g.application(d, 'review', tradeOf('food'));
    application.categoryCodes = ['food', 'cosmetics', 'medical_device'];
    application.bankAccount.accountHolder = g.personName(d);
    add('review', { application, reviewDecision: i % 2 === 0 ? 'REJECT' : 'APPROVE_WITH_RESTRICTIONS' });
  }
  for (let i = 0; i < sizes.highRisk; i++) {
    // Every regulated category at once and none of their licences: the score caps at 100.
    const application = g.application(d, 'high-risk', undefined);
    application.categoryCodes = ['food', 'cosmetics', 'medical_device', 'pharmacy', 'alcohol', 'infant_formula'];
    application.qualifications = [];
    application.bankAccount.accountHolder = g.personName(d);
    add('high-risk', { application });
  }
  return merchants;
};

export const planReentries = (g: Generator, removed: readonly MerchantPlan[]): MerchantPlan[] => {
  const d = g.dice('reentries');
  const kinds = ['bank account', 'phone', 'device'] as const;
  return removed.map((original, i) => {
    const application = g.application(d, 'ring', tradeOf(original.trade));
    const identifier = kinds[i % kinds.length] as (typeof kinds)[number];
    if (identifier === 'bank account') application.bankAccount = { ...original.application.bankAccount, accountHolder: application.companyName };
    if (identifier === 'phone') application.contactPhone = original.application.contactPhone;
    if (identifier === 'device') application.deviceIds = [...original.application.deviceIds];
    return { key: g.id('mer', 9_000 + i, 4), profile: 'ring' as const, application, trade: original.trade, ringOf: { merchantKey: original.key, identifier } };
  });
};

export const planProducts = (g: Generator, sellers: readonly MerchantPlan[]): ProductPlan[] => {
  const d = g.dice('products');
  const p = SIMULATION_POLICY.products;
  const products: ProductPlan[] = [];
  let n = 0;
  const forced: readonly ListingFlaw[] = ['three-no', 'claim', 'qualification'];
  sellers.forEach((merchant, m) => {
    const trade = tradeOf(merchant.trade);
    const flaws: ListingFlaw[] = Array.from({ length: d.int(p.perMerchant[0], p.perMerchant[1]) }, () => 'none');
    // A flawed attempt for some merchants (every kind at least once), always the
    // merchant's last: a "three-no" rejection costs points that may restrict the merchant
    // (asynchronously), and nothing of the merchant's is listed after it.
    const flaw: ListingFlaw | undefined =
      m < forced.length
        ? forced[m]
        : d.chance(p.flawedMerchantShare)
          ? d.weighted<ListingFlaw>(Object.entries(p.flawWeights) as [ListingFlaw, number][])
          : undefined;
    if (flaw) flaws.push(flaw);
    for (const flaw of flaws) {
      n++;
      const good = d.pick(trade.goods);
      const productId = g.id('prd', n);
      const base = `${good.zh} ${d.pick(['经典款', '升级款', '家庭装', '礼盒装', '轻薄款', '加大款'])} ${pad(n, 4)}`;
      let title = `${d.pick(BRAND_SYLLABLES)}${d.pick(BRAND_SYLLABLES)} ${base}`;
      let description = `${good.zh}，执行标准 ${good.standard}。支持七天无理由退货，下单后48小时内发货。`;
      let categoryCode = trade.listingCategory;
      if (flaw === 'claim') ({ title, description } = d.pick(LISTING_CLAIMS)(`${good.zh}${pad(n, 4)}`, `${good.en} ${pad(n, 4)}`));
      // A category the merchant holds no licence for: the gate finds the qualification missing.
      if (flaw === 'qualification') categoryCode = trade.qualification === undefined ? 'food.snacks' : 'books.children';
      const threeNo = flaw === 'three-no';
      const [low, high] = trade.priceYuan;
      products.push({
        key: productId,
        merchantKey: merchant.key,
        listingId: g.id('lst', n),
        productId,
        skuId: `${productId}-sku1`,
        categoryCode,
        title,
        description,
        manufacturer: threeNo ? d.pick(['', '无', '见包装']) : `${d.pick(REGIONS).city.replace('市', '')}${d.pick(BRAND_SYLLABLES)}${d.pick(BRAND_SYLLABLES)}制造有限公司`,
        ...(threeNo ? {} : { producedDaysAgo: d.int(5, 120) }),
        batchNumber: threeNo ? '' : `B${pad(d.int(1, 999_999), 6)}`,
        certificateCode: threeNo ? d.pick(['', '见包装', '无']) : good.standard,
        imageHashes: [d.hex(16), d.hex(16)],
        priceFen: yuanToFen(d.int(low, high) + 0.9),
        flaw,
        labOutcome: 'pass',
        lateCritical: false,
      });
    }
  });
  const inspection = SIMULATION_POLICY.inspection;
  for (const product of products) {
    if (product.flaw !== 'none') continue;
    product.labOutcome = d.weighted<LabOutcome>([
      ['critical', inspection.earlyCriticalShare],
      ['major', inspection.earlyMajorShare],
      ['pass', 1 - inspection.earlyCriticalShare - inspection.earlyMajorShare],
    ]);
  }
  return products;
};
