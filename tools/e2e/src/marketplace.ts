import { createHash } from 'node:crypto';
import { FulfilmentType, TrackingScanType } from '@govern/contracts-consumer-experience';
import type { AssessVideoRequest, AssessVideoResponse } from '@govern/contracts-content';
import { ApplicationStatus, type ApplicationInput, type Merchant } from '@govern/contracts-merchant-access';
import { ListingAction, ListingDecision, type Listing } from '@govern/contracts-product-quality';
import { readErrorDetails } from '@govern/platform-grpc';
import { syntheticApplication } from '@govern/platform-testing';
import { SERVICE_NAMES, settle, type PlatformUnderTest } from './platform-processes';

/**
 * A small synthetic marketplace driven only through the services' public gRPC APIs: applicants
 * with well-formed identity numbers, listings that pass the gate, videos, orders and parcels.
 * Waiting for one service to have heard another's event is done by polling a read API (or,
 * where none exists, a read-only query), never by calling into a service's internals.
 */

// --- applicants ---------------------------------------------------------------------------------

/** A clean application (no risk signal): every identifier distinct per seed, so tests choose what two applicants share. */
export const applicationInput = (seed: number, overrides: Partial<ApplicationInput> = {}): ApplicationInput => ({ ...syntheticApplication(seed, 'e2e-'), ...overrides });

// --- helpers ------------------------------------------------------------------------------------

export const HOUR_MS = 3_600_000;
export const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * HOUR_MS);

/** The gRPC status name and domain reason of a failed call, or undefined when it succeeded. */
export const failureOf = async (call: Promise<unknown>): Promise<{ codeName: string; reason: string | undefined } | undefined> => {
  try {
    await call;
    return undefined;
  } catch (error) {
    const details = readErrorDetails(error);
    if (!details) throw error;
    return { codeName: details.codeName, reason: details.reason };
  }
};

/** Sum of bigints. */
export const sumFen = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);

// --- merchants ----------------------------------------------------------------------------------

export interface OnboardedMerchant {
  merchantId: string;
  applicationId: string;
  /** Deposit the onboarding decision requires (the minimum consumer-experience holds). */
  depositFen: bigint;
  input: ApplicationInput;
  merchant: Merchant;
}

/**
 * Submits a clean application, expects it approved, and waits until product-quality (listing
 * gate) and consumer-experience (deposit minimum) have heard MerchantOnboarded, so the
 * merchant can list and sell at once.
 */
export const onboardMerchant = async (platform: PlatformUnderTest, seed: number, overrides: Partial<ApplicationInput> = {}): Promise<OnboardedMerchant> => {
  const input = applicationInput(seed, overrides);
  const { application, merchant } = await platform.clients.merchantAccess.submitApplication({ requestId: `e2e-apply-${seed}`, application: input });
  if (application?.status !== ApplicationStatus.APPLICATION_STATUS_APPROVED || !merchant) {
    throw new Error(`applicant ${seed} was not approved: ${JSON.stringify(application?.decision?.reasons ?? [])}`);
  }
  const merchantId = merchant.merchantId;
  const depositFen = application.decision?.restrictions?.depositFen ?? 0n;
  await settle(`product-quality knows merchant ${merchantId}`, async () => {
    const { rows } = await platform.sql['product-quality'].query<{ standing: string }>(`SELECT standing FROM merchants WHERE merchant_id = $1`, [merchantId]);
    return rows[0]?.standing;
  });
  if (depositFen > 0n) {
    await settle(`consumer-experience holds the deposit minimum of ${merchantId}`, async () => {
      const deposit = await platform.clients.consumerExperience.getMerchantDeposit({ merchantId }).then(
        (r) => r.deposit,
        () => undefined,
      );
      return deposit && deposit.minimumFen === depositFen ? deposit : undefined;
    });
  }
  return { merchantId, applicationId: application.applicationId, depositFen, input, merchant };
};

// --- products -----------------------------------------------------------------------------------

export interface ListedProduct {
  productId: string;
  skuId: string;
  listingId: string;
  merchantId: string;
  categoryCode: string;
  priceFen: bigint;
}

