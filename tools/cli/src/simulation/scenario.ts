/**
 * The synthetic marketplace as a plan: who applies, what is listed, posted, streamed, bought,
 * shipped, returned and complained about, which inspections and violations happen. Pure and
 * seeded: the same options give the same plan, value for value.
 *
 * Times are offsets back from the moment the simulator performs a step ("agoMs"), never
 * absolute: the services run on the real clock, so every timestamp a step sends is in the
 * recent past when it is sent. Ids and request ids derive from the seed (and the optional id
 * prefix), so a rerun of a seed against a fresh platform makes exactly the same calls.
 *
 * The plan is shaped so that its outcome does not depend on how concurrent calls interleave
 * or on when asynchronous events land; the rules it keeps are named where they are kept
 * (see SIMULATION_POLICY).
 */
import { bankCardFor, creditCodeFor, mobileFor, residentIdFor } from '@govern/platform-testing';
import { Dice, hash32 } from './random';
import {
  BANKS,
  BRAND_SYLLABLES,
  CARRIERS,
  GIVEN_NAMES,
  LISTING_CLAIMS,
  LIVE_LINES,
  REGIONS,
  ROADS,
  SURNAMES,
  TRADES,
  VIDEO_CLAIMS,
  type Region,
  type Trade,
} from './vocabulary';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type ScaleName = 'demo' | 'small' | 'medium' | 'large';

/** Orders per scale; everything else is sized from the order count. */
export const SCALES: Readonly<Record<ScaleName, number>> = {
  demo: 300,
  small: 1_500,
  medium: 8_000,
  large: 30_000,
};

/**
 * Every share and bound of the generator. The bounds under "determinism" keep outcomes
 * independent of timing: they mirror the platform's default policies (named with each).
 */
export const SIMULATION_POLICY = {
  name: 'govern-simulation',
  version: '2026-11-28.1',
  /** Orders a selling merchant takes on average, and at most. */
  ordersPerMerchant: { mean: 18, max: 25 },
  /** A flawed listing attempt for this share of merchants, of each kind by weight. */
  products: { perMerchant: [2, 5] as const, flawedMerchantShare: 0.25, flawWeights: { 'three-no': 4, claim: 4, qualification: 2 } },
  applicants: { restrictedShare: 0.15, highRiskShare: 0.1, reviewShare: 0.04, removedShare: 0.05, pointsShare: 0.04 },
  content: { ordersPerCreator: 30, videosPerCreator: [2, 4] as const, premiumShare: 0.3, claimShare: 0.12, repostShare: 0.08 },
  livestreams: { perCreators: 3, scripts: [['clean', 2], ['warn', 1], ['escalate', 1], ['critical', 1]] as const },
  buyers: { ordersPerBuyer: 2.5 },
  orders: {
    kinds: [
      ['delivered', 50],
      ['in-transit', 8],
      ['late-shipped', 6],
      ['never-shipped', 4],
      ['fake-shipment', 3],
      ['pre-sale', 7],
      ['pre-sale-too-long', 1],
      ['awaiting-dispatch', 21],
    ] as const,
    attributedShare: 0.4,
    preDispatchAfterSaleShare: 0.55,
    preSaleAfterSaleShare: 0.2,
    returnShare: 0.14,
    reviewShare: 0.35,
    /** Dispatch deadlines of on-time orders pass this long after the order is recorded (see dueInMs). */
    dueInMs: [4_000, 6_000] as const,
  },
  complaints: { share: 0.04, min: 8 },
  inspection: { sampleShare: 0.12, sampleCostFen: 40_000, earlyCriticalShare: 0.05, earlyMajorShare: 0.08, lateCriticalPer: 150 },
  fund: { contributionFen: 200_000_000n },
  determinism: {
    /** consumer-fast-refund: a buyer with 5+ refunds in 30 days is an abuser; keep every buyer below. */
    maxAfterSalesPerBuyer: 4,
    /** store-experience-score: under 30 orders a store keeps the neutral score, whenever metrics land. */
    maxOrdersPerMerchant: 25,
    /** content-governance: attribution counts from 20 orders; keep every item below. */
    maxOrdersPerContent: 19,
    /**
     * consumer-fast-refund trust tiers (cap per tier, doubled for a merchant at risk): an amount
     * between the cap and twice the cap would be decided by the merchant's standing at that very
     * moment, so it is lowered to the cap.
     */
    trustTiers: [
      { atLeast: 90, capFen: 300_000n },
      { atLeast: 70, capFen: 100_000n },
      { atLeast: 40, capFen: 20_000n },
    ],
  },
} as const;

// --- the plan -------------------------------------------------------------------------------

