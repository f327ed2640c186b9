import { describe, expect, it } from 'vitest';
import { isValidCreditCode } from '@govern/platform-testing';
import { generateScenario, SCALES, SIMULATION_POLICY, type MerchantPlan, type Scenario } from './scenario';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const demo = generateScenario({ seed: 1, orders: SCALES.demo });

const identifiersOf = (m: MerchantPlan): string[] => [
  `licence:${m.application.businessLicenceCode}`,
  `rep:${m.application.legalRepresentative.idNumber}`,
  `phone:${m.application.contactPhone}`,
  `bank:${m.application.bankAccount.accountNumber}`,
  ...m.application.deviceIds.map((d) => `device:${d}`),
  `address:${m.application.address.regionCode}${m.application.address.line}`,
];

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
};

describe('generateScenario', () => {
  it('gives the same plan, value for value, for the same seed', () => {
    expect(generateScenario({ seed: 1, orders: SCALES.demo })).toEqual(demo);
  });

  it('plans new buyers’ stuck first orders and buyers’ contacts with merchants (issue 19)', () => {
    const firsts = demo.orders.filter((o) => o.buyerHistory?.priorOrders === 0);
    const stuck = firsts.filter((o) => o.kind === 'never-shipped');
    const nudged = firsts.filter((o) => o.kind === 'awaiting-dispatch');
    expect(stuck.length).toBeGreaterThanOrEqual(3);
    expect(nudged.length).toBeGreaterThanOrEqual(3);
    // Each the only order of its buyer, with nothing planned on it that could race the care timers.
    expect(new Set(firsts.map((o) => o.buyerId)).size).toBe(firsts.length);
    expect(demo.orders.filter((o) => firsts.some((f) => f.buyerId === o.buyerId))).toHaveLength(firsts.length);
    expect(firsts.every((o) => !o.shipment && !o.afterSale && !o.review)).toBe(true);
    // Nudged (36 h) but not stepped in (72 h), with the dispatch promise (48 h) hours away.
    expect(nudged.every((o) => o.paidAgoMs >= 38 * HOUR && o.paidAgoMs <= 40 * HOUR)).toBe(true);
    expect(demo.orders.filter((o) => o.buyerHistory?.priorOrders !== 0).every((o) => (o.buyerHistory?.priorOrders ?? 0) > 3)).toBe(true);
    // Contacts: answered in time or well clear of the bound, many rated; every new buyer asks about its order.
    expect(demo.contacts.filter((c) => c.rating).length).toBeGreaterThan(10);
    expect(firsts.every((o) => demo.contacts.some((c) => c.orderKey === o.key && c.buyerId === o.buyerId))).toBe(true);
    for (const c of demo.contacts.filter((x) => x.reply)) {
      const after = c.reply?.afterMs ?? 0;
      if (c.channel === 'CHAT') expect(after).toBeLessThan(3 * 60_000);
      else expect(Math.abs(after - 24 * HOUR)).toBeGreaterThan(HOUR);
      expect(after).toBeLessThan(c.contactAgoMs);
    }
  });

  it('gives a different marketplace for another seed, under ids of that seed', () => {
    const other = generateScenario({ seed: 2, orders: SCALES.demo });
    expect(other.orders[0]?.orderId).toBe('sim2-ord-000001');
    expect(other.merchants.map((m) => m.application.businessLicenceCode)).not.toEqual(demo.merchants.map((m) => m.application.businessLicenceCode));
    expect(other.orders.map((o) => o.amountFen)).not.toEqual(demo.orders.map((o) => o.amountFen));
  });

  it('plans the number of orders of the scale and sizes the rest of the marketplace from it', () => {
    const small = generateScenario({ seed: 1, orders: SCALES.small });
    expect(demo.orders).toHaveLength(300);
    expect(small.orders).toHaveLength(1_500);
    expect(SCALES.large).toBeGreaterThanOrEqual(10_000);
    for (const key of ['merchants', 'products', 'creators', 'videos', 'buyers', 'complaints'] as const) {
      expect(small[key].length, key).toBeGreaterThan(demo[key].length);
    }
    expect(generateScenario({ seed: 1, orders: 40 }).orders).toHaveLength(40);
  });

  it('derives every id from the seed, or from the id prefix when one is given, with identities of its own', () => {
    const prefixed = generateScenario({ seed: 1, orders: SCALES.demo, idPrefix: 'rerun' });
    expect(prefixed.prefix).toBe('rerun');
    expect(prefixed.products.every((p) => p.productId.startsWith('rerun-'))).toBe(true);
    expect(prefixed.orders.every((o) => o.orderId.startsWith('rerun-') && o.buyerId.startsWith('rerun-'))).toBe(true);
    // Run again on the same platform, it must not look like a ring, a re-post or a re-upload of the first run.
    const first = new Set([...demo.merchants, ...demo.reentries].flatMap(identifiersOf));
    expect([...prefixed.merchants, ...prefixed.reentries].flatMap(identifiersOf).filter((id) => first.has(id))).toEqual([]);
    const fingerprints = new Set(demo.videos.map((v) => v.mediaFingerprint));
    expect(prefixed.videos.filter((v) => fingerprints.has(v.mediaFingerprint))).toEqual([]);
    const images = new Set(demo.products.flatMap((p) => p.imageHashes));
    expect(prefixed.products.flatMap((p) => p.imageHashes).filter((h) => images.has(h))).toEqual([]);
    // Same shape of marketplace, and reproducible under its prefix.
    expect(prefixed.orders).toHaveLength(demo.orders.length);
    expect(generateScenario({ seed: 1, orders: SCALES.demo, idPrefix: 'rerun' })).toEqual(prefixed);
  });

  it('refuses options it cannot plan with', () => {
    expect(() => generateScenario({ seed: -1, orders: 10 })).toThrow(/seed/);
    expect(() => generateScenario({ seed: 1.5, orders: 10 })).toThrow(/seed/);
    expect(() => generateScenario({ seed: 1, orders: 0 })).toThrow(/orders/);
  });
});