/** A complete listing (manufacturer, batch, certificate, no claims) of a general-category product. */
export const listingOf = (spec: { key: string; merchantId: string; title: string; priceFen: bigint }): Listing => ({
  listingId: `listing-${spec.key}`,
  productId: `product-${spec.key}`,
  skuId: `sku-${spec.key}`,
  merchantId: spec.merchantId,
  categoryCode: 'general',
  title: spec.title,
  description: `${spec.title}. Sold with the manufacturer's certificate of conformity and batch record.`,
  brand: '',
  manufacturer: `Fujian ${spec.key} Manufacturing Co., Ltd.`,
  productionDate: hoursAgo(24 * 30),
  batchNumber: `B-${spec.key}-2026`,
  certificateCode: 'GB 4806.9-2016',
  // Distinct per product: equal image hashes would make later listings look like re-uploads of banned ones.
  imageHashes: [createHash('sha256').update(spec.key).digest('hex').slice(0, 16)],
  declaredQualifications: [],
  priceFen: spec.priceFen,
});

/** Publishes a listing through the gate and expects it approved. */
export const listProduct = async (platform: PlatformUnderTest, spec: { key: string; merchantId: string; title: string; priceFen: bigint }): Promise<ListedProduct> => {
  const listing = listingOf(spec);
  const decision = await platform.clients.productQuality.evaluateListing({
    requestId: `e2e-list-${spec.key}`,
    listing,
    action: ListingAction.LISTING_ACTION_PUBLISH,
  });
  if (decision.decision !== ListingDecision.LISTING_DECISION_APPROVED) {
    throw new Error(`listing ${spec.key} was rejected: ${decision.reasons.map((r) => r.code).join(', ')}`);
  }
  return {
    productId: listing.productId,
    skuId: listing.skuId,
    listingId: listing.listingId,
    merchantId: spec.merchantId,
    categoryCode: listing.categoryCode,
    priceFen: spec.priceFen,
  };
};

// --- content ------------------------------------------------------------------------------------

/** Neutral, complete text (no prohibited claim) long enough for the professional axis. */
export const CLEAN_CAPTIONS = 'Unboxing and a week of daily use: how it holds up on the commute, in the office and on weekend trips.';
export const CLEAN_TRANSCRIPT =
  'Hello everyone. Today I am showing the item I bought last month and have used every day since. ' +
  'It arrived well packed, with the certificate and the batch number printed on the box. ' +
  'I will show you the details, the material and how it feels after a few weeks, then I will answer your questions from the comments.';

/**
 * Publishes a video. A link to a product whose approval has not reached content yet is refused
 * with NOT_FOUND (CONTENT.UNKNOWN_PRODUCT), which the contract says to retry: this retries it
 * (each attempt under its own request_id) until content knows the products.
 */
export const publishVideo = async (platform: PlatformUnderTest, request: Omit<AssessVideoRequest, 'requestId'>): Promise<AssessVideoResponse> => {
  let attempt = 0;
  const { value } = await settle(`content accepts video ${request.contentId}`, async () => {
    attempt += 1;
    try {
      return await platform.clients.content.assessVideo({ ...request, requestId: `e2e-video-${request.contentId}-${attempt}` });
    } catch (error) {
      if (readErrorDetails(error)?.reason === 'CONTENT.UNKNOWN_PRODUCT') return undefined;
      throw error;
    }
  });
  return value;
};

// --- orders -------------------------------------------------------------------------------------

export interface OrderSpec {
  orderId: string;
  buyerId: string;
  product: ListedProduct;
  paidAt: Date;
  amountFen?: bigint;
  contentId?: string;
  creatorId?: string;
}

