import { ContentServiceDefinition } from './gen';
import { definePolicy, GOVERN_ROLES, PLATFORM_CALLERS, type ServicePolicy } from '@govern/contracts-common';

const { operator, auditor } = GOVERN_ROLES;
const P = PLATFORM_CALLERS;
const STATS = { roles: [operator, auditor] } as const;

/**
 * Who may call each RPC of content (issue 12.3), enforced by the server kit before any handler
 * runs; an RPC without a rule is refused, and `content.policy.spec.ts` fails when the contract
 * gains an RPC this table does not name. Platform services (by client certificate, or a system
 * token's client id) call the decision RPCs on their hot paths; enforcement needs `operator`,
 * money `finance`, governance stats `operator` or `auditor`. The table is part of the
 * contract: the operator console and the CLI import it from here to know what a person may do.
 */
export const contentPolicy: ServicePolicy = definePolicy(ContentServiceDefinition, {
  AssessVideo: { services: [P.video], resource: { type: 'content', id: (r) => r.contentId } },
  GetContentItem: { services: [P.video, P.traffic], roles: [operator, auditor] },
  ListContentItems: { roles: [operator, auditor] },
  ReassessContent: { roles: [operator], resource: { type: 'content', id: (r) => r.contentId } },
  StartLivestream: { services: [P.live], resource: { type: 'livestream', id: (r) => r.livestreamId } },
  EndLivestream: { services: [P.live], resource: { type: 'livestream', id: (r) => r.livestreamId } },
  GetLivestream: { services: [P.live], roles: [operator, auditor] },
  ListLivestreams: { services: [P.live], roles: [operator, auditor] },
  StreamLivestreamSignals: { services: [P.live] },
  GetCreatorCredit: { services: [P.video, P.live, P.traffic, P.creatorCenter], roles: [operator, auditor] },
  DeductCreatorCredit: { roles: [operator], resource: { type: 'creator', id: (r) => r.creatorId } },
  ListPenalties: { services: [P.creatorCenter], roles: [operator, auditor] },
  FileAppeal: { services: [P.creatorCenter], resource: { type: 'appeal', id: (_r, res) => res.appeal?.appealId } },
  ListAppeals: { services: [P.creatorCenter], roles: [operator, auditor] },
  GetAppeal: { services: [P.creatorCenter], roles: [operator, auditor] },
  DecideAppeal: { roles: [operator], resource: { type: 'appeal', id: (r) => r.appealId } },
  GetGovernanceStats: STATS,
});
