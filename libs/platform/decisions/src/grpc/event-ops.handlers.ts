import { createFileRegistry, fromBinary, toJsonString, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import {
  Actor,
  DeadLetterOrigin,
  DeadLetterState,
  EventDeliveryState,
  PayloadView,
  type DeadLetter,
  type EventRecord,
  type GovernanceOpsServiceDefinition,
} from '@govern/contracts-common';
import { createEventOps, RedriveRefusedError, type DeadLetterView, type EventBus, type EventOps, type ProducedEvent } from '@govern/platform-events';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import {
  mergeDescriptorSets,
  pageTokenCodec,
  protoEnum,
  RequestChecks,
  sequencePageToken,
  timeIdPageToken,
  type GrpcCallContext,
  type GrpcServiceImplementation,
} from '@govern/platform-grpc';
import { DomainError } from '@govern/policy-core';

/**
 * ListEvents, GetEvent, ListDeadLetters and RedriveDeadLetter of GovernanceOpsService, over
 * platform-events' event ops of the service (outbox, dead-letter stream, re-drive). Request
 * checks and page tokens are the platform-grpc request kit's.
 */
export interface EventOpsHandlerOptions {
  serviceName: string;
  db: TransactionalClient<SqlTx>;
  /** The service's bus (`context.bus`): without it, dead letters of its consumers are not seen. */
  bus?: Pick<EventBus, 'publish' | 'deadLetters'>;
  /** FileDescriptorSets describing the service's events: payloads as JSON, and resources, come from them. */
  descriptorSets?: readonly Uint8Array[];
  actorOf: (context: GrpcCallContext) => Actor | undefined;
}

type EventHandlers = Pick<
  Required<GrpcServiceImplementation<typeof GovernanceOpsServiceDefinition>>,
  'listEvents' | 'getEvent' | 'listDeadLetters' | 'redriveDeadLetter'
>;

const eventStates = protoEnum(EventDeliveryState, 'EVENT_DELIVERY_STATE_');
const deadLetterStates = protoEnum(DeadLetterState, 'DEAD_LETTER_STATE_');
const origins = protoEnum(DeadLetterOrigin, 'DEAD_LETTER_ORIGIN_');
const PAGE = { default: 50, max: 500 };
/**
 * ListEvents' page tokens: the outbox id of the last event, or, for a time window's pages (newest
 * occurrence first, see platform-events' event log), its occurrence time and id. A token of one
 * kind given to the other list is INVALID_ARGUMENT, like any token not issued for the request.
 */
const eventTimeToken = pageTokenCodec('time', 'int64');

/** Messages by full name, from the service's descriptor sets; undefined when none were given or they do not resolve. */
const registryOf = (sets: readonly Uint8Array[] | undefined): FileRegistry | undefined => {
  if (!sets || sets.length === 0) return undefined;
  try {
    return createFileRegistry(fromBinary(FileDescriptorSetSchema, mergeDescriptorSets(sets).bytes));
  } catch {
    return undefined;
  }
};

/**
 * The resources an event is about: its top-level `<type>_id` string fields (`merchant_id` →
 * merchant), the naming every Govern event follows; `meta` is not a resource.
 */
const resourcesFrom = (registry: FileRegistry | undefined) => {
  const decoded = (eventType: string, payload: Uint8Array): { desc: DescMessage; json: Record<string, unknown> } | undefined => {
    const desc = registry?.getMessage(eventType);
    if (!desc || !registry) return undefined;
    try {
      const json = JSON.parse(toJsonString(desc, fromBinary(desc, payload), { registry, useProtoFieldName: true })) as Record<string, unknown>;
      return { desc, json };
    } catch {
      return undefined;
    }
  };
  const resourcesOf = (eventType: string, payload: Uint8Array): { type: string; id: string }[] => {
    const found = decoded(eventType, payload);
    if (!found) return [];
    return found.desc.fields
      .filter((field) => field.name.endsWith('_id') && typeof found.json[field.name] === 'string')
      .map((field) => ({ type: field.name.slice(0, -3), id: found.json[field.name] as string }));
  };
  const jsonOf = (eventType: string, payload: Uint8Array): string => {
    const found = decoded(eventType, payload);
    return found ? JSON.stringify(found.json) : '';
  };
  return { resourcesOf, jsonOf };
};

const actorFromJson = (json: string): Actor | undefined => {
  try {
    return json ? Actor.fromJSON(JSON.parse(json)) : undefined;
  } catch {
    return undefined;
  }
};

/** Payloads as JSON and the resources of events, from the descriptor sets that describe them. */
export const eventPayloadsOf = (descriptorSets: readonly Uint8Array[] | undefined) => resourcesFrom(registryOf(descriptorSets));

export const eventOpsHandlers = (options: EventOpsHandlerOptions): EventHandlers => {
  const payloads = eventPayloadsOf(options.descriptorSets);
  const ops: EventOps = createEventOps({
    serviceName: options.serviceName,
    db: options.db,
    ...(options.bus ? { bus: options.bus } : {}),
    resourcesOf: payloads.resourcesOf,
  });

  const eventRecordOf = (event: ProducedEvent, full: boolean): EventRecord => ({
    eventId: event.eventId,
    eventType: event.eventType,
    subject: event.subject,
    occurTime: event.occurredAt,
    publishTime: event.publishedAt,
    state: eventStates.toProto(event.state),
    correlationId: event.meta?.correlationId ?? '',
    causationId: event.meta?.causationId ?? '',
    actor: event.meta?.actor,
    resources: payloads.resourcesOf(event.eventType, event.payload),
    payload: Buffer.from(full ? event.payload : []),
    payloadJson: full ? payloads.jsonOf(event.eventType, event.payload) : '',
  });

  const deadLetterOf = (view: DeadLetterView, full: boolean): DeadLetter => {
    const common = { deadLetterId: view.id, deadLetterTime: view.deadAt, origin: origins.toProto(view.origin) };
    if (view.origin === 'CONSUMER') {
      const { letter } = view;
      return {
        ...common,
        consumer: letter.consumer,
        eventId: letter.eventId,
        eventType: letter.eventType,
        subject: letter.subject,
        error: letter.error,
        deliveries: letter.deliveries,
        state: letter.redrive ? DeadLetterState.DEAD_LETTER_STATE_REDRIVEN : DeadLetterState.DEAD_LETTER_STATE_PENDING,
        redrivenBy: letter.redrive ? actorFromJson(letter.redrive.actorJson) : undefined,
        redriveTime: letter.redrive?.time,
        redriveNote: letter.redrive?.note ?? '',
        payload: Buffer.from(full ? letter.payload : []),
        payloadJson: full ? payloads.jsonOf(letter.eventType, letter.payload) : '',
      };
    }
    const { event, redrive } = view;
    return {
      ...common,
      consumer: '',
      eventId: event.eventId,
      eventType: event.eventType,
      subject: event.subject,
      error: event.lastError ?? '',
      deliveries: event.attempts,
      state: redrive ? DeadLetterState.DEAD_LETTER_STATE_REDRIVEN : DeadLetterState.DEAD_LETTER_STATE_PENDING,
      redrivenBy: redrive ? actorFromJson(redrive.actorJson) : undefined,
      redriveTime: redrive?.time,
      redriveNote: redrive?.note ?? '',
      payload: Buffer.from(full ? event.payload : []),
      payloadJson: full ? payloads.jsonOf(event.eventType, event.payload) : '',
    };
  };

  return {
    async listEvents(request) {
      const checks = new RequestChecks();
      const valid = checks.done({
        pageSize: checks.pageSize(request.pageSize, PAGE),
        before: request.window ? checks.pageToken(eventTimeToken, request.pageToken) : checks.pageToken(sequencePageToken, request.pageToken),
        eventType: checks.string('event_type', request.eventType, { required: false, maxChars: 200 }),
        window: request.window ? checks.window('window', request.window) : undefined,
        correlationId: checks.string('correlation_id', request.correlationId, { required: false, maxChars: 128 }),
        resourceType: request.resource ? checks.string('resource.type', request.resource.type, { maxChars: 64 }) : undefined,
        resourceId: request.resource ? checks.string('resource.id', request.resource.id, { maxChars: 256 }) : undefined,
        state: checks.optionalEnum('state', eventStates, request.state),
      });
      const page = await ops.events.list(
        {
          ...(valid.eventType ? { eventType: valid.eventType } : {}),
          ...(valid.window ? { window: valid.window } : {}),
          ...(valid.correlationId ? { correlationId: valid.correlationId } : {}),
          ...(valid.resourceType !== undefined && valid.resourceId !== undefined ? { resource: { type: valid.resourceType, id: valid.resourceId } } : {}),
          ...(valid.state ? { state: valid.state } : {}),
        },
        { limit: valid.pageSize, ...(valid.before ? { before: valid.before.length === 2 ? { occurredAt: valid.before[0], id: valid.before[1] } : { id: valid.before[0] } } : {}) },
      );
      const next = page.continueBefore;
      const full = request.view === PayloadView.PAYLOAD_VIEW_FULL;
      return {
        events: page.events.map((event) => eventRecordOf(event, full)),
        nextPageToken:
          next === undefined ? '' : next.occurredAt !== undefined ? eventTimeToken.encode([next.occurredAt, next.id]) : sequencePageToken.encode([next.id]),
      };
    },

    async getEvent(request) {
      const checks = new RequestChecks();
      const { eventId } = checks.done({ eventId: checks.id('event_id', request.eventId) });
      const event = await ops.events.get(eventId);
      if (!event) throw new DomainError('NOT_FOUND', 'EVENT.NOT_FOUND', `event ${eventId} is not in this service's outbox (never produced here, or past its retention)`);
      return { event: eventRecordOf(event, true) };
    },

    async listDeadLetters(request) {
      const checks = new RequestChecks();
      const valid = checks.done({
        pageSize: checks.pageSize(request.pageSize, PAGE),
        after: checks.pageToken(timeIdPageToken, request.pageToken),
        consumer: checks.string('consumer', request.consumer, { required: false, maxChars: 128 }),
        eventType: checks.string('event_type', request.eventType, { required: false, maxChars: 200 }),
        window: request.window ? checks.window('window', request.window) : undefined,
        state: checks.optionalEnum('state', deadLetterStates, request.state),
        origin: checks.optionalEnum('origin', origins, request.origin),
      });
      const views = await ops.listDeadLetters(
        {
          ...(valid.consumer ? { consumer: valid.consumer } : {}),
          ...(valid.eventType ? { eventType: valid.eventType } : {}),
          ...(valid.window ? { window: valid.window } : {}),
          ...(valid.state ? { state: valid.state } : {}),
          ...(valid.origin ? { origin: valid.origin } : {}),
        },
        { limit: valid.pageSize + 1, ...(valid.after ? { after: valid.after } : {}) },
      );
      const shown = views.slice(0, valid.pageSize);
      const last = shown.at(-1);
      const full = request.view === PayloadView.PAYLOAD_VIEW_FULL;
      return {
        deadLetters: shown.map((view) => deadLetterOf(view, full)),
        nextPageToken: views.length > valid.pageSize && last ? timeIdPageToken.encode([last.deadAt, last.id]) : '',
      };
    },

    async redriveDeadLetter(request, context) {
      const checks = new RequestChecks();
      const valid = checks.done({
        requestId: checks.requestId(request.requestId),
        deadLetterId: checks.id('dead_letter_id', request.deadLetterId),
        note: checks.string('note', request.note, { required: false, maxChars: 500 }),
      });
      const actor = options.actorOf(context);
      if (!actor) throw new DomainError('PERMISSION_DENIED', 'OPS.ACTOR_REQUIRED', 'A dead letter is re-driven by an authenticated caller, who is recorded');
      try {
        const view = await ops.redrive(valid.deadLetterId, { actorJson: JSON.stringify(Actor.toJSON(actor)), note: valid.note, requestId: valid.requestId });
        return { deadLetter: deadLetterOf(view, false) };
      } catch (error) {
        if (!(error instanceof RedriveRefusedError)) throw error;
        if (error.reason === 'NOT_FOUND') throw new DomainError('NOT_FOUND', 'DEAD_LETTER.NOT_FOUND', error.message);
        throw new DomainError('FAILED_PRECONDITION', `DEAD_LETTER.${error.reason}`, error.message);
      }
    },
  };
};
