import { createHash } from 'node:crypto';
import { FulfilmentType, type RecordOrderRequest } from '@govern/contracts-consumer-experience';
import type { AssessVideoRequest } from '@govern/contracts-content';
import type { ApplicationInput } from '@govern/contracts-merchant-access';
import { ListingAction, type EvaluateListingRequest } from '@govern/contracts-product-quality';
import { syntheticApplication } from '@govern/platform-testing';

/**
 * Well-formed requests for the paths under load: each derived from an index, so a run's ids never
 * collide and every call is a real decision (the identity numbers carry their check characters,
 * listings pass the gate, orders are paid and in stock). The identity arithmetic is the same as
 * tools/e2e's marketplace (a tool cannot import an application's code).
 */

/**
 * A clean application (no risk signal; every identifier its own), approved with no listing quota.
 * `restricted` applies also for two categories whose qualifications it lacks: the risk score lands
 * in the "approve with restrictions" band, whose terms carry a listing quota.
 */
export const applicationInput = (seed: number, options: { restricted?: boolean } = {}): ApplicationInput => ({
  ...syntheticApplication(seed, 'bench-'),
  categoryCodes: options.restricted ? ['general', 'books', 'cosmetics'] : ['general'],
});

// --- listings, videos, orders -------------------------------------------------------------------

const TITLES = ['304不锈钢保温杯 500ml', 'Vacuum insulated flask 750 ml', '大容量食品级保鲜盒 三件套', 'Bamboo cutting board with juice groove', '家用电热水壶 1.7L'];

/** A complete listing (three-no fields present, no claim) that the gate approves. */
export const listingRequest = (key: string, merchantId: string, i: number): EvaluateListingRequest => ({
  requestId: `bench-list-${key}`,
  action: ListingAction.LISTING_ACTION_PUBLISH,
  listing: {
    listingId: `bl-${key}`,
    productId: `bp-${key}`,
    skuId: `bs-${key}`,
    merchantId,
    categoryCode: 'general',
    title: `${TITLES[i % TITLES.length]} ${key}`,
    description:
      '产品采用304食品级不锈钢内胆，双层真空结构，保温长达12小时。包装清单：杯身一个、杯盖一个、说明书一份、合格证一张。' +
      'Ships within 48 hours of payment with the certificate of conformity and the batch record.',
    brand: '',
    manufacturer: `Fujian ${key} Manufacturing Co., Ltd.`,
    productionDate: new Date(Date.now() - 30 * 86_400_000),
    batchNumber: `B-${key}`,
    certificateCode: 'GB 4806.9-2016',
    // Distinct per product: equal image hashes would make later listings look like re-uploads of banned ones.
    imageHashes: [createHash('sha256').update(key).digest('hex').slice(0, 16)],
    declaredQualifications: [],
    priceFen: BigInt(2_900 + (i % 100) * 100),
  },
});

export interface ProductRef {
  productId: string;
  skuId: string;
  merchantId: string;
  priceFen: bigint;
}

export const productOf = (request: EvaluateListingRequest): ProductRef => ({
  productId: request.listing?.productId ?? '',
  skuId: request.listing?.skuId ?? '',
  merchantId: request.listing?.merchantId ?? '',
  priceFen: request.listing?.priceFen ?? 0n,
});

/** A paid, in-stock order (its 48 h dispatch clock starts now). */
export const orderRequest = (orderId: string, buyerId: string, product: ProductRef): RecordOrderRequest => ({
  requestId: `bench-order-${orderId}`,
  orderId,
  buyerId,
  merchantId: product.merchantId,
  productId: product.productId,
  skuId: product.skuId,
  categoryCode: 'general',
  attributedContentId: '',
  attributedCreatorId: '',
  amountFen: product.priceFen,
  paidAt: new Date(Date.now() - 60_000),
  fulfilment: FulfilmentType.FULFILMENT_TYPE_IN_STOCK,
  promisedDispatchAt: undefined,
  returnExemptions: [],
});

const CAPTIONS = 'Unboxing and a week of daily use: how it holds up on the commute, in the office and on weekend trips.';
const TRANSCRIPT =
  'Hello everyone. Today I am showing the item I bought last month and have used every day since. ' +
  'It arrived well packed, with the certificate and the batch number printed on the box. ' +
  'I will show you the details, the material and how it feels after a few weeks, then I will answer your questions.';

/** A clean product video linking one product (content must already know it). */
export const videoRequest = (key: string, creatorId: string, product: ProductRef): AssessVideoRequest => ({
  requestId: `bench-video-${key}`,
  contentId: `bv-${key}`,
  creatorId,
  title: `One month with it: ${key}`,
  captions: CAPTIONS,
  transcript: TRANSCRIPT,
  linkedProducts: [{ productId: product.productId, merchantId: product.merchantId }],
  mediaFingerprint: `fp-bench-${key}`,
  engagement: undefined,
});
