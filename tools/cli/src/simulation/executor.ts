/**
 * Plays a scenario against the platform through the four public gRPC APIs, and nothing else.
 *
 * Work is split into phases run one after the other (applications before listings, listings
 * before videos, everything before the removals that re-entering rings depend on...). Inside a
 * phase, work is a set of lanes: the steps of one lane (one merchant's listings, one order's
 * life) run in order, lanes run side by side with at most `concurrency` calls in flight. The
 * scenario keeps lanes independent of each other, so the outcome does not depend on timing.
 */
import {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  ComplaintCategory,
  ComplaintTargetType,
  DisputeOutcome,
  DisputeParty,
  FastRefundOutcome,
  FulfilmentType,
  MerchantAnswer,
  TrackingScanType,
  type AfterSale,
} from '@govern/contracts-consumer-experience';
import { AssessmentTrigger, ContentTier, LivestreamActionKind, ViolationKind, type StreamLivestreamSignalsRequest } from '@govern/contracts-content';
import { ReviewDecision, RiskBand, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { DefectClass, LabVerdict, ListingAction, ListingDecision } from '@govern/contracts-product-quality';
import type { PlatformClients } from '@govern/platform-clients';
import { readErrorDetails, type GrpcErrorDetails } from '@govern/platform-grpc';
import { AsyncQueue } from './async-queue';
import type { Progress } from './progress';
import type { ComplaintPlan, LabOutcome, LivestreamPlan, MerchantPlan, OrderPlan, ProductPlan, Scenario, VideoPlan } from './scenario';
import type { Tally } from './summary';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A failure that stops the run: a service unreachable, an RPC not implemented, a bug. */
export class SimulationAborted extends Error {}

export interface ExecutorOptions {
  clients: PlatformClients;
  concurrency: number;
  progress: Progress;
  tally: Tally;
  /** Longest wait for the platform to settle (events between services) at the end of the run. */
  settleTimeoutMs: number;
  /** How long figures must stay unchanged to count as settled. */
  quietMs?: number;
  /** Longest wait for an event another service needs (a product approved, reaching content). */
  propagationTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: GrpcErrorDetails };

/** Codes after which going on makes no sense: the platform is not there or not complete. */
const FATAL_CODES = new Set(['UNAVAILABLE', 'UNIMPLEMENTED', 'UNAUTHENTICATED', 'PERMISSION_DENIED']);

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
};

/** content learns approved products from product-quality's events: until then it answers this. */
const PRODUCT_NOT_YET_KNOWN = ['CONTENT.UNKNOWN_PRODUCT'];

/** Expected number of calls of a scenario, for the progress bar (some are skipped at run time). */
export const estimateCalls = (scenario: Scenario): number => {
  const orderCalls = scenario.orders.reduce((sum, o) => {
    let n = 1 + (o.shipment ? 1 + o.shipment.scans.length : 0) + (o.review ? 1 : 0);
    if (o.afterSale) n += o.afterSale.type === 'REFUND_ONLY' ? 1 : 4;
    return sum + n;
  }, 0);
  return (
    1 +
    scenario.merchants.length +
    scenario.merchants.filter((m) => m.profile === 'review').length * 2 +
    scenario.merchants.filter((m) => m.profile === 'clean' || m.profile === 'restricted').length * 2 +
    scenario.products.length +
    scenario.videos.length +
    scenario.livestreams.reduce((sum, l) => sum + 2 + l.signals.length, 0) +
    3 +
    Math.round(scenario.products.length * 0.12) +
    orderCalls +
    scenario.complaints.length +
    scenario.violations.length +
    scenario.reentries.length +
    scenario.products.filter((p) => p.lateCritical).length +
    1 +
    scenario.videos.length
  );
};

const defectsOf = (outcome: LabOutcome): { defectClass: DefectClass; code: string; description: string }[] => {
  if (outcome === 'critical') {
    return [{ defectClass: DefectClass.DEFECT_CLASS_CRITICAL, code: 'HAZARDOUS_SUBSTANCE_OVER_LIMIT', description: '有害物质含量超过国家标准限值' }];
  }
  if (outcome === 'major') return [{ defectClass: DefectClass.DEFECT_CLASS_MAJOR, code: 'LABEL_NONCONFORMING', description: '标签标识不符合标准要求' }];
  return [];
};

const SCAN_TYPES = { PICKUP: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, IN_TRANSIT: TrackingScanType.TRACKING_SCAN_TYPE_IN_TRANSIT, DELIVERED: TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED };

const COMPLAINT_TARGETS = {
  CONTENT: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT,
  PRODUCT: ComplaintTargetType.COMPLAINT_TARGET_TYPE_PRODUCT,
  MERCHANT: ComplaintTargetType.COMPLAINT_TARGET_TYPE_MERCHANT,
  SERVICE: ComplaintTargetType.COMPLAINT_TARGET_TYPE_SERVICE,
};

const COMPLAINT_CATEGORIES: Record<ComplaintPlan['category'], ComplaintCategory> = {
  MISLEADING_CLAIM: ComplaintCategory.COMPLAINT_CATEGORY_MISLEADING_CLAIM,
  QUALITY: ComplaintCategory.COMPLAINT_CATEGORY_QUALITY,
  COUNTERFEIT: ComplaintCategory.COMPLAINT_CATEGORY_COUNTERFEIT,
  LOGISTICS: ComplaintCategory.COMPLAINT_CATEGORY_LOGISTICS,
  SERVICE_ATTITUDE: ComplaintCategory.COMPLAINT_CATEGORY_SERVICE_ATTITUDE,
  FOOD_SAFETY: ComplaintCategory.COMPLAINT_CATEGORY_FOOD_SAFETY,
};