/** Records a paid in-stock order (its 48 h dispatch clock starts at paid_at). */
export const recordOrder = async (platform: PlatformUnderTest, spec: OrderSpec) => {
  const { order } = await platform.clients.consumerExperience.recordOrder({
    requestId: `e2e-order-${spec.orderId}`,
    orderId: spec.orderId,
    buyerId: spec.buyerId,
    merchantId: spec.product.merchantId,
    productId: spec.product.productId,
    skuId: spec.product.skuId,
    categoryCode: spec.product.categoryCode,
    attributedContentId: spec.contentId ?? '',
    attributedCreatorId: spec.creatorId ?? '',
    amountFen: spec.amountFen ?? spec.product.priceFen,
    paidAt: spec.paidAt,
    fulfilment: FulfilmentType.FULFILMENT_TYPE_IN_STOCK,
  });
  if (!order) throw new Error(`order ${spec.orderId} not recorded`);
  return order;
};

/**
 * Ships an order with a real parcel: dispatch, the carrier's pickup scan (so no fake-shipment
 * finding) and, when `deliveredAt` is given, the delivery scan.
 */
export const shipOrder = async (platform: PlatformUnderTest, orderId: string, at: { shippedAt: Date; pickedUpAt: Date; deliveredAt?: Date }): Promise<void> => {
  const trackingNumber = `SF${orderId.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
  const cx = platform.clients.consumerExperience;
  await cx.recordShipment({ requestId: `e2e-ship-${orderId}`, orderId, trackingNumber, carrierCode: 'SF', shippedAt: at.shippedAt });
  const scans = [
    { step: 'pickup', scanType: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, scannedAt: at.pickedUpAt, location: '福州转运中心' },
    ...(at.deliveredAt ? [{ step: 'deliver', scanType: TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED, scannedAt: at.deliveredAt, location: '福州市鼓楼区' }] : []),
  ];
  for (const { step, ...scan } of scans) {
    await cx.recordTrackingScan({ requestId: `e2e-${step}-${orderId}`, trackingNumber, carrierCode: 'SF', ...scan });
  }
};

/** The last error lines (pino level >= 50) each service logged: what a step that did not settle may be waiting on. */
export const serviceErrors = (platform: PlatformUnderTest, perService = 5): string =>
  SERVICE_NAMES.map((service) => {
    const errors = platform
      .logs(service)
      .split('\n')
      .filter((line) => /"level":(5|6)0/.test(line))
      .slice(-perService);
    return errors.length > 0 ? `${service} logged:\n  ${errors.join('\n  ')}` : '';
  })
    .filter(Boolean)
    .join('\n');

// --- timing -------------------------------------------------------------------------------------

/**
 * The settle times of one cascade: each step is polled until it holds (or its bound passes) and
 * logged with how long it was waited for and how long after the trigger it held; `total` logs
 * when the last step held.
 */
export class CascadeClock {
  private triggeredAt = Date.now();
  private readonly steps: { what: string; sinceTriggerMs: number }[] = [];

  /** `diagnose` adds what may explain a step that did not settle (e.g. the services' error logs). */
  constructor(
    private readonly name: string,
    private readonly diagnose: () => string = () => '',
  ) {}

  /** Marks the trigger (now, or when it happened). */
  trigger(at: Date = new Date()): void {
    this.triggeredAt = at.getTime();
  }

  async step<T>(what: string, check: () => Promise<T | undefined>, boundMs = 30_000): Promise<T> {
    const { value, ms } = await settle(`${this.name}: ${what}`, check, boundMs).catch((error: unknown) => {
      const hints = this.diagnose();
      throw hints ? new Error(`${error instanceof Error ? error.message : String(error)}\n${hints}`, { cause: error }) : error;
    });
    const sinceTriggerMs = Date.now() - this.triggeredAt;
    this.steps.push({ what, sinceTriggerMs });
    console.log(`[${this.name}] ${what}: held after ${ms} ms of waiting (bound ${boundMs} ms), ${sinceTriggerMs} ms after the trigger`);
    return value;
  }

  total(): number {
    const total = Math.max(0, ...this.steps.map((s) => s.sinceTriggerMs));
    console.log(`[${this.name}] total: the cascade settled ${total} ms after its trigger (${this.steps.map((s) => `${s.what} +${s.sinceTriggerMs} ms`).join('; ')})`);
    return total;
  }
}
