import { Actor, ActorKind, type EventMeta } from '@govern/contracts-common';
import { actorOf, type AuditRecord } from '@govern/platform-auth';
import { currentCall, type CallScope } from '@govern/platform-grpc';

/**
 * The audit record of a mutation, taken from the call it runs for (platform-grpc's call scope:
 * the RPC, request id and authenticated caller) and from its request and response, so every
 * mutation run through `runMutation` or `units.mutation` is recorded without a service passing
 * anything. Written in the mutation's own transaction, on its first run only: a row exists
 * exactly when the change committed, and an idempotent repeat adds none.
 *
 * The resource is the one the RPC's authorization rule declares (`resource` in the service's
 * policy table: every mutation has one, its policy spec checks), read from the request or the
 * response; `request`/the request id when the rule declares none or the id is empty.
 * What the generic reading takes (the protos follow these conventions throughout):
 * - decision: the first `decision`/`outcome`/`verdict`/`state`/`status` enum of the response
 *   (by name, from the codec's JSON), else `COMMITTED`;
 * - reason codes and policy version: `reasons[].code` and `policy_version`/`policy.version`.
 * Identity numbers never reach a record: only the declared ids and enum names are read.
 */
interface JsonCodec {
  toJSON?(message: never): unknown;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);

/** The resource the call's rule declares, with its id read from the request or response; undefined without one or with an empty id. */
const declaredResourceOf = (declared: CallScope['resource'], request: unknown, response: unknown): { type: string; id: string } | undefined => {
  if (!declared) return undefined;
  const id = declared.id(request, response);
  return typeof id === 'string' && id !== '' ? { type: declared.type, id } : undefined;
};

const DECISION_FIELDS = ['decision', 'outcome', 'verdict', 'state', 'status'];
const MAX_DEPTH = 3;

const findDecision = (json: unknown, depth = 0): string | undefined => {
  if (!isObject(json) || depth > MAX_DEPTH) return undefined;
  for (const field of DECISION_FIELDS) {
    const value = json[field];
    if (typeof value === 'string' && /^[A-Z][A-Z0-9_]*$/.test(value)) return value;
  }
  for (const value of Object.values(json)) {
    const found = findDecision(value, depth + 1);
    if (found) return found;
  }
  return undefined;
};

const collectReasons = (json: unknown, into: Set<string>, depth = 0): void => {
  if (depth > MAX_DEPTH || into.size >= 20) return;
  if (Array.isArray(json)) for (const item of json) collectReasons(item, into, depth + 1);
  if (!isObject(json)) return;
  const reasons = json['reasons'];
  if (Array.isArray(reasons)) for (const reason of reasons) if (isObject(reason) && typeof reason['code'] === 'string') into.add(reason['code']);
  for (const value of Object.values(json)) if (value !== reasons) collectReasons(value, into, depth + 1);
};

const findPolicyVersion = (json: unknown, depth = 0): string | undefined => {
  if (!isObject(json) || depth > MAX_DEPTH) return undefined;
  if (typeof json['policyVersion'] === 'string' && json['policyVersion'] !== '') return json['policyVersion'];
  const policy = json['policy'];
  if (isObject(policy) && typeof policy['version'] === 'string' && policy['version'] !== '') return policy['version'];
  for (const value of Object.values(json)) {
    const found = findPolicyVersion(value, depth + 1);
    if (found) return found;
  }
  return undefined;
};

/** The caller of the gRPC call running now as an event's actor; undefined outside a call (consumers, timers) or for an anonymous caller. */
export const callerActor = (): Actor | undefined => {
  const call = currentCall();
  return call && call.caller.kind !== 'anonymous' ? actorOf(call.caller) : undefined;
};

/** The record of the mutation running now, or undefined outside a gRPC call (consumers, timers). */
export const auditRecordOfCurrentCall = (at: Date, request: unknown, response: unknown, responseCodec: JsonCodec): AuditRecord | undefined => {
  const call = currentCall();
  if (!call || call.caller.kind === 'anonymous') return undefined;
  const json = responseCodec.toJSON ? responseCodec.toJSON(response as never) : response;
  const resource = declaredResourceOf(call.resource, request, response) ?? { type: 'request', id: call.requestId };
  const reasons = new Set<string>();
  collectReasons(json, reasons);
  return {
    at,
    action: call.rpc,
    requestId: call.requestId,
    actor: actorOf(call.caller),
    resourceType: resource.type,
    resourceId: resource.id,
    decision: findDecision(json) ?? 'COMMITTED',
    reasonCodes: [...reasons],
    policyVersion: findPolicyVersion(json),
  };
};

/**
 * The cause of a consumer's unit: the incoming event (its id, its flow's correlation id) and the
 * actor that caused it (`meta.actor`), which the consumer's events and decisions then name.
 */
export const causeOfEvent = (event: { meta?: EventMeta | undefined }, eventId: string): { causationId: string; correlationId: string; actor?: Actor } => ({
  causationId: eventId,
  correlationId: event.meta?.correlationId || eventId,
  ...(event.meta?.actor && event.meta.actor.kind !== ActorKind.ACTOR_KIND_UNSPECIFIED && event.meta.actor.subject ? { actor: event.meta.actor } : {}),
});

/**
 * The actor stored with a durable job (`scheduled_jobs.caused_by`, written by the unit that
 * scheduled it); undefined when none was (the job's unit then acts as the service itself).
 */
export const actorOfJob = (job: { causedBy?: unknown }): Actor | undefined => {
  if (typeof job.causedBy !== 'object' || job.causedBy === null) return undefined;
  const actor = Actor.fromJSON(job.causedBy);
  return actor.subject && actor.kind !== ActorKind.ACTOR_KIND_UNSPECIFIED ? actor : undefined;
};
