import { expect } from 'vitest';
import { ActorKind, GovernanceOpsServiceDefinition, serviceKey, type Actor, type ServiceName } from '@govern/contracts-common';
import { devTokenProviderByPolicy, PolicyTable } from '@govern/platform-auth';
import { GOVERNANCE_OPS_POLICY } from '@govern/platform-decisions';
import { closeServiceClient, createServiceClient, type ServiceClient } from '@govern/platform-grpc';
import type { PlatformUnderTest } from './platform-processes';

/**
 * Issue 12, "the causing actor everywhere", read the way an auditor reads it: through each
 * service's GovernanceOpsService (ListAuditRecords, ListEvents, ListDecisions). A cascade an
 * operator started names that operator in every service it crosses — on the events consumers
 * and jobs emitted for it and on the decisions they recorded — not the services that relayed it.
 */
type OpsClient = ServiceClient<typeof GovernanceOpsServiceDefinition>;

export const opsClientsOf = (platform: PlatformUnderTest): { of(service: ServiceName): OpsClient; close(): void } => {
  const token = devTokenProviderByPolicy(platform.pki.signingKeyFile, new PolicyTable([GOVERNANCE_OPS_POLICY]), { personPrefix: 'e2e' });
  const clients = new Map<ServiceName, OpsClient>();
  return {
    of(service) {
      let client = clients.get(service);
      if (!client) clients.set(service, (client = createServiceClient(GovernanceOpsServiceDefinition, platform.addresses[serviceKey(service)], { defaultDeadlineMs: 30_000, transport: platform.transport, token })));
      return client;
    },
    close: () => clients.forEach((client) => closeServiceClient(client)),
  };
};

const PAGE = { pageSize: 500, pageToken: '' };

/** Who removed the merchant, from merchant-access's audit trail: a person with the operator role. */
export const removerOf = async (ops: ReturnType<typeof opsClientsOf>, merchantId: string): Promise<Actor> => {
  const { auditRecords } = await ops.of('merchant-access').listAuditRecords({ ...PAGE, resource: { type: 'merchant', id: merchantId }, actorSubject: '', rpc: 'govern.merchant_access.v1.MerchantAccessService/RecordViolation' });
  expect(auditRecords).toHaveLength(1);
  const actor = auditRecords[0]?.actor;
  expect(actor).toMatchObject({ kind: ActorKind.ACTOR_KIND_PERSON, roles: expect.arrayContaining(['operator']) });
  return actor as Actor;
};

/** The events a service emitted in one business flow, and the decisions of a kind about a resource: all name `actor`. */
export const expectActorOfFlow = async (
  ops: ReturnType<typeof opsClientsOf>,
  actor: Actor,
  service: ServiceName,
  flow: { correlationId: string; minEvents: number; decisions?: { kind: string; subject: { type: string; id: string }; min: number } },
): Promise<void> => {
  const { events } = await ops.of(service).listEvents({ ...PAGE, correlationId: flow.correlationId, eventType: '', state: 0, view: 0 });
  expect(events.length, `${service}: events of flow ${flow.correlationId}`).toBeGreaterThanOrEqual(flow.minEvents);
  for (const event of events) expect(event.actor, `${service} ${event.eventType} ${event.eventId}`).toEqual(actor);
  if (!flow.decisions) return;
  const { decisions } = await ops.of(service).listDecisions({ ...PAGE, kind: flow.decisions.kind, subject: flow.decisions.subject, correlationId: '', view: 0 });
  expect(decisions.length, `${service}: ${flow.decisions.kind} decisions about ${flow.decisions.subject.type}:${flow.decisions.subject.id}`).toBeGreaterThanOrEqual(flow.decisions.min);
  for (const decision of decisions) expect(decision.actor, `${service} decision ${decision.decisionId}`).toEqual(actor);
};
