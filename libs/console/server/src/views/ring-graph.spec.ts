import { describe, expect, it } from 'vitest';
import { IdentifierKind, MerchantStatus, type RingLink } from '@govern/contracts-merchant-access';
import { layoutRing } from './ring-graph';

const step = (merchantId: string, kind: IdentifierKind, status = MerchantStatus.MERCHANT_STATUS_ACTIVE) => ({ identifierKind: kind, identifierFingerprint: `fp-${merchantId}`, merchantId, merchantStatus: status });

describe('ring graph layout', () => {
  it('puts each merchant at its distance from the applicant and shares common hops', () => {
    const links: RingLink[] = [
      { merchantId: 'm-a', merchantStatus: MerchantStatus.MERCHANT_STATUS_ACTIVE, sanctioned: false, path: [step('m-a', IdentifierKind.IDENTIFIER_KIND_PHONE)] },
      {
        merchantId: 'm-r',
        merchantStatus: MerchantStatus.MERCHANT_STATUS_REMOVED,
        sanctioned: true,
        path: [step('m-a', IdentifierKind.IDENTIFIER_KIND_PHONE), step('m-r', IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT, MerchantStatus.MERCHANT_STATUS_REMOVED)],
      },
    ];
    const { nodes, edges } = layoutRing(links);
    expect(nodes.map((n) => [n.id, n.depth])).toEqual([
      ['', 0],
      ['m-a', 1],
      ['m-r', 2],
    ]);
    expect(nodes.find((n) => n.id === 'm-r')).toMatchObject({ status: MerchantStatus.MERCHANT_STATUS_REMOVED, sanctioned: true });
    expect(edges.map((e) => [e.from, e.to, e.kind])).toEqual([
      ['', 'm-a', IdentifierKind.IDENTIFIER_KIND_PHONE],
      ['m-a', 'm-r', IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT],
    ]);
  });
});