export interface ApplicationSpec {
  companyName: string;
  businessLicenceCode: string;
  legalRepresentative: { name: string; idNumber: string };
  contactPhone: string;
  bankAccount: { accountNumber: string; bankName: string; accountHolder: string };
  deviceIds: string[];
  address: { regionCode: string; province: string; city: string; district: string; line: string };
  categoryCodes: string[];
  qualifications: { qualificationCode: string; number: string; issuer: string }[];
  registeredCapitalFen: bigint;
}

/**
 * clean: approved; restricted: approved with a listing quota and a higher deposit; review: a
 * manual review case the simulated reviewer decides; high-risk: intercepted at onboarding;
 * ring: a removed merchant's identifier in a new application (intercepted).
 */
export type ApplicantProfile = 'clean' | 'restricted' | 'review' | 'high-risk' | 'ring';

export interface MerchantPlan {
  key: string;
  profile: ApplicantProfile;
  application: ApplicationSpec;
  /** The trade the merchant sells in (clean and restricted applicants). */
  trade?: Trade['category'];
  /** Reviewer's decision on the review case (review applicants). */
  reviewDecision?: 'APPROVE_WITH_RESTRICTIONS' | 'REJECT';
  /** Ring applicants: the removed merchant whose identifier is reused, and which one. */
  ringOf?: { merchantKey: string; identifier: 'bank account' | 'phone' | 'device' };
}

export type ListingFlaw = 'none' | 'three-no' | 'claim' | 'qualification';
export type LabOutcome = 'pass' | 'major' | 'critical';

export interface ProductPlan {
  key: string;
  merchantKey: string;
  listingId: string;
  productId: string;
  skuId: string;
  categoryCode: string;
  title: string;
  description: string;
  manufacturer: string;
  /** Days before the listing call the goods were made; undefined: no production date given. */
  producedDaysAgo?: number;
  batchNumber: string;
  certificateCode: string;
  imageHashes: string[];
  priceFen: bigint;
  flaw: ListingFlaw;
  /** Lab verdict if the sampling campaign picks the product. */
  labOutcome: LabOutcome;
  /** Tested ad hoc after the orders, with a critical defect (cascade: ban, content, points, buyers paid). */
  lateCritical: boolean;
}

export interface CreatorPlan {
  key: string;
  creatorId: string;
}

export type VideoFlaw = 'none' | 'claim' | 'repost';

export interface VideoPlan {
  key: string;
  contentId: string;
  creatorKey: string;
  title: string;
  captions: string;
  transcript: string;
  productKeys: string[];
  mediaFingerprint: string;
  engagement?: { views: bigint; completionRate: number; likes: bigint; comments: bigint; shares: bigint };
  flaw: VideoFlaw;
  /** Reposts: the original video whose media is reused. */
  repostOf?: string;
}

export type LiveScript = 'clean' | 'warn' | 'escalate' | 'critical';

export type LiveSignal =
  | { kind: 'transcript'; text: string; startOffsetMs: number; endOffsetMs: number }
  | { kind: 'viewers'; newReports: number; viewerCount: number; category: string }
  | { kind: 'complaint'; category: string; text: string };

export interface LivestreamPlan {
  key: string;
  livestreamId: string;
  creatorKey: string;
  title: string;
  productKeys: string[];
  script: LiveScript;
  signals: LiveSignal[];
}

export interface BuyerPlan {
  buyerId: string;
  trustScore: number;
}

export type OrderKind =
  | 'delivered'
  | 'in-transit'
  | 'late-shipped'
  | 'never-shipped'
  | 'fake-shipment'
  | 'pre-sale'
  | 'pre-sale-too-long'
  | 'awaiting-dispatch';

export interface ScanPlan {
  type: 'PICKUP' | 'IN_TRANSIT' | 'DELIVERED';
  agoMs: number;
  location: string;
}

export interface AfterSalePlan {
  type: 'REFUND_ONLY' | 'RETURN_AND_REFUND';
  reason: 'NOT_WANTED_BEFORE_DISPATCH' | 'NO_REASON_7_DAYS' | 'QUALITY_DEFECT' | 'NOT_AS_DESCRIBED';
  amountFen: bigint;
  description: string;
  /** The merchant's answer if the request waits for one. */
  merchantAnswer: 'ACCEPT' | 'REJECT';
  /** The platform's ruling if the buyer escalates a rejection. */
  ruling: 'BUYER_FAVOURED' | 'MERCHANT_FAVOURED';
  returnParcel: { carrierCode: string; trackingNumber: string; shippingFeeFen: bigint };
}

export interface OrderPlan {
  key: string;
  orderId: string;
  buyerId: string;
  buyerTrustScore: number;
  productKey: string;
  /** Video the order is attributed to. */
  contentKey?: string;
  amountFen: bigint;
  kind: OrderKind;
  paidAgoMs: number;
  /** Pre-sale: promised dispatch, after payment. */
  promisedAfterPaidMs?: number;
  shipment?: { carrierCode: string; trackingNumber: string; shippedAgoMs: number; scans: ScanPlan[] };
  afterSale?: AfterSalePlan;
  review?: { rating: number; text: string };
}

