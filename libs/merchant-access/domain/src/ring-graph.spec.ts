import { describe, expect, it } from 'vitest';
import { RingGraph, type GraphIdentifier } from './ring-graph';

const bank = (key: string): GraphIdentifier => ({ kind: 'BANK_ACCOUNT', key });
const phone = (key: string): GraphIdentifier => ({ kind: 'PHONE', key });
const device = (key: string): GraphIdentifier => ({ kind: 'DEVICE', key });
const address = (key: string): GraphIdentifier => ({ kind: 'ADDRESS', key });

describe('RingGraph', () => {
  it('finds a removed merchant that shares the applicant bank account, with the path', () => {
    const g = new RingGraph();
    g.addMerchant('m_removed', [bank('B1'), phone('P1')]);
    g.addMerchant('m_other', [bank('B2'), phone('P2')]);
    g.markRemoved('m_removed');

    const result = g.checkLinks([bank('B1'), phone('P9')]);
    expect(result.linkedToRemoved).toBe(true);
    expect(result.links).toHaveLength(1);
    expect(result.links[0]).toMatchObject({ merchantId: 'm_removed', status: 'REMOVED', hops: 1 });
    expect(result.links[0]?.path).toEqual([
      { identifierKind: 'BANK_ACCOUNT', identifierFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/), merchantId: 'm_removed', merchantStatus: 'REMOVED' },
    ]);
  });

  it('follows a chain of shared identifiers and returns the shortest path', () => {
    const g = new RingGraph();
    // applicant -phone- m1 -device- m2 -bank- m3 (removed); also m1 -address- m4 -bank- m3 (same length)
    g.addMerchant('m1', [phone('P1'), device('D1'), address('A1')]);
    g.addMerchant('m2', [device('D1'), bank('B2')]);
    g.addMerchant('m3', [bank('B2'), phone('P3')]);
    g.addMerchant('m5', [phone('P3'), bank('B5')]);
    g.markRemoved('m5');

    const result = g.checkLinks([phone('P1')]);
    expect(result.linkedToRemoved).toBe(true);
    const removed = result.links[0];
    expect(removed).toMatchObject({ merchantId: 'm5', status: 'REMOVED', hops: 4 });
    expect(removed?.path.map((s) => `${s.identifierKind}>${s.merchantId}`)).toEqual(['PHONE>m1', 'DEVICE>m2', 'BANK_ACCOUNT>m3', 'PHONE>m5']);
    // every merchant on the way is reported too, removed first then nearest
    expect(result.links.map((l) => l.merchantId)).toEqual(['m5', 'm1', 'm2', 'm3']);
  });

  it('prefers the shorter of two paths to the same removed merchant', () => {
    const g = new RingGraph();
    g.addMerchant('long1', [phone('P1'), device('D1')]);
    g.addMerchant('long2', [device('D1'), bank('B9')]);
    g.addMerchant('target', [bank('B9'), address('A7')]);
    g.markRemoved('target');
    const result = g.checkLinks([phone('P1'), address('A7')]);
    expect(result.links[0]).toMatchObject({ merchantId: 'target', hops: 1 });
    expect(result.links[0]?.path.map((s) => s.identifierKind)).toEqual(['ADDRESS']);
  });

  it('does not report a removed merchant that is not connected', () => {
    const g = new RingGraph();
    g.addMerchant('a', [bank('B1')]);
    g.addMerchant('b', [bank('B2')]);
    g.markRemoved('b');
    const result = g.checkLinks([bank('B1')]);
    expect(result.linkedToRemoved).toBe(false);
    expect(result.links.map((l) => l.merchantId)).toEqual(['a']);
    expect(g.checkLinks([bank('B3')]).links).toEqual([]);
  });

  it('keeps identifier kinds apart: the same string as phone and as bank account does not link', () => {
    const g = new RingGraph();
    g.addMerchant('a', [bank('13812345678')]);
    g.markRemoved('a');
    expect(g.checkLinks([phone('13812345678')]).links).toEqual([]);
  });

  it('tracks sanctions and reinstatement as they happen', () => {
    const g = new RingGraph();
    g.addMerchant('a', [phone('P1')]);
    g.addMerchant('b', [phone('P1'), device('D2')]);
    g.setStatus('b', 'SUSPENDED');
    expect(g.checkLinks([device('D2')])).toMatchObject({ linkedToSanctioned: true, linkedToRemoved: false });
    g.setStatus('b', 'ACTIVE');
    expect(g.checkLinks([device('D2')])).toMatchObject({ linkedToSanctioned: false });
    g.markRemoved('a');
    const result = g.checkLinks([device('D2')]);
    expect(result.linkedToRemoved).toBe(true);
    expect(result.links[0]?.path.map((s) => s.merchantId)).toEqual(['b', 'a']);
  });

  it('reports hub identifiers without walking through them', () => {
    const g = new RingGraph({ policy: { name: 't', version: '1', hubDegree: 3, maxHops: 4, maxVisited: 1000, maxLinks: 20 } });
    for (let i = 0; i < 5; i++) g.addMerchant(`tower${i}`, [address('TOWER'), bank(`B${i}`)]);
    g.markRemoved('tower4');
    const result = g.checkLinks([address('TOWER')]);
    expect(result.links).toEqual([]);
    expect(result.matches).toEqual([expect.objectContaining({ identifierKind: 'ADDRESS', merchantCount: 5, hub: true })]);
    // a real shared bank account still links
    expect(g.checkLinks([bank('B4')]).linkedToRemoved).toBe(true);
  });

  it('leaves out the excluded merchant (checking a merchant against the others)', () => {
    const g = new RingGraph();
    g.addMerchant('self', [bank('B1')]);
    expect(g.checkLinks([bank('B1')], { excludeMerchantId: 'self' }).links).toEqual([]);
  });

  it('adds identifiers to a known merchant once, and joins components', () => {
    const g = new RingGraph({ expectedMerchants: 1, expectedIdentifiers: 1, expectedEdges: 1 });
    g.addMerchant('a', [bank('B1')]);
    g.addMerchant('b', [bank('B2')]);
    expect(g.componentSizeOf('a')).toBe(1);
    g.addMerchant('a', [bank('B1'), bank('B2')]);
    expect(g.componentSizeOf('a')).toBe(2);
    expect(g.size).toEqual({ merchants: 2, identifiers: 2, edges: 3 });
    // growth past the initial capacity keeps everything findable
    for (let i = 0; i < 100; i++) g.addMerchant(`x${i}`, [phone(`P${i}`), bank('B1')]);
    g.markRemoved('x99');
    expect(g.checkLinks([bank('B2')]).linkedToRemoved).toBe(true);
  });

  it('stops at the visit budget and says so', () => {
    const g = new RingGraph({ policy: { name: 't', version: '1', hubDegree: 1000, maxHops: 4, maxVisited: 10, maxLinks: 5 } });
    for (let i = 0; i < 50; i++) g.addMerchant(`m${i}`, [device('SHARED'), phone(`P${i}`)]);
    const result = g.checkLinks([device('SHARED')]);
    expect(result.truncated).toBe(true);
    expect(result.links).toHaveLength(5);
  });
});
