import { createHash } from 'node:crypto';
import { FulfilmentType, type RecordOrderRequest } from '@govern/contracts-consumer-experience';
import type { AssessVideoRequest } from '@govern/contracts-content';
import type { ApplicationInput } from '@govern/contracts-merchant-access';
import { ListingAction, type EvaluateListingRequest } from '@govern/contracts-product-quality';

/**
 * Well-formed requests for the paths under load: each derived from an index, so a run's ids never
 * collide and every call is a real decision (the identity numbers carry their check characters,
 * listings pass the gate, orders are paid and in stock). The identity arithmetic is the same as
 * tools/e2e's marketplace (a tool cannot import an application's code).
 */

// --- identity numbers --------------------------------------------------------------------------

/** GB 32100-2015 charset: 0-9 and upper-case letters without I, O, S, V, Z. */
const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});
const ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

const organisationCheckChar = (body8: string): string => {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body8.charCodeAt(i);
    sum += (ch <= 57 ? ch - 48 : ch - 55) * (ORGANISATION_WEIGHTS[i] as number);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
};

const creditCode = (seed: number): string => {
  const body = String(10_000_000 + seed).slice(-8);
  const first17 = `91350100${body}${organisationCheckChar(body)}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i] as string) * (CREDIT_CODE_WEIGHTS[i] as number);
  return `${first17}${CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]}`;
};

/** A resident ID number (GB 11643): a real birth date and sequence derived from the seed, with its check character. */
const residentId = (seed: number): string => {
  const birth = new Date(Date.UTC(1970, 0, 1) + (seed % 10_000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `350102${birth}${String(Math.floor(seed / 10_000) % 1_000).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (ID_WEIGHTS[i] as number), 0);
  return first17 + '10X98765432'[sum % 11];
};

const bankCard = (seed: number): string => {
  const body = `622202${String(1_000_000_000_000 + seed).slice(-12)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
};

/**
 * A clean application (no risk signal; every identifier its own), approved with no listing quota.
 * `restricted` applies also for two categories whose qualifications it lacks: the risk score lands
 * in the "approve with restrictions" band, whose terms carry a listing quota.
 */
export const applicationInput = (seed: number, options: { restricted?: boolean } = {}): ApplicationInput => {
  const company = `福州基准商贸有限公司${seed}`;
  return {
    companyName: company,
    businessLicenceCode: creditCode(seed),
    legalRepresentative: { name: `林晓${seed}`, idNumber: residentId(seed) },
    contactPhone: `139${String(10_000_000 + seed).slice(-8)}`,
    bankAccount: { accountNumber: bankCard(seed), bankName: '中国工商银行', accountHolder: company },
    deviceIds: [`bench-device-${seed}`],
    address: { regionCode: '350102', province: '福建省', city: '福州市', district: '鼓楼区', line: `五四路 ${seed} 号` },
    categoryCodes: options.restricted ? ['general', 'books', 'cosmetics'] : ['general'],
    qualifications: [],
    registeredCapitalFen: 10_000_000n,
  };
};

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
