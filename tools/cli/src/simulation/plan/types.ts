/** The plan of a simulated marketplace: what each step of the run sends. */
import type { Trade } from '../vocabulary';

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
  /** What the order system knows of the buyer (issue 19): decides whether the order is a new buyer's. */
  buyerHistory?: { priorOrders: number; firstPaidAgoMs: number };
}

/** A buyer's contact with a merchant's customer service, the merchant's reply and the buyer's rating (issue 19). */
export interface ContactPlan {
  key: string;
  contactId: string;
  buyerId: string;
  merchantKey: string;
  /** The order it is about (its buyer writes); none for a pre-sale question. */
  orderKey?: string;
  channel: 'CHAT' | 'MESSAGE';
  topic: 'PRE_SALE' | 'ORDER_PROBLEM';
  contactAgoMs: number;
  /** The merchant's first reply, this long after the contact; none: never answered. */
  reply?: { afterMs: number; resolves: boolean };
  rating?: { rating: number; resolved: boolean };
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
  /** Buyers' contacts with merchants' customer service (issue 19). */
  contacts: ContactPlan[];
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