export type ComplaintTarget = 'CONTENT' | 'PRODUCT' | 'MERCHANT' | 'SERVICE';

export interface ComplaintPlan {
  key: string;
  target: ComplaintTarget;
  /** The order the complaint is about (its buyer complains); content complaints name the video. */
  orderKey: string;
  contentKey?: string;
  category: 'MISLEADING_CLAIM' | 'QUALITY' | 'COUNTERFEIT' | 'LOGISTICS' | 'SERVICE_ATTITUDE' | 'FOOD_SAFETY';
  text: string;
}

export interface ViolationPlan {
  key: string;
  merchantKey: string;
  type: 'COUNTERFEIT' | 'MISSING_QUALIFICATION' | 'IP_INFRINGEMENT';
  description: string;
}

export interface InspectionPlan {
  name: string;
  budgetFen: bigint;
  categoryCosts: { categoryCode: string; costFen: bigint }[];
  defaultCostFen: bigint;
  /** Seed of the service's draw (uint32), from the simulation seed. */
  drawSeed: number;
}

export interface Scenario {
  seed: number;
  prefix: string;
  policy: { name: string; version: string };
  merchants: MerchantPlan[];
  /** Applications sent after the removals: rings re-entering with a removed merchant's identifier. */
  reentries: MerchantPlan[];
  products: ProductPlan[];
  creators: CreatorPlan[];
  videos: VideoPlan[];
  livestreams: LivestreamPlan[];
  buyers: BuyerPlan[];
  orders: OrderPlan[];
  complaints: ComplaintPlan[];
  inspection: InspectionPlan;
  violations: ViolationPlan[];
  fundContributionFen: bigint;
}

export interface ScenarioOptions {
  seed: number;
  /** Orders to plan (a scale's count, or --orders). */
  orders: number;
  /** Prefix of every id; defaults to `sim<seed>`. */
  idPrefix?: string;
}

// --- generator ------------------------------------------------------------------------------

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const yuanToFen = (yuan: number): bigint => BigInt(Math.round(yuan * 100));

/** Counts derived from the order count (each at least what makes every figure non-zero). */
export const scenarioSizes = (orders: number) => {
  const p = SIMULATION_POLICY;
  const selling = Math.max(12, Math.ceil(orders / p.ordersPerMerchant.mean));
  const creators = Math.max(8, Math.ceil(orders / p.content.ordersPerCreator));
  return {
    selling,
    restricted: Math.max(2, Math.round(selling * p.applicants.restrictedShare)),
    highRisk: Math.max(3, Math.round(selling * p.applicants.highRiskShare)),
    review: Math.max(2, Math.round(selling * p.applicants.reviewShare)),
    removed: Math.max(3, Math.round(selling * p.applicants.removedShare)),
    pointsSanctioned: Math.max(1, Math.round(selling * p.applicants.pointsShare)),
    creators,
    livestreams: Math.max(5, Math.ceil(creators / p.livestreams.perCreators)),
    buyers: Math.max(40, Math.ceil(orders / p.buyers.ordersPerBuyer)),
    complaints: Math.max(p.complaints.min, Math.round(orders * p.complaints.share)),
  };
};

class Generator {
  readonly prefix: string;
  private readonly options: ScenarioOptions;
  private applicantIndex = 0;
  /** Identities of a run under another id prefix are offset, so they link to nothing of the first run. */
  private readonly identityOffset: number;

  constructor(options: ScenarioOptions) {
    this.options = options;
    this.prefix = options.idPrefix ?? `sim${options.seed}`;
    this.identityOffset = options.idPrefix === undefined ? 0 : (1 + (hash32(options.idPrefix) % 9_000)) * 10_000;
  }

  /**
   * A seeded stream. Under an id prefix the streams differ too: a run re-using the first run's
   * media fingerprints, image hashes or titles would be judged a re-post or re-upload of it.
   */
  dice(stream: string): Dice {
    return new Dice(this.options.seed, this.options.idPrefix === undefined ? stream : `${this.options.idPrefix}:${stream}`);
  }

  id(kind: string, n: number, width = 5): string {
    return `${this.prefix}-${kind}-${pad(n, width)}`;
  }

  personName(d: Dice): string {
    return d.pick(SURNAMES) + d.pick(GIVEN_NAMES);
  }

