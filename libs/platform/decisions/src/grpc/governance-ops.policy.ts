import { GovernanceOpsServiceDefinition } from '@govern/contracts-common';
import { definePolicy, GOVERN_ROLES, type ServicePolicy } from '@govern/platform-auth';

const { operator, auditor } = GOVERN_ROLES;
const READ = { roles: [operator, auditor] } as const;
/** Replays and backtests re-evaluate whole windows on the service's own CPU: a few per minute per caller. */
const HEAVY = { roles: [operator, auditor], rateLimit: { perMinute: 6, burst: 2 } } as const;

/**
 * Who may call GovernanceOpsService, the same table on every service: people of the
 * governance team only (no platform caller decides with it). Reading decisions, events and the
 * audit trail is for operators and auditors; changing what runs (shadow candidates, re-drives) for
 * operators. Services pass it to the server kit with their own table once platform-auth is
 * wired (`server.add(GovernanceOpsServiceDefinition, handlers, GOVERNANCE_OPS_POLICY)`).
 */
export const GOVERNANCE_OPS_POLICY: ServicePolicy = definePolicy(GovernanceOpsServiceDefinition, {
  ListDecisionKinds: READ,
  GetDecision: READ,
  ListDecisions: READ,
  ReplayDecision: READ,
  ReplayDecisions: HEAVY,
  SetShadowPolicy: { roles: [operator], resource: { type: 'decision_kind', id: (r) => r.kind } },
  GetShadowReport: READ,
  RunBacktest: HEAVY,
  ListEvents: READ,
  GetEvent: READ,
  ListDeadLetters: READ,
  RedriveDeadLetter: { roles: [operator], resource: { type: 'dead_letter', id: (r) => r.deadLetterId } },
  ListAuditRecords: READ,
});