describe('applicants', () => {
  const all = [...demo.merchants, ...demo.reentries];

  it('carry valid credit codes (GB 32100-2015 check digits), mobiles, cards and 18-character ID numbers', () => {
    for (const m of all) {
      expect(isValidCreditCode(m.application.businessLicenceCode), m.application.businessLicenceCode).toBe(true);
      expect(m.application.contactPhone).toMatch(/^1[3-9]\d{9}$/);
      expect(m.application.bankAccount.accountNumber).toMatch(/^\d{19}$/);
      expect(m.application.legalRepresentative.idNumber).toMatch(/^\d{17}[\dX]$/);
    }
  });

  it('share no identifier, even in a large run', () => {
    const large = generateScenario({ seed: 9, orders: SCALES.large });
    const seen = new Set<string>();
    for (const id of large.merchants.flatMap(identifiersOf)) {
      expect(seen.has(id), id).toBe(false);
      seen.add(id);
    }
  });

  it('share no identifier, except a ring re-entry reusing exactly one of a merchant the run removes', () => {
    const holders = new Map<string, string[]>();
    for (const m of all) for (const id of identifiersOf(m)) holders.set(id, [...(holders.get(id) ?? []), m.key]);
    const shared = [...holders.entries()].filter(([, keys]) => keys.length > 1);
    const removed = new Set(demo.violations.filter((v) => v.type === 'COUNTERFEIT').map((v) => v.merchantKey));
    expect(demo.reentries.length).toBeGreaterThan(0);
    expect(shared).toHaveLength(demo.reentries.length);
    for (const ring of demo.reentries) {
      const links = shared.filter(([, keys]) => keys.includes(ring.key));
      expect(links, ring.key).toHaveLength(1);
      expect(links[0]?.[1]).toEqual([ring.ringOf?.merchantKey, ring.key]);
      expect(removed.has(ring.ringOf?.merchantKey as string)).toBe(true);
    }
    expect(new Set(demo.reentries.map((r) => r.ringOf?.identifier))).toEqual(new Set(['bank account', 'phone', 'device']));
  });
});

