import type { CheckIdentifierLinksRequest, CheckIdentifierLinksResponse } from '@govern/contracts-merchant-access';
import { normaliseIdentifier, ONBOARDING_POLICY, ringReasons, type GraphIdentifier, type IdentifierKind } from '@govern/merchant-access-domain';
import { Violations } from '@govern/policy-core';
import { identifierKindCodec } from '../mapping/enums';
import { policyToProto, reasonsToProto, ringLinkToProto } from '../mapping/resources';
import type { MerchantAccessDeps } from './deps';
import { REQUEST_LIMITS } from './validation';

/**
 * CheckIdentifierLinks: the ring check of onboarding on any set of identifiers (e.g. a merchant
 * changing its bank account). Values are normalised and keyed-hashed on receipt, like an
 * application's; neither they nor their hashes leave the service.
 */
export const createIdentifierLinks = (deps: MerchantAccessDeps) => ({
  async checkIdentifierLinks(request: CheckIdentifierLinksRequest): Promise<CheckIdentifierLinksResponse> {
    const limits = ONBOARDING_POLICY.limits;
    const v = new Violations();
    const identifiers: GraphIdentifier[] = [];
    v.check(request.identifiers.length > 0, 'identifiers', 'at least one identifier is required', 'REQUIRED');
    if (v.maxItems('identifiers', request.identifiers, limits.maxCheckedIdentifiers)) {
      request.identifiers.forEach((input, i) => {
        const kind = identifierKindCodec.fromProto(input.kind);
        v.check(kind !== undefined, `identifiers[${i}].kind`, 'is required: an identifier kind', 'REQUIRED');
        const okValue = v.require(`identifiers[${i}].value`, input.value) && v.maxLength(`identifiers[${i}].value`, input.value, limits.identifierValueMaxLength);
        if (kind && okValue) identifiers.push({ kind, key: deps.hasher.hash(kind as IdentifierKind, normaliseIdentifier(kind, input.value)) });
      });
    }
    v.maxLength('exclude_merchant_id', request.excludeMerchantId, REQUEST_LIMITS.idMaxLength);
    v.throwIfAny();
    await deps.ring.catchUp(deps.db);
    const ring = deps.ring.check(identifiers, request.excludeMerchantId || undefined);
    return {
      links: ring.links.map(ringLinkToProto),
      linkedToRemoved: ring.linkedToRemoved,
      linkedToSanctioned: ring.linkedToSanctioned,
      reasons: reasonsToProto(ringReasons(ring)),
      policy: policyToProto({ name: ONBOARDING_POLICY.name, version: ONBOARDING_POLICY.version }),
      matches: ring.matches.map((m) => ({
        identifierKind: identifierKindCodec.toProto(m.identifierKind),
        identifierFingerprint: m.identifierFingerprint,
        merchantCount: m.merchantCount,
        hub: m.hub,
      })),
      truncated: ring.truncated,
    };
  },
});