  /** A complete application with identifiers no other applicant of the run shares. */
  application(d: Dice, profile: ApplicantProfile, trade: Trade | undefined): ApplicationSpec {
    const index = this.identityOffset + this.applicantIndex++;
    const seed = this.options.seed;
    const region: Region = d.pick(REGIONS);
    const individual = profile === 'clean' && d.chance(0.2);
    const brand = d.pick(BRAND_SYLLABLES) + d.pick(BRAND_SYLLABLES);
    const tradeWord = trade?.word ?? d.pick(['商贸', '电子商务', '供应链', '贸易']);
    const companyName = individual ? `${region.district}${brand}${tradeWord}店` : `${region.city.replace('市', '')}${brand}${tradeWord}有限公司`;
    const rep = this.personName(d);
    // Birth date and sequence spread over the index: no two applicants share an ID number.
    const birth = { year: 1965 + (Math.floor(index / 336) % 34), month: 1 + (Math.floor(index / 28) % 12), day: 1 + (index % 28) };
    return {
      companyName,
      businessLicenceCode: creditCodeFor(seed * 100_003 + index, region.code, individual ? '2' : '1'),
      legalRepresentative: { name: rep, idNumber: residentIdFor(index, region.code, birth) },
      contactPhone: mobileFor(index, seed),
      bankAccount: { accountNumber: bankCardFor(index, seed), bankName: d.pick(BANKS), accountHolder: individual ? rep : companyName },
      deviceIds: [`dev-${this.prefix}-${d.hex(12)}-${pad(index, 5)}`],
      address: {
        regionCode: region.code,
        province: region.province,
        city: region.city,
        district: region.district,
        line: `${d.pick(ROADS)}${(index % 9_999) + 1}号${d.int(1, 20)}栋${d.int(1, 30)}0${d.int(1, 9)}室`,
      },
      categoryCodes: trade ? [trade.category] : ['general'],
      qualifications: trade?.qualification ? [this.qualification(d, trade.qualification, region)] : [],
      registeredCapitalFen: individual ? 0n : yuanToFen(d.pick([100_000, 500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000])),
    };
  }

  qualification(d: Dice, code: string, region: Region): { qualificationCode: string; number: string; issuer: string } {
    const prefix = code === 'FOOD_BUSINESS_LICENCE' ? 'JY1' : code === 'COSMETICS_FILING' ? `${region.province.slice(0, 1)}妆网备字` : 'QL';
    return { qualificationCode: code, number: `${prefix}${region.code}${pad(d.int(0, 99_999_999), 8)}`, issuer: `${region.city}市场监督管理局` };
  }
}

const tradeOf = (category: string | undefined): Trade => TRADES.find((t) => t.category === category) ?? (TRADES[0] as Trade);

