import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { commonDescriptorSet } from '@govern/contracts-common';
import {
  BanCause,
  BanProductRequest,
  type DefectClass,
  EvaluateListingRequest,
  GetLotSamplingPlanRequest,
  Listing,
  ListingAction,
  productQualityDescriptorSet,
} from '@govern/contracts-product-quality';
import { describe, expect, it } from 'vitest';
import { mergeDescriptorSets } from '../descriptor-set';
import { createEdgeGuard, RejectedRequest, REQUEST_INVALID, REQUEST_MALFORMED } from './edge-guard';
import { DEFAULT_EDGE_GUARD_SETTINGS, type EdgeGuardSettings } from './settings';

const SERVICE = '/govern.product_quality.v1.ProductQualityService';
const descriptors = mergeDescriptorSets([commonDescriptorSet, productQualityDescriptorSet]).bytes;

const guardFor = (method: string, decode: (bytes: Uint8Array) => unknown, settings: Partial<EdgeGuardSettings> = {}) =>
  createEdgeGuard(descriptors, { ...DEFAULT_EDGE_GUARD_SETTINGS, ...settings }).deserializer(`${SERVICE}/${method}`, decode);

const evaluate = (settings: Partial<EdgeGuardSettings> = {}) => guardFor('EvaluateListing', (b) => EvaluateListingRequest.decode(b), settings);

const listing = {
  listingId: 'l-1',
  productId: 'p-1',
  skuId: 's-1',
  merchantId: 'm-1',
  categoryCode: 'home.kitchen',
  title: '不锈钢保温杯 500ml',
  description: 'A cup 🙂 للشرب',
  brand: 'Acme',
  manufacturer: 'Acme Co.',
  productionDate: new Date('2026-10-01T00:00:00Z'),
  batchNumber: 'B1',
  certificateCode: '',
  imageHashes: ['h0', 'h1', 'h2', 'h3'],
  declaredQualifications: [],
  priceFen: 1999n,
};
const request = (overrides: Partial<typeof listing> = {}, action = ListingAction.LISTING_ACTION_PUBLISH) =>
  EvaluateListingRequest.encode({ requestId: 'r-1', listing: { ...listing, ...overrides }, action }).finish();

/** A field of raw bytes appended to a message (what a hostile client can send that ts-proto would never encode). */
const withField = (message: Uint8Array, write: (w: BinaryWriter) => void): Uint8Array => {
  const w = new BinaryWriter();
  w.raw(message);
  write(w);
  return w.finish();
};

/** EvaluateListingRequest whose listing carries `write`'s fields after the valid ones (for singular fields the last one wins). */
const listingWith = (write: (w: BinaryWriter) => void): Uint8Array => {
  const outer = new BinaryWriter();
  outer.tag(1, WireType.LengthDelimited).string('r-1');
  outer.tag(2, WireType.LengthDelimited).bytes(withField(Listing.encode(listing).finish(), write));
  return outer.finish();
};

const violationsOf = (result: unknown) => {
  expect(result).toBeInstanceOf(RejectedRequest);
  return (result as RejectedRequest).violations.map(({ field, reason }) => ({ field, reason }));
};