describe('what every report figure needs', () => {
  const count = <T>(items: readonly T[], test: (item: T) => boolean): number => items.filter(test).length;

  it('plans violating listings, videos, livestreams and applications of every kind', () => {
    for (const flaw of ['three-no', 'claim', 'qualification'] as const) expect(count(demo.products, (p) => p.flaw === flaw), flaw).toBeGreaterThan(0);
    expect(demo.products.find((p) => p.flaw === 'claim')?.title).toMatch(/全网第一|100%有效|best|国家级/);
    for (const flaw of ['claim', 'repost'] as const) expect(count(demo.videos, (v) => v.flaw === flaw), flaw).toBeGreaterThan(0);
    expect(count(demo.videos, (v) => v.engagement !== undefined)).toBeGreaterThan(0);
    for (const script of ['clean', 'warn', 'escalate', 'critical'] as const) expect(count(demo.livestreams, (l) => l.script === script), script).toBeGreaterThan(0);
    for (const profile of ['clean', 'restricted', 'review', 'high-risk'] as const) expect(count(demo.merchants, (m) => m.profile === profile), profile).toBeGreaterThan(0);
    expect(count(demo.products, (p) => p.lateCritical)).toBeGreaterThan(0);
    expect(count(demo.violations, (v) => v.type === 'COUNTERFEIT')).toBeGreaterThan(0);
  });

  it('plans every kind of order, refunds before and after dispatch and complaints about every target', () => {
    for (const [kind] of SIMULATION_POLICY.orders.kinds) expect(count(demo.orders, (o) => o.kind === kind), kind).toBeGreaterThan(0);
    expect(count(demo.orders, (o) => o.afterSale?.reason === 'NOT_WANTED_BEFORE_DISPATCH')).toBeGreaterThan(0);
    expect(count(demo.orders, (o) => o.afterSale?.type === 'RETURN_AND_REFUND')).toBeGreaterThan(0);
    for (const target of ['CONTENT', 'PRODUCT', 'MERCHANT', 'SERVICE'] as const) expect(count(demo.complaints, (c) => c.target === target), target).toBeGreaterThan(0);
    // A tiny run still has every kind of order.
    const tiny = generateScenario({ seed: 3, orders: SIMULATION_POLICY.orders.kinds.length });
    expect(new Set(tiny.orders.map((o) => o.kind)).size).toBe(SIMULATION_POLICY.orders.kinds.length);
  });
});

