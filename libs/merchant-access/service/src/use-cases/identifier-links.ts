import { normaliseIdentifier, type GraphIdentifier, type IdentifierKind, type RingCheckResult } from '@govern/merchant-access-domain';
import type { MerchantAccessDeps } from '../deps';

export interface CheckIdentifierLinksQuery {
  identifiers: readonly { kind: IdentifierKind; value: string }[];
  excludeMerchantId?: string | undefined;
}

/**
 * CheckIdentifierLinks: the ring check of onboarding on any set of identifiers (e.g. a merchant
 * changing its bank account). Values are normalised and keyed-hashed on receipt, like an
 * application's; neither they nor their hashes leave the service.
 */
export const checkIdentifierLinks = async (deps: Pick<MerchantAccessDeps, 'db' | 'hasher' | 'ring'>, query: CheckIdentifierLinksQuery): Promise<RingCheckResult> => {
  const identifiers: GraphIdentifier[] = query.identifiers.map((i) => ({ kind: i.kind, key: deps.hasher.hash(i.kind, normaliseIdentifier(i.kind, i.value)) }));
  await deps.ring.catchUp(deps.db);
  return deps.ring.check(identifiers, query.excludeMerchantId);
};