const planMerchants = (g: Generator, sizes: ReturnType<typeof scenarioSizes>): MerchantPlan[] => {
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

const planReentries = (g: Generator, removed: readonly MerchantPlan[]): MerchantPlan[] => {
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

const planProducts = (g: Generator, sellers: readonly MerchantPlan[]): ProductPlan[] => {
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

const planContent = (
  g: Generator,
  sizes: ReturnType<typeof scenarioSizes>,
  listable: readonly ProductPlan[],
): { creators: CreatorPlan[]; videos: VideoPlan[]; livestreams: LivestreamPlan[] } => {
  const d = g.dice('content');
  const c = SIMULATION_POLICY.content;
  const creators: CreatorPlan[] = Array.from({ length: sizes.creators }, (_, i) => ({ key: g.id('crt', i + 1, 4), creatorId: g.id('crt', i + 1, 4) }));
  const videos: VideoPlan[] = [];
  let n = 0;
  const byKey = new Map(listable.map((p) => [p.key, p]));
  const goodsOf = (keys: readonly string[]): string => byKey.get(keys[0] as string)?.title.split(' ')[1] ?? '好物';
  creators.forEach((creator, index) => {
    const count = d.int(c.videosPerCreator[0], c.videosPerCreator[1]);
    const flaws: VideoFlaw[] = [];
    for (let i = 0; i < count; i++) flaws.push(d.chance(c.claimShare) ? 'claim' : 'none');
    // The first creators surely post a claim (so every run has some), after a premium video.
    if (index < 2) flaws[flaws.length - 1] = 'claim';
    // Clean videos first: a claim costs the creator credit, and a creator whose credit is
    // limited cannot have a premium video afterwards.
    flaws.sort((a, b) => (a === b ? 0 : a === 'none' ? -1 : 1));
    flaws.forEach((flaw, i) => {
      n++;
      const productKeys = d.sample(listable, d.int(1, 2)).map((p) => p.key);
      const goods = goodsOf(productKeys);
      const premium = flaw === 'none' && ((index < 3 && i === 0) || d.chance(c.premiumShare));
      const claim = flaw === 'claim' ? (index < 2 ? VIDEO_CLAIMS[index] : d.pick(VIDEO_CLAIMS)) : undefined;
      const views = BigInt(d.int(800, 60_000));
      videos.push({
        key: g.id('vid', n),
        contentId: g.id('vid', n),
        creatorKey: creator.key,
        title: claim ? `${goods}${claim.phrase}，闭眼入` : `${goods}真实测评｜用了${d.int(7, 60)}天的感受`,
        captions: claim
          ? `这款${goods}我只想说${claim.phrase}，买它就对了，链接在下方。`
          : `${goods}开箱和上手体验：做工、尺寸、细节都拍给大家看了，优缺点都讲清楚，适合什么人买也说了，链接在视频下方。`,
        transcript: `大家好，今天聊聊这款${goods}。${LIVE_LINES.join('。')}。${claim ? `总之${claim.phrase}。` : '整体来说性价比不错，但是也有小缺点，比如包装可以更环保一些。大家按需购买，不要冲动消费。'}我们下期再见。`.repeat(2),
        productKeys,
        mediaFingerprint: `phash:${d.hex(32)}`,
        ...(premium
          ? {
              engagement: {
                views,
                completionRate: Math.round((0.55 + d.next() * 0.3) * 100) / 100,
                likes: (views * 8n) / 100n,
                comments: views / 100n,
                shares: views / 100n,
              },
            }
          : {}),
        flaw,
      });
    });
  });
  // Reposts: another creator re-publishes an original's media (after every original is in).
  const originals = [...videos];
  const repostCount = Math.max(2, Math.round(originals.length * c.repostShare));
  for (let i = 0; i < repostCount; i++) {
    const original = d.pick(originals);
    const creator = d.pick(creators.filter((cr) => cr.key !== original.creatorKey));
    n++;
    const { engagement: _engagement, ...media } = original;
    videos.push({ ...media, key: g.id('vid', n), contentId: g.id('vid', n), creatorKey: creator.key, title: `${original.title}（转）`, flaw: 'repost', repostOf: original.key });
  }
  const livestreams: LivestreamPlan[] = [];
  const scripts = SIMULATION_POLICY.livestreams.scripts;
  for (let i = 0; i < sizes.livestreams; i++) {
    // Every script at least once, then by weight.
    const script: LiveScript = i < scripts.length ? (scripts[i] as (typeof scripts)[number])[0] : d.weighted(scripts);
    const creator = creators[i % creators.length] as CreatorPlan;
    const productKeys = d.sample(listable, d.int(1, 3)).map((p) => p.key);
    livestreams.push({
      key: g.id('live', i + 1, 4),
      livestreamId: g.id('live', i + 1, 4),
      creatorKey: creator.key,
      title: `${goodsOf(productKeys)}专场直播 第${i + 1}场`,
      productKeys,
      script,
      signals: liveSignals(d, script),
    });
  }
  return { creators, videos, livestreams };
};

/** A script of signals; the claims are the lexicon's, so the escalation is the policy's ladder. */
const liveSignals = (d: Dice, script: LiveScript): LiveSignal[] => {
  const signals: LiveSignal[] = [];
  let at = 0;
  const say = (text: string): void => {
    const length = 4_000 + d.int(0, 6_000);
    signals.push({ kind: 'transcript', text, startOffsetMs: at, endOffsetMs: at + length });
    at += length + 500;
  };
  say(d.pick(LIVE_LINES));
  signals.push({ kind: 'viewers', newReports: 0, viewerCount: d.int(200, 20_000), category: '' });
  say(d.pick(LIVE_LINES));
  if (script === 'warn') say('这款面霜是我用过最好的，真的推荐');
  if (script === 'escalate') {
    // HIGH claims: 6 strike points each, one ladder step per signal: warn, limit, interrupt.
    say('这款全网第一，别家都比不了');
    signals.push({ kind: 'viewers', newReports: d.int(5, 20), viewerCount: d.int(300, 3_000), category: 'MISLEADING' });
    say('销量第一，用了100%有效，无效退款');
    say('行业第一的品质，今天全网最低价');
  }
  if (script === 'critical') say('每天吃两颗就能抗癌，比吃药还管用');
  say(d.pick(LIVE_LINES));
  return signals;
};

const trustCap = (trust: number): bigint | undefined => SIMULATION_POLICY.determinism.trustTiers.find((t) => trust >= t.atLeast)?.capFen;

const planOrders = (
  g: Generator,
  sizes: ReturnType<typeof scenarioSizes>,
  totalOrders: number,
  sellers: readonly MerchantPlan[],
  listable: readonly ProductPlan[],
  videos: readonly VideoPlan[],
): { buyers: BuyerPlan[]; orders: OrderPlan[] } => {
  const d = g.dice('orders');
  const o = SIMULATION_POLICY.orders;
  const det = SIMULATION_POLICY.determinism;
  const buyers: BuyerPlan[] = Array.from({ length: sizes.buyers }, (_, i) => {
    // Trust bands clear of the policy's tier boundaries (40, 70, 90).
    const [low, high] = d.weighted<readonly [number, number]>([
      [[20, 35], 12],
      [[45, 65], 40],
      [[72, 88], 33],
      [[91, 99], 15],
    ]);
    return { buyerId: g.id('buyer', i + 1), trustScore: d.int(low, high) };
  });
  const afterSalesOf = new Map<string, number>();
  const ordersOfMerchant = new Map<string, number>();
  const ordersOfContent = new Map<string, number>();
  const productsOf = new Map<string, ProductPlan[]>();
  for (const product of listable) productsOf.set(product.merchantKey, [...(productsOf.get(product.merchantKey) ?? []), product]);
  const videosLinking = new Map<string, VideoPlan[]>();
  for (const video of videos) {
    if (video.flaw === 'repost') continue;
    for (const key of video.productKeys) videosLinking.set(key, [...(videosLinking.get(key) ?? []), video]);
  }
  // Merchants still taking orders; one leaves the list when it reaches the cap.
  const open = sellers.filter((m) => (productsOf.get(m.key) ?? []).length > 0);
  const orders: OrderPlan[] = [];
  for (let n = 1; n <= totalOrders; n++) {
    if (open.length === 0) break;
    const slot = Math.floor(d.next() * open.length);
    const merchant = open[slot] as MerchantPlan;
    const taken = (ordersOfMerchant.get(merchant.key) ?? 0) + 1;
    ordersOfMerchant.set(merchant.key, taken);
    if (taken >= det.maxOrdersPerMerchant) open.splice(slot, 1);
    const product = d.pick(productsOf.get(merchant.key) as ProductPlan[]);
    const buyer = d.pick(buyers);
    // Every kind at least once (the first orders), then by weight.
    const kind: OrderKind = n <= o.kinds.length ? (o.kinds[n - 1] as (typeof o.kinds)[number])[0] : d.weighted(o.kinds);
    const orderId = g.id('ord', n, 6);
    const quantity = d.weighted([[1n, 8], [2n, 2]]);
    const amountFen = product.priceFen * quantity;
    const dueIn = d.int(o.dueInMs[0], o.dueInMs[1]);
    const tracking = (): { carrierCode: string; trackingNumber: string } => {
      const carrierCode = d.pick(CARRIERS);
      return { carrierCode, trackingNumber: `${carrierCode}${hash32(`${orderId}:fwd`).toString().padStart(10, '0')}${pad(n, 6)}` };
    };
    const city = d.pick(REGIONS).city;
    const order: OrderPlan = { key: orderId, orderId, buyerId: buyer.buyerId, buyerTrustScore: buyer.trustScore, productKey: product.key, amountFen, kind, paidAgoMs: 0 };
    // The clocks of each kind are placed so that no timer of the service can fire between two
    // calls of the same order (see the module comment): deadlines already past are only those
    // the order misses whatever happens first.
    switch (kind) {
      case 'delivered': {
        order.paidAgoMs = 48 * HOUR - dueIn;
        const shippedAgo = d.int(20 * HOUR, 22 * HOUR);
        order.shipment = {
          ...tracking(),
          shippedAgoMs: shippedAgo,
          scans: [
            { type: 'PICKUP', agoMs: shippedAgo - HOUR, location: `${city}揽收点` },
            { type: 'DELIVERED', agoMs: d.int(1 * HOUR, 3 * HOUR), location: '快递柜' },
          ],
        };
        break;
      }
      case 'in-transit': {
        order.paidAgoMs = 48 * HOUR - dueIn;
        const shippedAgo = d.int(6 * HOUR, 20 * HOUR);
        order.shipment = {
          ...tracking(),
          shippedAgoMs: shippedAgo,
          scans: [
            { type: 'PICKUP', agoMs: shippedAgo - HOUR, location: `${city}揽收点` },
            { type: 'IN_TRANSIT', agoMs: HOUR, location: `${city}转运中心` },
          ],
        };
        break;
      }
      case 'late-shipped': {
        const shippedAgo = d.int(3 * HOUR, 20 * HOUR);
        order.paidAgoMs = shippedAgo + d.int(50 * HOUR, 80 * HOUR);
        order.shipment = { ...tracking(), shippedAgoMs: shippedAgo, scans: [{ type: 'PICKUP', agoMs: shippedAgo - HOUR, location: `${city}揽收点` }] };
        break;
      }
      case 'never-shipped':
        order.paidAgoMs = d.int(3 * DAY, 6 * DAY);
        break;
      case 'fake-shipment':
        // Shipped on time, but the carrier never scans the parcel: its 24 h clock runs out.
        order.paidAgoMs = 48 * HOUR - dueIn;
        order.shipment = { ...tracking(), shippedAgoMs: d.int(25 * HOUR, 30 * HOUR), scans: [] };
        break;
      case 'pre-sale':
        order.paidAgoMs = d.int(1 * DAY, 4 * DAY);
        order.promisedAfterPaidMs = d.int(6 * DAY, 15 * DAY - HOUR);
        break;
      case 'pre-sale-too-long':
        order.paidAgoMs = d.int(1 * DAY, 2 * DAY);
        order.promisedAfterPaidMs = d.int(20 * DAY, 30 * DAY);
        break;
      case 'awaiting-dispatch':
        order.paidAgoMs = d.int(1 * HOUR, 40 * HOUR);
        break;
    }
    const related = videosLinking.get(product.key)?.filter((v) => (ordersOfContent.get(v.key) ?? 0) < det.maxOrdersPerContent) ?? [];
    if (related.length > 0 && d.chance(o.attributedShare)) {
      const video = d.pick(related);
      ordersOfContent.set(video.key, (ordersOfContent.get(video.key) ?? 0) + 1);
      order.contentKey = video.key;
    }
    const canAsk = (afterSalesOf.get(buyer.buyerId) ?? 0) < det.maxAfterSalesPerBuyer;
    const preDispatch =
      (kind === 'awaiting-dispatch' && d.chance(o.preDispatchAfterSaleShare)) || (kind === 'pre-sale' && d.chance(o.preSaleAfterSaleShare));
    const returned = kind === 'delivered' && d.chance(o.returnShare);
    const carrierCode = d.pick(CARRIERS);
    const returnParcel = { carrierCode, trackingNumber: `${carrierCode}R${hash32(`${orderId}:ret`).toString().padStart(10, '0')}${pad(n, 6)}`, shippingFeeFen: BigInt(d.int(8, 18) * 100) };
    if (canAsk && preDispatch) {
      order.afterSale = {
        type: 'REFUND_ONLY',
        reason: 'NOT_WANTED_BEFORE_DISPATCH',
        amountFen,
        description: d.pick(['拍错了规格', '不想要了', '买重复了', '发货太慢']),
        merchantAnswer: 'ACCEPT',
        ruling: 'BUYER_FAVOURED',
        returnParcel,
      };
    } else if (canAsk && returned) {
      const reason = d.weighted([['NO_REASON_7_DAYS', 6], ['QUALITY_DEFECT', 2.5], ['NOT_AS_DESCRIBED', 1.5]] as const);
      const cap = trustCap(buyer.trustScore);
      // Between the cap and twice it, the outcome would hang on the merchant's standing at that moment.
      const amount = cap !== undefined && amountFen > cap && amountFen <= cap * 2n ? cap : amountFen;
      order.afterSale = {
        type: 'RETURN_AND_REFUND',
        reason,
        amountFen: amount,
        description: reason === 'NO_REASON_7_DAYS' ? '七天无理由退货' : reason === 'QUALITY_DEFECT' ? '收到有破损，做工有问题' : '和视频里展示的不一样',
        merchantAnswer: d.chance(0.65) ? 'ACCEPT' : 'REJECT',
        ruling: d.chance(0.6) ? 'BUYER_FAVOURED' : 'MERCHANT_FAVOURED',
        returnParcel,
      };
    }
    if (order.afterSale) afterSalesOf.set(buyer.buyerId, (afterSalesOf.get(buyer.buyerId) ?? 0) + 1);
    else if (kind === 'delivered' && d.chance(o.reviewShare)) {
      const rating = d.weighted([[5, 70], [4, 15], [3, 5], [2, 4], [1, 6]] as const);
      order.review = { rating, text: rating >= 4 ? d.pick(['质量很好，物流也快', '和描述一致，会回购', '包装仔细，五星']) : d.pick(['一般般', '质量差，不推荐', '用了两天就坏了']) };
    }
    orders.push(order);
  }
  return { buyers, orders };
};

const planComplaints = (
  g: Generator,
  sizes: ReturnType<typeof scenarioSizes>,
  orders: readonly OrderPlan[],
  videos: readonly VideoPlan[],
): ComplaintPlan[] => {
  const d = g.dice('complaints');
  const recorded = orders.filter((o) => o.kind !== 'pre-sale-too-long');
  const attributed = recorded.filter((o) => o.contentKey !== undefined);
  const late = recorded.filter((o) => o.kind === 'late-shipped' || o.kind === 'fake-shipment' || o.kind === 'never-shipped');
  const claimVideos = new Set(videos.filter((v) => v.flaw === 'claim').map((v) => v.key));
  const complaints: ComplaintPlan[] = [];
  const targets: ComplaintTarget[] = ['CONTENT', 'PRODUCT', 'MERCHANT', 'SERVICE'];
  for (let i = 0; i < sizes.complaints; i++) {
    // Every target at least once, then by weight.
    const target = i < targets.length ? (targets[i] as ComplaintTarget) : d.weighted<ComplaintTarget>([['CONTENT', 3], ['PRODUCT', 2.5], ['MERCHANT', 1.5], ['SERVICE', 3]]);
    const key = g.id('cmp', i + 1, 4);
    if (target === 'CONTENT' && attributed.length > 0) {
      const preferred = attributed.filter((o) => claimVideos.has(o.contentKey as string));
      const order = d.pick(preferred.length > 0 && d.chance(0.7) ? preferred : attributed);
      complaints.push({ key, target, orderKey: order.key, contentKey: order.contentKey as string, category: 'MISLEADING_CLAIM', text: '视频里说的效果和实际完全不符，涉嫌虚假宣传' });
    } else if (target === 'SERVICE' && late.length > 0) {
      const order = d.pick(late);
      complaints.push({ key, target, orderKey: order.key, category: 'LOGISTICS', text: '付款好几天了还没发货，或者单号一直没有物流信息' });
    } else {
      const order = d.pick(recorded);
      const t = target === 'CONTENT' || target === 'SERVICE' ? 'PRODUCT' : target;
      complaints.push(
        t === 'PRODUCT'
          ? { key, target: t, orderKey: order.key, category: d.pick(['QUALITY', 'COUNTERFEIT'] as const), text: '收到的商品质量很差，怀疑不是正品' }
          : { key, target: t, orderKey: order.key, category: 'SERVICE_ATTITUDE', text: '客服态度恶劣，售后一直推脱' },
      );
    }
  }
  return complaints;
};

/** Builds the plan. Throws on options that cannot make one (a non-integer seed, no orders). */
export const generateScenario = (options: ScenarioOptions): Scenario => {
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffff_ffff) throw new Error(`seed must be an integer 0-4294967295, got ${options.seed}`);
  if (!Number.isInteger(options.orders) || options.orders < 1) throw new Error(`orders must be a positive integer, got ${options.orders}`);
  const g = new Generator(options);
  const sizes = scenarioSizes(options.orders);
  const merchants = planMerchants(g, sizes);
  const sellers = merchants.filter((m) => m.profile === 'clean' || m.profile === 'restricted');
  const products = planProducts(g, sellers);
  const listable = products.filter((p) => p.flaw === 'none');
  const { creators, videos, livestreams } = planContent(g, sizes, listable);
  const { buyers, orders } = planOrders(g, sizes, options.orders, sellers, listable, videos);
  const complaints = planComplaints(g, sizes, orders, videos);

  // Removals and point sanctions hit merchants that sold; late critical tests hit the others.
  const d = g.dice('governance');
  const merchantOf = new Map(listable.map((p) => [p.key, p.merchantKey]));
  const sold = new Set(orders.map((o) => merchantOf.get(o.productKey) as string));
  const candidates = d.shuffle(sellers.filter((m) => m.profile === 'clean' && sold.has(m.key)));
  const removed = candidates.slice(0, sizes.removed);
  const sanctioned = candidates.slice(sizes.removed, sizes.removed + sizes.pointsSanctioned);
  const spared = new Set([...removed, ...sanctioned].map((m) => m.key));
  const violations: ViolationPlan[] = [
    ...removed.map((m, i) => ({ key: g.id('vio', i + 1, 4), merchantKey: m.key, type: 'COUNTERFEIT' as const, description: '经品牌方鉴定与抽检确认销售假冒商品' })),
    ...sanctioned.flatMap((m, i) => [
      { key: g.id('vio', 500 + 2 * i, 4), merchantKey: m.key, type: 'MISSING_QUALIFICATION' as const, description: '类目资质过期后继续销售' },
      { key: g.id('vio', 501 + 2 * i, 4), merchantKey: m.key, type: 'IP_INFRINGEMENT' as const, description: '商品图片侵犯他人著作权，经通知未改' },
    ]),
  ];
  const orderedProducts = new Set(orders.filter((o) => o.kind !== 'pre-sale-too-long').map((o) => o.productKey));
  const lateCriticalCount = Math.max(1, Math.floor(listable.length / SIMULATION_POLICY.inspection.lateCriticalPer));
  const lateCandidates = d.shuffle(listable.filter((p) => p.labOutcome === 'pass' && orderedProducts.has(p.key) && !spared.has(p.merchantKey)));
  for (const product of lateCandidates.slice(0, lateCriticalCount)) product.lateCritical = true;

  const samples = Math.max(4, Math.round(listable.length * SIMULATION_POLICY.inspection.sampleShare));
  const inspection: InspectionPlan = {
    name: `Simulated sampling campaign (seed ${options.seed})`,
    budgetFen: BigInt(samples) * BigInt(SIMULATION_POLICY.inspection.sampleCostFen),
    categoryCosts: [
      { categoryCode: 'food.snacks', costFen: 50_000n },
      { categoryCode: 'cosmetics.skincare', costFen: 45_000n },
      { categoryCode: 'electronics.audio', costFen: 40_000n },
    ],
    defaultCostFen: 30_000n,
    drawSeed: hash32(`${options.seed}:inspection`) || 1,
  };

  return {
    seed: options.seed,
    prefix: g.prefix,
    policy: { name: SIMULATION_POLICY.name, version: SIMULATION_POLICY.version },
    merchants,
    reentries: planReentries(g, removed),
    products,
    creators,
    videos,
    livestreams,
    buyers,
    orders,
    complaints,
    inspection,
    violations,
    fundContributionFen: SIMULATION_POLICY.fund.contributionFen,
  };
};