describe('plans whose outcome does not hang on timing', () => {
  const scenarios: Scenario[] = [demo, generateScenario({ seed: 7, orders: 2_000 })];

  it('keeps buyers under the refund-abuse threshold, stores under 30 orders and videos under 20 attributed orders', () => {
    const det = SIMULATION_POLICY.determinism;
    for (const s of scenarios) {
      const merchantOf = new Map(s.products.map((p) => [p.key, p.merchantKey]));
      for (const [, orders] of groupBy(s.orders.filter((o) => o.afterSale), (o) => o.buyerId)) expect(orders.length).toBeLessThanOrEqual(det.maxAfterSalesPerBuyer);
      for (const [, orders] of groupBy(s.orders, (o) => merchantOf.get(o.productKey) as string)) expect(orders.length).toBeLessThanOrEqual(det.maxOrdersPerMerchant);
      for (const [, orders] of groupBy(s.orders.filter((o) => o.contentKey), (o) => o.contentKey as string)) expect(orders.length).toBeLessThanOrEqual(det.maxOrdersPerContent);
    }
  });

  it('lists a merchant’s flawed attempt last and posts a creator’s claims after the clean videos', () => {
    for (const s of scenarios) {
      for (const [, products] of groupBy(s.products, (p) => p.merchantKey)) {
        const firstFlawed = products.findIndex((p) => p.flaw !== 'none');
        if (firstFlawed >= 0) expect(products.slice(firstFlawed).every((p) => p.flaw !== 'none')).toBe(true);
      }
      for (const [, videos] of groupBy(s.videos.filter((v) => v.flaw !== 'repost'), (v) => v.creatorKey)) {
        const firstClaim = videos.findIndex((v) => v.flaw === 'claim');
        if (firstClaim >= 0) expect(videos.slice(firstClaim).every((v) => v.flaw === 'claim')).toBe(true);
      }
    }
  });

  it('asks for no refund between a trust tier’s cap and twice it (the merchant’s standing would decide)', () => {
    for (const s of scenarios) {
      for (const o of s.orders) {
        if (o.afterSale?.type !== 'RETURN_AND_REFUND') continue;
        const asked = o.afterSale.amountFen;
        const cap = SIMULATION_POLICY.determinism.trustTiers.find((t) => o.buyerTrustScore >= t.atLeast)?.capFen;
        if (cap !== undefined) expect(asked <= cap || asked > 2n * cap, o.key).toBe(true);
        expect(asked).toBeLessThanOrEqual(o.amountFen);
      }
    }
  });

  it('sends only past timestamps, and no clock of the platform runs out between two calls of one order', () => {
    const [earliest, latest] = SIMULATION_POLICY.orders.dueInMs;
    for (const s of scenarios) {
      for (const o of s.orders) {
        expect(o.paidAgoMs, o.key).toBeGreaterThan(0);
        if (o.shipment) {
          expect(o.shipment.shippedAgoMs).toBeLessThan(o.paidAgoMs);
          for (const scan of o.shipment.scans) {
            expect(scan.agoMs).toBeGreaterThan(0);
            expect(scan.agoMs).toBeLessThan(o.shipment.shippedAgoMs);
          }
          // A scanned parcel's 24 h first-scan deadline is still ahead when it is scanned.
          if (o.shipment.scans.length > 0) expect(o.shipment.shippedAgoMs).toBeLessThan(23 * HOUR);
          // The unscanned one's deadline is behind: a fake shipment whatever happens first.
          else expect(o.shipment.shippedAgoMs).toBeGreaterThan(24 * HOUR);
        }
        const dueAgo = o.paidAgoMs - 48 * HOUR;
        if (o.kind === 'delivered' || o.kind === 'in-transit' || o.kind === 'fake-shipment') {
          // Shipped on time, recorded with the deadline a few seconds ahead: it passes during the run.
          expect(-dueAgo).toBeGreaterThanOrEqual(earliest);
          expect(-dueAgo).toBeLessThanOrEqual(latest);
        }
        if (o.kind === 'awaiting-dispatch') expect(dueAgo).toBeLessThan(-HOUR);
        if (o.kind === 'late-shipped') expect(o.paidAgoMs - (o.shipment?.shippedAgoMs ?? 0)).toBeGreaterThan(48 * HOUR);
        // Pre-sale: the promised dispatch is still ahead, at most 15 days after payment.
        if (o.kind === 'pre-sale') expect((o.promisedAfterPaidMs ?? 0) - o.paidAgoMs).toBeGreaterThan(0);
        if (o.kind === 'pre-sale') expect(o.promisedAfterPaidMs).toBeLessThanOrEqual(15 * DAY);
        if (o.kind === 'pre-sale-too-long') expect(o.promisedAfterPaidMs).toBeGreaterThan(15 * DAY);
        // Refunds before dispatch only where the dispatch deadline is still ahead.
        if (o.afterSale?.reason === 'NOT_WANTED_BEFORE_DISPATCH') expect(['awaiting-dispatch', 'pre-sale']).toContain(o.kind);
      }
    }
  });

  it('removes and sanctions merchants other than those whose goods fail the late lab test', () => {
    for (const s of scenarios) {
      const governed = new Set(s.violations.map((v) => v.merchantKey));
      for (const p of s.products.filter((x) => x.lateCritical)) {
        expect(governed.has(p.merchantKey)).toBe(false);
        expect(p.flaw).toBe('none');
        expect(s.orders.some((o) => o.productKey === p.key)).toBe(true);
      }
    }
  });
});