describe('edge guard', () => {
  it('lets a well-formed request through, decoded exactly as ts-proto decodes it', () => {
    const bytes = request();
    expect(evaluate()(bytes)).toEqual(EvaluateListingRequest.decode(bytes));
  });

  it('refuses NUL in a nested string and in the fourth element of a repeated field, with snake_case paths and indexes', () => {
    const result = evaluate()(request({ title: 'cup\u0000', imageHashes: ['a', 'b', 'c', 'd\u0000'] }));
    expect(violationsOf(result)).toEqual([
      { field: 'listing.title', reason: 'CONTAINS_NUL' },
      { field: 'listing.image_hashes[3]', reason: 'CONTAINS_NUL' },
    ]);
    expect((result as RejectedRequest).code).toBe(REQUEST_INVALID);
  });

  it('refuses bytes that are not UTF-8 in a string field', () => {
    const bytes = withField(request(), (w) => w.tag(1, WireType.LengthDelimited).bytes(new Uint8Array([0x72, 0xc3, 0x28, 0xff])));
    expect(violationsOf(evaluate()(bytes))).toEqual([{ field: 'request_id', reason: 'MALFORMED_UTF8' }]);
  });

  it('counts string length in code points: emoji are one character each', () => {
    const guard = evaluate({ maxStringChars: 5 });
    expect(guard(request({ title: '🙂🙂🙂🙂🙂', description: '', manufacturer: '', categoryCode: '', brand: '' }))).not.toBeInstanceOf(RejectedRequest);
    expect(violationsOf(guard(request({ title: '🙂🙂🙂🙂🙂🙂', description: '', manufacturer: '', categoryCode: '', brand: '' })))).toEqual([
      { field: 'listing.title', reason: 'TOO_LONG' },
    ]);
  });

  it('refuses a repeated field past its bound once, and per-field overrides take precedence', () => {
    const hashes = Array.from({ length: 100_000 }, (_, i) => `h${i}`);
    expect(violationsOf(evaluate()(request({ imageHashes: hashes })))).toEqual([{ field: 'listing.image_hashes', reason: 'TOO_MANY_ITEMS' }]);
    const strict = evaluate({ fields: { 'govern.product_quality.v1.Listing.image_hashes': { maxItems: 3 } } });
    expect(violationsOf(strict(request()))).toEqual([{ field: 'listing.image_hashes', reason: 'TOO_MANY_ITEMS' }]);
  });

  it.each([
    ['nanos = -1', 1_790_000_000n, -1],
    ['nanos = 10^9', 1_790_000_000n, 1_000_000_000],
    ['int64-max seconds', 9_223_372_036_854_775_807n, 0],
    ['before year 1', -62_135_596_801n, 0],
    ['after year 9999', 253_402_300_800n, 0],
    ['the last nanosecond of 9999 (a JavaScript Date rounds it to year 10000)', 253_402_300_799n, 999_999_999],
  ])('refuses a Timestamp with %s as INVALID_TIMESTAMP (not "is required")', (_name, seconds, nanos) => {
    const bytes = listingWith((w) => w.tag(10, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int64(seconds).tag(2, WireType.Varint).int32(nanos).join());
    const result = evaluate()(bytes);
    expect(violationsOf(result)).toEqual([{ field: 'listing.production_date', reason: 'INVALID_TIMESTAMP' }]);
  });

  it('accepts the edges of the Timestamp range', () => {
    for (const [seconds, nanos] of [
      [-62_135_596_800n, 0],
      [-62_135_596_800n, 999_999_999],
      [253_402_300_799n, 999_000_000],
    ] as const) {
      const bytes = listingWith((w) => w.tag(10, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int64(seconds).tag(2, WireType.Varint).int32(nanos).join());
      const decoded = evaluate()(bytes);
      expect(decoded).not.toBeInstanceOf(RejectedRequest);
      expect((decoded as EvaluateListingRequest).listing?.productionDate?.getUTCFullYear()).toBeGreaterThanOrEqual(1);
      expect((decoded as EvaluateListingRequest).listing?.productionDate?.getUTCFullYear()).toBeLessThanOrEqual(9999);
    }
  });

  it('leaves unknown enum numbers to the handler by default (it lists them with every other violation)', () => {
    expect(evaluate()(request({}, 99 as ListingAction))).toMatchObject({ action: 99 });
  });

  it('refuses enum numbers the contract does not define when asked to, top-level and nested in repeated messages', () => {
    expect(violationsOf(evaluate({ rejectUnknownEnumValues: true })(request({}, 99 as ListingAction)))).toEqual([{ field: 'action', reason: 'UNKNOWN_ENUM_VALUE' }]);
    const plan = guardFor('GetLotSamplingPlan', (b) => GetLotSamplingPlanRequest.decode(b), { rejectUnknownEnumValues: true });
    const bytes = GetLotSamplingPlanRequest.encode({ merchantId: 'm', skuId: 's', lotSize: 10n, level: 1, aqlOverrides: [{ defectClass: 1, aqlPercent: 1 }, { defectClass: 42 as DefectClass, aqlPercent: Number.NaN }] }).finish();
    expect(violationsOf(plan(bytes))).toEqual([
      { field: 'aql_overrides[1].defect_class', reason: 'UNKNOWN_ENUM_VALUE' },
      { field: 'aql_overrides[1].aql_percent', reason: 'OUT_OF_RANGE' },
    ]);
  });

  it('names a map entry by its (quoted, bounded) key', () => {
    const ban = guardFor('BanProduct', (b) => BanProductRequest.decode(b));
    const bytes = BanProductRequest.encode({
      requestId: 'r',
      productId: 'p',
      cause: BanCause.BAN_CAUSE_MANUAL,
      actorId: 'a',
      message: 'm',
      evidence: { lab: 'ok', ['k'.repeat(500)]: 'v\u0000' },
      includeSameSku: false,
    }).finish();
    const [violation] = violationsOf(ban(bytes));
    expect(violation?.reason).toBe('CONTAINS_NUL');
    expect(violation?.field.startsWith('evidence["kkkk')).toBe(true);
    expect(violation?.field.length).toBeLessThan(100);
  });

  it('skips unknown fields and known fields sent with another wire type, as ts-proto does', () => {
    const bytes = withField(request(), (w) => {
      w.tag(99, WireType.LengthDelimited).string('anything\u0000');
      w.tag(3, WireType.LengthDelimited).string('not an enum');
    });
    expect(evaluate()(bytes)).toEqual(EvaluateListingRequest.decode(bytes));
  });

  it('answers bytes that are not the message as MALFORMED_MESSAGE instead of throwing', () => {
    for (const bytes of [request().subarray(0, 20), new Uint8Array([0xff, 0xff, 0xff]), new Uint8Array([0x0f]), new Uint8Array([0x0b, 0x0b, 0x0b])]) {
      const result = evaluate()(bytes);
      expect(violationsOf(result)).toEqual([{ field: '', reason: 'MALFORMED_MESSAGE' }]);
      expect((result as RejectedRequest).code).toBe(REQUEST_MALFORMED);
    }
  });

  it('stops after maxViolations, so a hostile request costs a bounded answer', () => {
    const hashes = Array.from({ length: 1_000 }, () => 'x\u0000');
    expect(violationsOf(evaluate({ maxViolations: 20 })(request({ imageHashes: hashes })))).toHaveLength(20);
  });

  it('protects methods the descriptors do not describe from undecodable bytes only', () => {
    const guard = createEdgeGuard(descriptors).deserializer('/govern.test.v1.Nothing/Here', () => {
      throw new Error('index out of range');
    });
    expect(violationsOf(guard(new Uint8Array([1, 2, 3])))).toEqual([{ field: '', reason: 'MALFORMED_MESSAGE' }]);
  });
});