const AFTER_SALE_REASONS = {
  NOT_WANTED_BEFORE_DISPATCH: AfterSaleReason.AFTER_SALE_REASON_NOT_WANTED_BEFORE_DISPATCH,
  NO_REASON_7_DAYS: AfterSaleReason.AFTER_SALE_REASON_NO_REASON_7_DAYS,
  QUALITY_DEFECT: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
  NOT_AS_DESCRIBED: AfterSaleReason.AFTER_SALE_REASON_NOT_AS_DESCRIBED,
};

const VIOLATION_TYPES = {
  COUNTERFEIT: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
  MISSING_QUALIFICATION: ViolationType.VIOLATION_TYPE_MISSING_QUALIFICATION,
  IP_INFRINGEMENT: ViolationType.VIOLATION_TYPE_IP_INFRINGEMENT,
};

export class Executor {
  private readonly clients: PlatformClients;
  private readonly progress: Progress;
  private readonly tally: Tally;
  private readonly sleep: (ms: number) => Promise<void>;
  private fatal: SimulationAborted | undefined;
  calls = 0;
  /** Wall time and calls of each phase, in run order. */
  readonly phases: { name: string; ms: number; calls: number }[] = [];
  /** The phase running (or that stopped the run). */
  phase = 'starting';

  /** Run-time facts the later phases depend on. */
  private readonly merchantIds = new Map<string, string>();
  private readonly onSale = new Set<string>();
  private readonly banned = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly posted = new Set<string>();
  private readonly recordedOrders = new Set<string>();
  /** Latest dispatch deadline of an on-time order: the figures count it once it has passed. */
  private lastDueAt = 0;
  private readonly productByKey: Map<string, ProductPlan>;
  private readonly productKeyById: Map<string, string>;
  private readonly videoByKey: Map<string, VideoPlan>;
  private readonly orderByKey: Map<string, OrderPlan>;
  private readonly creatorIdByKey: Map<string, string>;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: ExecutorOptions,
  ) {
    this.clients = options.clients;
    this.progress = options.progress;
    this.tally = options.tally;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.productByKey = new Map(scenario.products.map((p) => [p.key, p]));
    this.productKeyById = new Map(scenario.products.map((p) => [p.productId, p.key]));
    this.videoByKey = new Map(scenario.videos.map((v) => [v.key, v]));
    this.orderByKey = new Map(scenario.orders.map((o) => [o.key, o]));
    this.creatorIdByKey = new Map(scenario.creators.map((c) => [c.key, c.creatorId]));
  }

  private rid(rpc: string, key: string, step?: string | number): string {
    return `${this.scenario.prefix}/${rpc}/${key}${step === undefined ? '' : `/${step}`}`;
  }

  /**
   * One call: counted, refusals tallied, fatal codes stop the run. A refusal whose reason is in
   * `untilKnown` means an event has not reached the service yet (nothing was recorded): the call
   * is repeated, with the same request id, until it lands or `propagationTimeoutMs` passes.
   */
  private async call<T>(rpc: string, send: () => Promise<T>, untilKnown: readonly string[] = []): Promise<Outcome<T>> {
    const deadline = Date.now() + (this.options.propagationTimeoutMs ?? 30_000);
    for (;;) {
      const outcome = await this.attempt(rpc, send);
      if (outcome.ok || !untilKnown.includes(outcome.error.reason ?? '') || Date.now() > deadline) {
        if (!outcome.ok) this.tally.error(rpc, outcome.error.codeName, outcome.error.reason);
        return outcome;
      }
      await this.sleep(200);
    }
  }

  private async attempt<T>(rpc: string, send: () => Promise<T>): Promise<Outcome<T>> {
    if (this.fatal) throw this.fatal;
    try {
      const value = await send();
      return { ok: true, value };
    } catch (error) {
      const details = readErrorDetails(error);
      if (!details) throw error;
      if (FATAL_CODES.has(details.codeName)) {
        const hint = details.codeName === 'UNAVAILABLE' ? ' (is the platform running at the given addresses?)' : '';
        this.fatal ??= new SimulationAborted(`${rpc} failed with ${details.codeName}: ${details.message}${hint}`);
        throw this.fatal;
      }
      return { ok: false, error: details };
    } finally {
      this.calls++;
      this.progress.tick();
    }
  }

  /** Runs lanes with at most `concurrency` of them (so calls) at once; stops at the first fatal error. */
  private async lanes<T>(phase: string, items: readonly T[], lane: (item: T) => Promise<void>): Promise<void> {
    const end = this.startPhase(phase);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!this.fatal && next < items.length) {
        const item = items[next++] as T;
        try {
          await lane(item);
        } catch (error) {
          this.fatal ??= error instanceof SimulationAborted ? error : new SimulationAborted(`${phase}: ${(error as Error).stack ?? String(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.concurrency, items.length)) }, worker));
    end();
    if (this.fatal) throw this.fatal;
  }

  /** Announces a phase; the returned function records its time and calls (phases of one name add up). */
  private startPhase(name: string): () => void {
    this.progress.phase(name);
    this.phase = name;
    const started = Date.now();
    const calls = this.calls;
    return () => {
      const known = this.phases.find((p) => p.name === name);
      if (known) {
        known.ms += Date.now() - started;
        known.calls += this.calls - calls;
      } else this.phases.push({ name, ms: Date.now() - started, calls: this.calls - calls });
    };
  }

  /** Plays the whole scenario; resolves with how the platform settled, rejects with SimulationAborted. */
  async run(): Promise<{ settled: boolean; waitedMs: number }> {
    const s = this.scenario;
    const fund = this.startPhase('fund');
    await this.call('ContributeToFund', () =>
      this.clients.consumerExperience.contributeToFund({ requestId: this.rid('ContributeToFund', 'fund'), amountFen: s.fundContributionFen, paymentRef: `${s.prefix}-fund-allocation` }),
    );
    fund();
    await this.lanes('applications', s.merchants, (m) => this.apply(m));
    await this.awaitOnboarding();
    const productsOf = groupBy(s.products, (p) => p.merchantKey);
    const sellers = s.merchants.filter((m) => productsOf.has(m.key));
    await this.lanes('listings', sellers, (m) => this.list(m, productsOf.get(m.key) ?? []));
    // Originals before re-posts, so the first publisher of a media fingerprint is the original's.
    const inOrder = async (videos: VideoPlan[]): Promise<void> => {
      for (const video of videos) await this.assessVideo(video);
    };
    await this.lanes('videos', [...groupBy(s.videos.filter((v) => v.flaw !== 'repost'), (v) => v.creatorKey).values()], inOrder);
    await this.lanes('reposts', [...groupBy(s.videos.filter((v) => v.flaw === 'repost'), (v) => v.creatorKey).values()], inOrder);
    await this.lanes('livestreams', s.livestreams, (l) => this.livestream(l));
    await this.inspect();
    // Orders whose dispatch deadline passes during the run go first: by the end it has passed.
    const dueSoon = (o: OrderPlan): boolean => o.kind === 'delivered' || o.kind === 'in-transit' || o.kind === 'fake-shipment';
    await this.lanes('orders', [...s.orders.filter(dueSoon), ...s.orders.filter((o) => !dueSoon(o))], (o) => this.order(o));
    await this.lanes('complaints', s.complaints, (c) => this.complain(c));
    // The services' timers (late dispatch, missing first scans) and events must have caught up
    // before removals refund undispatched orders and lab failures pay buyers back.
    const afterOrders = await this.settle('settle: orders');
    await this.lanes('violations', [...groupBy(s.violations, (v) => v.merchantKey).entries()], ([merchantKey, violations]) => this.recordViolations(merchantKey, violations));
    await this.lanes('ring re-entry', s.reentries, (m) => this.apply(m));
    await this.lanes('lab (ad hoc)', s.products.filter((p) => p.lateCritical), (p) => this.recordLab(p, 'critical', undefined));
    // Sanctions caused by events (three-no listings, lab failures) must have landed before the sweep.
    const afterGovernance = await this.settle('settle: sanctions');
    await this.sweep();
    // consumer-experience reports attribution figures at the end of each 15-minute period, and
    // content re-assesses every item they concern: re-assessing once the sales and the sweep are
    // in, as that scheduler would, makes the figures the same whenever the period ends.
    const afterSweep = await this.settle('settle: sweep');
    const posted = s.videos.filter((v) => this.posted.has(v.key));
    await this.lanes('re-assessment', [...groupBy(posted, (v) => v.creatorKey).values()], async (videos) => {
      for (const video of videos) await this.reassess(video);
    });
    const final = await this.settle('settle: final');
    const settles = [afterOrders, afterGovernance, afterSweep, final];
    return { settled: settles.every((x) => x.settled), waitedMs: settles.reduce((sum, x) => sum + x.waitedMs, 0) };
  }

  private async sweep(): Promise<void> {
    const end = this.startPhase('affiliate sweep');
    const sweep = await this.call('RunAffiliateSweep', () => this.clients.merchantAccess.runAffiliateSweep({ requestId: this.rid('RunAffiliateSweep', 'end'), dryRun: false }));
    if (sweep.ok) {
      this.tally.add('merchants', 'affiliate sweep: merchants cleared', Number(sweep.value.clearedCount));
      this.tally.add('merchants', 'affiliate sweep: merchants re-admitted', Number(sweep.value.readmittedCount));
    }
    end();
  }

  // --- merchants ------------------------------------------------------------------------------

  private async apply(m: MerchantPlan): Promise<void> {
    const ring = m.profile === 'ring';
    const section = 'merchants';
    this.tally.add(section, ring ? 'ring re-entries sent' : 'applications sent');
    const answer = await this.call('SubmitApplication', () =>
      this.clients.merchantAccess.submitApplication({ requestId: this.rid('SubmitApplication', m.key), application: m.application }),
    );
    if (!answer.ok) return;
    const { application, merchant, reviewCase } = answer.value;
    const band = application?.decision?.band;
    if (ring) {
      const linked = application?.decision?.reasons.some((r) => r.code === 'MERCHANT.RISK.RING_REMOVED') ?? false;
      this.tally.add(section, linked ? ' intercepted: linked to a removed merchant' : ' not intercepted');
    } else {
      const label =
        band === RiskBand.RISK_BAND_APPROVE
          ? ' approved'
          : band === RiskBand.RISK_BAND_APPROVE_WITH_RESTRICTIONS
            ? ' approved with restrictions'
            : band === RiskBand.RISK_BAND_MANUAL_REVIEW
              ? ' sent to manual review'
              : ' rejected as high risk';
      this.tally.add(section, label);
    }
    if (merchant?.merchantId) this.merchantIds.set(m.key, merchant.merchantId);
    if (reviewCase?.caseId && m.reviewDecision) {
      const reviewer = `${this.scenario.prefix}-reviewer-1`;
      const claimed = await this.call('ClaimReviewCase', () =>
        this.clients.merchantAccess.claimReviewCase({ requestId: this.rid('ClaimReviewCase', m.key), caseId: reviewCase.caseId, reviewerId: reviewer }),
      );
      if (!claimed.ok) return;
      const reject = m.reviewDecision === 'REJECT';
      const decided = await this.call('DecideReviewCase', () =>
        this.clients.merchantAccess.decideReviewCase({
          requestId: this.rid('DecideReviewCase', m.key),
          caseId: reviewCase.caseId,
          reviewerId: reviewer,
          decision: reject ? ReviewDecision.REVIEW_DECISION_REJECT : ReviewDecision.REVIEW_DECISION_APPROVE_WITH_RESTRICTIONS,
          note: reject ? '资质不全且结算账户与主体不一致，拒绝入驻' : '补充资质前限制经营类目与上架数量',
        }),
      );
      if (!decided.ok) return;
      this.tally.add(section, 'review cases decided');
      this.tally.add(section, reject ? ' rejected by the reviewer' : ' approved by the reviewer');
      if (decided.value.merchant?.merchantId) this.merchantIds.set(m.key, decided.value.merchant.merchantId);
    }
  }

  /**
   * Onboarding reaches product-quality and consumer-experience as events. consumer-experience
   * shows it (the merchant's deposit account appears); product-quality has no read of it, so a
   * grace follows. A listing sent too early is rejected (and recorded) as "merchant not known".
   */
  private async awaitOnboarding(): Promise<void> {
    const end = this.startPhase('onboarding');
    const started = Date.now();
    const deadline = Date.now() + Math.max(10_000, this.options.settleTimeoutMs);
    for (const merchantId of this.merchantIds.values()) {
      for (;;) {
        try {
          await this.clients.consumerExperience.getMerchantDeposit({ merchantId });
          break;
        } catch (error) {
          const details = readErrorDetails(error);
          if (details?.codeName !== 'NOT_FOUND') {
            if (details && FATAL_CODES.has(details.codeName)) throw new SimulationAborted(`GetMerchantDeposit failed with ${details.codeName}: ${details.message}`);
            break;
          }
          if (Date.now() > deadline) {
            this.progress.note(`merchant ${merchantId} not yet known to consumer-experience; going on`);
            break;
          }
          await this.sleep(100);
        }
      }
    }
    // product-quality consumes the same events; give it as long again as consumer-experience took.
    await this.sleep(Math.max(500, Date.now() - started));
    end();
  }

  private async list(m: MerchantPlan, products: readonly ProductPlan[]): Promise<void> {
    const merchantId = this.merchantIds.get(m.key);
    if (!merchantId) {
      this.tally.add('products', ' skipped: merchant not approved', products.length);
      return;
    }
    const t0 = Date.now();
    const terms = await this.call('GetMerchant', () => this.clients.merchantAccess.getMerchant({ merchantId }));
    const depositFen = terms.ok ? (terms.value.merchant?.restrictions?.depositFen ?? 0n) : 0n;
    if (depositFen > 0n) {
      const paid = await this.call('DepositMerchantFunds', () =>
        this.clients.consumerExperience.depositMerchantFunds({ requestId: this.rid('DepositMerchantFunds', m.key), merchantId, amountFen: depositFen, paymentRef: `${m.key}-deposit` }),
      );
      if (paid.ok) this.tally.add('merchants', 'deposits paid in');
    }
    for (const p of products) {
      this.tally.add('products', 'listings sent');
      const answer = await this.call('EvaluateListing', () =>
        this.clients.productQuality.evaluateListing({
          requestId: this.rid('EvaluateListing', p.key),
          action: ListingAction.LISTING_ACTION_PUBLISH,
          listing: {
            listingId: p.listingId,
            productId: p.productId,
            skuId: p.skuId,
            merchantId,
            categoryCode: p.categoryCode,
            title: p.title,
            description: p.description,
            brand: '',
            manufacturer: p.manufacturer,
            productionDate: p.producedDaysAgo === undefined ? undefined : new Date(t0 - p.producedDaysAgo * DAY),
            batchNumber: p.batchNumber,
            certificateCode: p.certificateCode,
            imageHashes: p.imageHashes,
            declaredQualifications: [],
            priceFen: p.priceFen,
          },
        }),
      );
      if (!answer.ok) continue;
      const r = answer.value;
      if (r.decision === ListingDecision.LISTING_DECISION_APPROVED) {
        this.tally.add('products', ' approved');
        this.onSale.add(p.key);
        continue;
      }
      this.tally.add('products', ' rejected');
      const codes = new Set(r.reasons.map((reason) => reason.code));
      if (r.threeNo) this.tally.add('products', '  "three-no" goods');
      if (r.claimHits.length > 0 || codes.has('LISTING.PROHIBITED_CLAIM')) this.tally.add('products', '  prohibited claims');
      if (codes.has('LISTING.QUALIFICATION_MISSING')) this.tally.add('products', '  qualification missing');
      if (codes.has('LISTING.MERCHANT_UNKNOWN')) this.tally.add('products', '  merchant not known yet');
      if (!r.threeNo && r.claimHits.length === 0 && !codes.has('LISTING.PROHIBITED_CLAIM') && !codes.has('LISTING.QUALIFICATION_MISSING') && !codes.has('LISTING.MERCHANT_UNKNOWN')) {
        this.tally.add('products', '  other reasons');
      }
    }
  }

  // --- content --------------------------------------------------------------------------------

  private links(productKeys: readonly string[]): { productId: string; merchantId: string }[] {
    return productKeys
      .filter((key) => this.onSale.has(key))
      .map((key) => {
        const product = this.productByKey.get(key) as ProductPlan;
        return { productId: product.productId, merchantId: this.merchantIds.get(product.merchantKey) as string };
      });
  }

  private async assessVideo(v: VideoPlan): Promise<void> {
    const creatorId = this.creatorIdByKey.get(v.creatorKey) ?? v.creatorKey;
    const linkedProducts = this.links(v.productKeys);
    if (linkedProducts.length < v.productKeys.length) this.tally.add('content', ' links dropped: product not on sale', v.productKeys.length - linkedProducts.length);
    const answer = await this.call('AssessVideo', () =>
      this.clients.content.assessVideo({
        requestId: this.rid('AssessVideo', v.key),
        contentId: v.contentId,
        creatorId,
        title: v.title,
        captions: v.captions,
        transcript: v.transcript,
        linkedProducts,
        mediaFingerprint: v.mediaFingerprint,
        engagement: v.engagement,
      }),
      PRODUCT_NOT_YET_KNOWN,
    );
    if (!answer.ok) return;
    this.posted.add(v.key);
    this.tally.add('content', 'videos assessed');
    const { assessment, penalties } = answer.value;
    if (assessment?.tier === ContentTier.CONTENT_TIER_PREMIUM) this.tally.add('content', ' premium (boosted)');
    if (penalties.length > 0) this.tally.add('content', ' penalised');
    const kinds = new Set(assessment?.violations.map((violation) => violation.kind) ?? []);
    if (kinds.has(ViolationKind.VIOLATION_KIND_PROHIBITED_CLAIM)) this.tally.add('content', '  prohibited claims');
    if (kinds.has(ViolationKind.VIOLATION_KIND_REPOSTED_CONTENT)) this.tally.add('content', '  reposted content');
  }

  private async reassess(v: VideoPlan): Promise<void> {
    const answer = await this.call('ReassessContent', () =>
      this.clients.content.reassessContent({
        requestId: this.rid('ReassessContent', v.key),
        contentId: v.contentId,
        trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_SIGNAL_UPDATE,
        complaintId: '',
        note: 'scheduled re-assessment once the simulated sales are in',
      }),
    );
    if (!answer.ok) return;
    this.tally.add('content', 'videos re-assessed after the sales');
    if (answer.value.penalties.length > 0) this.tally.add('content', ' penalised on re-assessment');
  }

  private async livestream(l: LivestreamPlan): Promise<void> {
    const creatorId = this.creatorIdByKey.get(l.creatorKey) ?? l.creatorKey;
    const started = await this.call('StartLivestream', () =>
      this.clients.content.startLivestream({ requestId: this.rid('StartLivestream', l.key), livestreamId: l.livestreamId, creatorId, title: l.title, linkedProducts: this.links(l.productKeys) }),
      PRODUCT_NOT_YET_KNOWN,
    );
    if (!started.ok) return;
    this.tally.add('content', 'livestreams run');
    const queue = new AsyncQueue<StreamLivestreamSignalsRequest>();
    let level = LivestreamActionKind.LIVESTREAM_ACTION_KIND_NONE;
    const reached = new Set<LivestreamActionKind>();
    const stream = await this.call('StreamLivestreamSignals', async () => {
      const responses = this.clients.content.streamLivestreamSignals(queue)[Symbol.asyncIterator]();
      try {
        for (const [i, signal] of l.signals.entries()) {
          const base = { livestreamId: l.livestreamId, clientSequence: BigInt(i + 1), observeTime: new Date() };
          queue.push({
            signal:
              signal.kind === 'transcript'
                ? { ...base, transcriptSegment: { text: signal.text, startOffsetMs: BigInt(signal.startOffsetMs), endOffsetMs: BigInt(signal.endOffsetMs) } }
                : signal.kind === 'viewers'
                  ? { ...base, viewerSignal: { newReports: signal.newReports, viewerCount: BigInt(signal.viewerCount), reportCategory: signal.category } }
                  : { ...base, complaint: { complaintId: '', category: signal.category, text: signal.text } },
          });
          const next = await responses.next();
          this.tally.add('content', 'livestream signals sent');
          if (next.done) break;
          const action = next.value.action;
          if (action?.error) this.tally.error('StreamLivestreamSignals', 'SIGNAL_REJECTED', action.error.message);
          if (action) {
            level = action.level;
            reached.add(action.level);
          }
          if (level === LivestreamActionKind.LIVESTREAM_ACTION_KIND_INTERRUPT) break;
        }
      } finally {
        queue.end();
        await responses.return?.();
      }
    });
    if (!stream.ok) return;
    if (reached.has(LivestreamActionKind.LIVESTREAM_ACTION_KIND_WARN_HOST)) this.tally.add('content', ' warned');
    if (reached.has(LivestreamActionKind.LIVESTREAM_ACTION_KIND_LIMIT_TRAFFIC)) this.tally.add('content', ' traffic limited');
    if (reached.has(LivestreamActionKind.LIVESTREAM_ACTION_KIND_INTERRUPT)) this.tally.add('content', ' interrupted');
    await this.call('EndLivestream', () => this.clients.content.endLivestream({ requestId: this.rid('EndLivestream', l.key), livestreamId: l.livestreamId }));
  }

  // --- inspections ----------------------------------------------------------------------------

  private async inspect(): Promise<void> {
    const plan = this.scenario.inspection;
    const end = this.startPhase('inspection');
    const created = await this.call('CreateInspectionCampaign', () =>
      this.clients.productQuality.createInspectionCampaign({
        requestId: this.rid('CreateInspectionCampaign', 'campaign'),
        name: plan.name,
        budgetFen: plan.budgetFen,
        categoryCosts: plan.categoryCosts,
        defaultCostFen: plan.defaultCostFen,
        categoryCodes: [],
      }),
    );
    const campaignId = created.ok ? created.value.campaign?.campaignId : undefined;
    if (!campaignId) return;
    const planned = await this.call('PlanInspectionCampaign', () =>
      this.clients.productQuality.planInspectionCampaign({ requestId: this.rid('PlanInspectionCampaign', 'campaign'), campaignId, seed: plan.drawSeed }),
    );
    if (!planned.ok) return;
    this.tally.add('products', 'sampling campaign: candidates', planned.value.candidateCount);
    this.tally.add('products', 'sampling campaign: samples planned', planned.value.samples.length);
    end();
    const samples = planned.value.samples.filter((sample) => this.productKeyById.has(sample.productId));
    await this.lanes('inspection', samples, async (sample) => {
      const product = this.productByKey.get(this.productKeyById.get(sample.productId) as string) as ProductPlan;
      await this.recordLab(product, product.labOutcome, sample.sampleId);
    });
  }

  private async recordLab(p: ProductPlan, outcome: LabOutcome, sampleId: string | undefined): Promise<void> {
    if (!this.onSale.has(p.key) || this.banned.has(p.key) || this.removed.has(p.merchantKey)) return;
    const answer = await this.call('RecordLabResult', () =>
      this.clients.productQuality.recordLabResult({
        requestId: this.rid('RecordLabResult', p.key, sampleId ? 'sample' : 'ad-hoc'),
        sampleId: sampleId ?? '',
        productId: p.productId,
        skuId: p.skuId,
        verdict: outcome === 'pass' ? LabVerdict.LAB_VERDICT_PASS : LabVerdict.LAB_VERDICT_FAIL,
        defects: defectsOf(outcome),
        reportRef: `CNAS-${this.scenario.prefix}-${p.productId.slice(-5)}-${sampleId ? 'S' : 'A'}`,
        labName: '国家日用消费品质量检验检测中心（模拟）',
        testedAt: new Date(Date.now() - HOUR),
      }),
    );
    if (!answer.ok) return;
    this.tally.add('products', 'lab results recorded');
    this.tally.add('products', outcome === 'pass' ? ' passed' : outcome === 'major' ? ' failed (major defects)' : ' failed (critical defects)');
    if (answer.value.bans.length > 0) {
      this.tally.add('products', 'products banned by lab results', answer.value.bans.length);
      for (const ban of answer.value.bans) this.banned.add(this.productKeyById.get(ban.productId) ?? ban.productId);
    }
  }

  // --- orders ---------------------------------------------------------------------------------

  private async order(o: OrderPlan): Promise<void> {
    const product = this.productByKey.get(o.productKey) as ProductPlan;
    const merchantId = this.merchantIds.get(product.merchantKey);
    this.tally.add('service', 'orders sent');
    if (!merchantId || !this.onSale.has(product.key) || this.banned.has(product.key)) {
      this.tally.add('service', ' skipped: product not on sale');
      return;
    }
    const t0 = Date.now();
    const at = (agoMs: number): Date => new Date(t0 - agoMs);
    const paidAt = at(o.paidAgoMs);
    const video = o.contentKey && this.posted.has(o.contentKey) ? this.videoByKey.get(o.contentKey) : undefined;
    const preSale = o.kind === 'pre-sale' || o.kind === 'pre-sale-too-long';
    const recorded = await this.call('RecordOrder', () =>
      this.clients.consumerExperience.recordOrder({
        requestId: this.rid('RecordOrder', o.key),
        orderId: o.orderId,
        buyerId: o.buyerId,
        merchantId,
        productId: product.productId,
        skuId: product.skuId,
        categoryCode: product.categoryCode,
        attributedContentId: video?.contentId ?? '',
        attributedCreatorId: video ? (this.creatorIdByKey.get(video.creatorKey) ?? '') : '',
        amountFen: o.amountFen,
        paidAt,
        fulfilment: preSale ? FulfilmentType.FULFILMENT_TYPE_PRE_SALE : FulfilmentType.FULFILMENT_TYPE_IN_STOCK,
        promisedDispatchAt: preSale && o.promisedAfterPaidMs !== undefined ? new Date(paidAt.getTime() + o.promisedAfterPaidMs) : undefined,
        returnExemptions: [],
      }),
    );
    if (!recorded.ok) {
      if (recorded.error.reason === 'ORDER.PRE_SALE_TOO_LONG' || recorded.error.fieldViolations.some((v) => v.field === 'promised_dispatch_at')) {
        this.tally.add('service', ' rejected: pre-sale dispatch over 15 days');
      }
      return;
    }
    this.tally.add('service', ' recorded');
    this.recordedOrders.add(o.key);
    if (o.shipment) {
      const shipment = o.shipment;
      const shipped = await this.call('RecordShipment', () =>
        this.clients.consumerExperience.recordShipment({
          requestId: this.rid('RecordShipment', o.key),
          orderId: o.orderId,
          trackingNumber: shipment.trackingNumber,
          carrierCode: shipment.carrierCode,
          shippedAt: at(shipment.shippedAgoMs),
          afterSaleId: '',
        }),
      );
      if (!shipped.ok) return;
      this.tally.add('service', 'shipments recorded');
      const onTime = shipped.value.order?.shipment?.dispatchedOnTime ?? false;
      this.tally.add('service', onTime ? ' dispatched on time' : ' dispatched late');
      if (onTime) this.lastDueAt = Math.max(this.lastDueAt, shipped.value.order?.dispatchDueAt?.getTime() ?? 0);
      for (const [i, scan] of shipment.scans.entries()) {
        const scanned = await this.call('RecordTrackingScan', () =>
          this.clients.consumerExperience.recordTrackingScan({
            requestId: this.rid('RecordTrackingScan', o.key, i),
            trackingNumber: shipment.trackingNumber,
            carrierCode: shipment.carrierCode,
            scanType: SCAN_TYPES[scan.type],
            scannedAt: at(scan.agoMs),
            location: scan.location,
          }),
        );
        if (scanned.ok) this.tally.add('service', 'carrier scans recorded');
      }
    }
    if (o.afterSale) await this.afterSale(o, merchantId);
    if (o.review) {
      const review = o.review;
      const reviewed = await this.call('RecordReview', () =>
        this.clients.consumerExperience.recordReview({ requestId: this.rid('RecordReview', o.key), orderId: o.orderId, buyerId: o.buyerId, rating: review.rating, text: review.text }),
      );
      if (reviewed.ok) this.tally.add('service', 'reviews');
    }
  }

  /** Follows an after-sale to its end: merchant answer, dispute, the return and its scans. */
  private async afterSale(o: OrderPlan, merchantId: string): Promise<void> {
    const plan = o.afterSale as NonNullable<OrderPlan['afterSale']>;
    const requested = await this.call('RequestAfterSale', () =>
      this.clients.consumerExperience.requestAfterSale({
        requestId: this.rid('RequestAfterSale', o.key),
        orderId: o.orderId,
        buyerId: o.buyerId,
        type: plan.type === 'REFUND_ONLY' ? AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY : AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
        reason: AFTER_SALE_REASONS[plan.reason],
        amountFen: plan.amountFen,
        description: plan.description,
        evidenceRefs: [],
        goodsUnsealed: false,
        buyerTrustScore: o.buyerTrustScore,
      }),
    );
    if (!requested.ok || !requested.value.afterSale) return;
    let afterSale: AfterSale = requested.value.afterSale;
    this.tally.add('service', 'after-sales requested');
    if (afterSale.fastRefund?.preDispatch || afterSale.requestedBeforeDispatch) this.tally.add('service', ' before dispatch');
    const fast = afterSale.fastRefund?.outcome;
    if (fast === FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED) this.tally.add('service', ' fast-refunded at once');
    else if (fast === FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED_ON_PICKUP) this.tally.add('service', ' fast refund on pickup');
    else this.tally.add('service', ' left to the merchant');
    if (requested.value.refund) this.tally.add('service', 'refunds paid');
    const afterSaleId = afterSale.afterSaleId;
    let returnPickedUp = false;
    for (let step = 0; step < 8; step++) {
      const status = afterSale.status;
      let next: Outcome<{ afterSale?: AfterSale | undefined; refund?: unknown }> | undefined;
      if (status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT || status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT_PAYMENT) {
        const accept = status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT_PAYMENT || plan.merchantAnswer === 'ACCEPT';
        next = await this.call('RespondAfterSale', () =>
          this.clients.consumerExperience.respondAfterSale({
            requestId: this.rid('RespondAfterSale', o.key, step),
            afterSaleId,
            merchantId,
            answer: accept ? MerchantAnswer.MERCHANT_ANSWER_ACCEPT : MerchantAnswer.MERCHANT_ANSWER_REJECT,
            note: accept ? '同意' : '商品已拆封使用，影响二次销售，不同意退货',
            evidenceRefs: [],
          }),
        );
        if (next.ok) this.tally.add('service', 'merchant answers');
      } else if (status === AfterSaleStatus.AFTER_SALE_STATUS_MERCHANT_REJECTED) {
        next = await this.call('EscalateDispute', () =>
          this.clients.consumerExperience.escalateDispute({
            requestId: this.rid('EscalateDispute', o.key, step),
            afterSaleId,
            escalatedBy: DisputeParty.DISPUTE_PARTY_BUYER,
            statement: '商家拒绝退货，申请平台介入',
            evidenceRefs: [],
          }),
        );
        if (next.ok) this.tally.add('service', 'disputes escalated');
      } else if (status === AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE) {
        const buyerFavoured = plan.ruling === 'BUYER_FAVOURED';
        next = await this.call('DecideDispute', () =>
          this.clients.consumerExperience.decideDispute({
            requestId: this.rid('DecideDispute', o.key, step),
            afterSaleId,
            outcome: buyerFavoured ? DisputeOutcome.DISPUTE_OUTCOME_BUYER_FAVOURED : DisputeOutcome.DISPUTE_OUTCOME_MERCHANT_FAVOURED,
            awardFen: 0n,
            operatorId: `${this.scenario.prefix}-operator-1`,
            reasons: [
              buyerFavoured
                ? { code: 'DISPUTE.GOODS_NOT_AS_DESCRIBED', message: '买家举证成立', evidence: {}, weight: 0 }
                : { code: 'DISPUTE.BUYER_EVIDENCE_INSUFFICIENT', message: '买家举证不足', evidence: {}, weight: 0 },
            ],
          }),
        );
        if (next.ok) this.tally.add('service', 'disputes decided');
      } else if (status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_RETURN) {
        const parcel = plan.returnParcel;
        next = await this.call('RecordReturnShipment', () =>
          this.clients.consumerExperience.recordReturnShipment({
            requestId: this.rid('RecordReturnShipment', o.key, step),
            afterSaleId,
            trackingNumber: parcel.trackingNumber,
            carrierCode: parcel.carrierCode,
            shippedAt: new Date(),
            shippingFeeFen: parcel.shippingFeeFen,
          }),
        );
        if (next.ok && next.value.afterSale?.insurance) this.tally.add('service', 'returns shipped (insurance settled)');
      } else if (status === AfterSaleStatus.AFTER_SALE_STATUS_RETURN_IN_TRANSIT) {
        const parcel = plan.returnParcel;
        const scanType = returnPickedUp ? TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED : TrackingScanType.TRACKING_SCAN_TYPE_PICKUP;
        const scanned = await this.call('RecordTrackingScan', () =>
          this.clients.consumerExperience.recordTrackingScan({
            requestId: this.rid('RecordTrackingScan', o.key, `return-${step}`),
            trackingNumber: parcel.trackingNumber,
            carrierCode: parcel.carrierCode,
            scanType,
            scannedAt: new Date(),
            location: returnPickedUp ? '商家退货仓' : '买家所在地揽收点',
          }),
        );
        if (!scanned.ok) return;
        this.tally.add('service', 'carrier scans recorded');
        if (returnPickedUp && scanned.value.afterSale?.status === AfterSaleStatus.AFTER_SALE_STATUS_RETURN_IN_TRANSIT) return;
        returnPickedUp = true;
        next = { ok: true, value: scanned.value };
      } else return;
      if (!next?.ok) return;
      if (next.value.refund) this.tally.add('service', 'refunds paid');
      if (!next.value.afterSale) return;
      afterSale = next.value.afterSale;
    }
  }

  // --- complaints, violations -----------------------------------------------------------------

  private async complain(c: ComplaintPlan): Promise<void> {
    const order = this.orderByKey.get(c.orderKey) as OrderPlan;
    if (!this.recordedOrders.has(order.key)) return;
    const product = this.productByKey.get(order.productKey) as ProductPlan;
    const merchantId = this.merchantIds.get(product.merchantKey) as string;
    const video = c.contentKey ? this.videoByKey.get(c.contentKey) : undefined;
    if (c.target === 'CONTENT' && (!video || !this.posted.has(video.key))) return;
    const targetId = c.target === 'CONTENT' ? (video as VideoPlan).contentId : c.target === 'PRODUCT' ? product.productId : c.target === 'MERCHANT' ? merchantId : order.orderId;
    const filed = await this.call('FileComplaint', () =>
      this.clients.consumerExperience.fileComplaint({
        requestId: this.rid('FileComplaint', c.key),
        buyerId: order.buyerId,
        targetType: COMPLAINT_TARGETS[c.target],
        targetId,
        orderId: order.orderId,
        merchantId: '',
        category: COMPLAINT_CATEGORIES[c.category],
        text: c.text,
        evidenceRefs: [],
      }),
    );
    if (!filed.ok) return;
    this.tally.add('service', 'complaints filed');
    this.tally.add('service', ` about ${c.target === 'CONTENT' ? 'content' : c.target === 'PRODUCT' ? 'products' : c.target === 'MERCHANT' ? 'merchants' : 'service'}`);
  }

  private async recordViolations(merchantKey: string, violations: Scenario['violations']): Promise<void> {
    const merchantId = this.merchantIds.get(merchantKey);
    if (!merchantId) return;
    for (const v of violations) {
      const answer = await this.call('RecordViolation', () =>
        this.clients.merchantAccess.recordViolation({
          requestId: this.rid('RecordViolation', v.key),
          merchantId,
          type: VIOLATION_TYPES[v.type],
          source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
          sourceRef: v.key,
          productId: '',
          description: v.description,
          evidence: { case_ref: v.key },
        }),
      );
      if (!answer.ok) continue;
      this.tally.add('merchants', 'violations recorded');
      if (answer.value.removed) {
        this.tally.add('merchants', ' merchants removed');
        this.removed.add(merchantKey);
      } else if (answer.value.sanction) this.tally.add('merchants', ' sanctions imposed');
    }
  }

  // --- settling -------------------------------------------------------------------------------

  /** Every service's report figures for the last 60 days, as one comparable string. */
  private async figures(): Promise<string> {
    const request = { window: { startTime: new Date(Date.now() - 60 * DAY), endTime: new Date() } };
    const clients = this.clients;
    // One after the other: the settle loop keeps within the in-flight bound too (whatever it is).
    const all = [
      await clients.content.getGovernanceStats(request),
      await clients.productQuality.getGovernanceStats(request),
      await clients.merchantAccess.getGovernanceStats(request),
      await clients.consumerExperience.getGovernanceStats(request),
    ];
    return JSON.stringify(all, (key, value: unknown) => (typeof value === 'bigint' ? value.toString() : key === 'window' ? undefined : value));
  }

  /**
   * Waits until the on-time dispatch deadlines have passed (so the 48 h rate counts them) and no
   * service's figures changed for `quietMs`: events between services have landed.
   */
  private async settle(phase: string): Promise<{ settled: boolean; waitedMs: number }> {
    const end = this.startPhase(phase);
    try {
      return await this.waitUntilQuiet();
    } finally {
      end();
    }
  }

  private async waitUntilQuiet(): Promise<{ settled: boolean; waitedMs: number }> {
    const started = Date.now();
    const quietMs = this.options.quietMs ?? 2_000;
    const deadline = started + this.options.settleTimeoutMs;
    if (this.lastDueAt > Date.now()) await this.sleep(Math.min(this.lastDueAt - Date.now() + 1_100, Math.max(0, deadline - Date.now())));
    let last: string;
    try {
      last = await this.figures();
    } catch (error) {
      const details = readErrorDetails(error);
      throw new SimulationAborted(`GetGovernanceStats failed${details ? ` with ${details.codeName}: ${details.message}` : `: ${String(error)}`}`);
    }
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await this.sleep(250);
      const now = await this.figures();
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) return { settled: true, waitedMs: Date.now() - started };
    }
    return { settled: false, waitedMs: Date.now() - started };
  }
}
