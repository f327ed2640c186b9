import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import {
  ConsumerNotRunningError,
  consumerDeadLetterOf,
  isRedriveMarker,
  redeliveryOf,
  redriveMarkerOf,
  redriveOf,
  type ConsumerDeadLetter,
  type DeadLetterQueue,
  type RedriveRecord,
  type StoredDeadLetterMessage,
} from './dead-letters';
import { errorText, type EventBus } from './event-bus';
import { createEventLog, type EventLog, type ProducedEvent } from './event-log';

/**
 * One service's events for operators: what it produced (its outbox) and its dead letters —
 * events its consumers gave up on (the dead-letter stream) and events the bus refused to take
 * from its outbox (dead outbox rows) — and their re-drive. The gRPC layer
 * (platform-decisions' GovernanceOpsService) checks requests and maps; this is the mechanism.
 */
export interface EventOpsOptions {
  /** Short service name, `merchant-access`: its durables are `merchant_access_<purpose>`. */
  serviceName: string;
  db: TransactionalClient<SqlTx>;
  /** The service's bus; without one (or one without dead letters) only outbox dead letters are seen. */
  bus?: Pick<EventBus, 'publish' | 'deadLetters'>;
  resourcesOf?: (eventType: string, payload: Uint8Array) => { type: string; id: string }[];
  /** Most dead-letter-stream messages one call reads per consumer, and outbox rows per list; default 10,000. */
  maxDeadLetterScan?: number;
  now?: () => Date;
}

export type DeadLetterView =
  | { origin: 'CONSUMER'; id: string; deadAt: Date; letter: ConsumerDeadLetter }
  | { origin: 'PUBLISH'; id: string; deadAt: Date; event: ProducedEvent; redrive?: RedriveRecord };

export interface DeadLetterFilter {
  consumer?: string;
  eventType?: string;
  window?: { start: Date; end: Date };
  state?: 'PENDING' | 'REDRIVEN';
  origin?: 'CONSUMER' | 'PUBLISH';
}

export type RedriveRefusal = 'NOT_FOUND' | 'ALREADY_REDRIVEN' | 'CONSUMER_NOT_RUNNING' | 'HANDLER_FAILED';

/** A re-drive that did not happen, and why (the gRPC layer maps `reason` to a status). */
export class RedriveRefusedError extends Error {
  constructor(
    readonly reason: RedriveRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'RedriveRefusedError';
  }
}

export interface EventOps {
  readonly events: EventLog;
  /** Every dead letter the filter keeps, newest first (by time, then id), after `after` when given. */
  listDeadLetters(filter: DeadLetterFilter, page: { limit: number; after?: [Date, string] }): Promise<DeadLetterView[]>;
  getDeadLetter(id: string): Promise<DeadLetterView | undefined>;
  /** Re-drives a pending dead letter; a repeat with the request id of the re-drive that happened returns it. */
  redrive(id: string, by: { actorJson: string; note: string; requestId: string }): Promise<DeadLetterView>;
}

const CONSUMER_PREFIX = 'c-';
const PUBLISH_PREFIX = 'p-';

export const createEventOps = (options: EventOpsOptions): EventOps => {
  const events = createEventLog({ db: options.db, ...(options.resourcesOf ? { resourcesOf: options.resourcesOf } : {}) });
  const maxScan = options.maxDeadLetterScan ?? 10_000;
  const now = options.now ?? (() => new Date());
  const queue: DeadLetterQueue | undefined = options.bus?.deadLetters;
  const durablePrefix = `${options.serviceName.replace(/-/g, '_')}_`;
  const ownConsumers = (): string[] => (queue?.consumers() ?? []).filter((durable) => durable.startsWith(durablePrefix));
  const subjectOf = (durable: string): string => `govern.dlq.*.${durable}`;

  /** Dead letters and re-drive markers of one consumer, paired (markers follow their letters). */
  const consumerLetters = async (durable: string): Promise<ConsumerDeadLetter[]> => {
    if (!queue) return [];
    const messages = await queue.read(subjectOf(durable), 1, maxScan);
    const redrives = new Map<number, StoredDeadLetterMessage>();
    for (const message of messages.filter(isRedriveMarker)) redrives.set(Number(message.headers['Govern-Dlq-Redrive-Of']), message);
    return messages.filter((message) => !isRedriveMarker(message)).map((message) => {
      const marker = redrives.get(message.seq);
      return consumerDeadLetterOf(message, marker ? redriveOf(marker) : undefined);
    });
  };

  const consumerView = (letter: ConsumerDeadLetter): DeadLetterView => ({ origin: 'CONSUMER', id: `${CONSUMER_PREFIX}${letter.seq}`, deadAt: letter.deadAt, letter });
  const publishView = (event: ProducedEvent): DeadLetterView => ({ origin: 'PUBLISH', id: `${PUBLISH_PREFIX}${event.id}`, deadAt: event.deadAt ?? event.occurredAt, event });

  const keep = (view: DeadLetterView, filter: DeadLetterFilter): boolean => {
    const redriven = view.origin === 'CONSUMER' ? view.letter.redrive !== undefined : view.redrive !== undefined;
    const eventType = view.origin === 'CONSUMER' ? view.letter.eventType : view.event.eventType;
    if (filter.origin && view.origin !== filter.origin) return false;
    if (filter.consumer !== undefined && (view.origin !== 'CONSUMER' || view.letter.consumer !== filter.consumer)) return false;
    if (filter.eventType !== undefined && eventType !== filter.eventType) return false;
    if (filter.window && (view.deadAt < filter.window.start || view.deadAt >= filter.window.end)) return false;
    if (filter.state && (filter.state === 'REDRIVEN') !== redriven) return false;
    return true;
  };

  /** Newest first; ties by id so the order (and a page key) is total. */
  const newestFirst = (a: DeadLetterView, b: DeadLetterView): number => b.deadAt.getTime() - a.deadAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const isAfter = (view: DeadLetterView, [time, id]: [Date, string]): boolean =>
    view.deadAt.getTime() < time.getTime() || (view.deadAt.getTime() === time.getTime() && view.id < id);

  const getConsumerLetter = async (seq: number): Promise<ConsumerDeadLetter | undefined> => {
    const message = queue ? await queue.get(seq) : undefined;
    if (!message || isRedriveMarker(message)) return undefined;
    const durable = message.subject.split('.').at(-1) ?? '';
    if (!durable.startsWith(durablePrefix)) return undefined;
    const later = await queue?.read(message.subject, seq + 1, maxScan);
    const marker = later?.find((m) => isRedriveMarker(m) && m.headers['Govern-Dlq-Redrive-Of'] === String(seq));
    return consumerDeadLetterOf(message, marker ? redriveOf(marker) : undefined);
  };

  const getDeadLetter = async (id: string): Promise<DeadLetterView | undefined> => {
    const number = id.slice(2);
    if (!/^[1-9][0-9]{0,18}$/.test(number)) return undefined;
    if (id.startsWith(CONSUMER_PREFIX)) {
      const letter = await getConsumerLetter(Number(number));
      return letter ? consumerView(letter) : undefined;
    }
    if (id.startsWith(PUBLISH_PREFIX)) {
      const [event] = await events.dead({ limit: 1, before: BigInt(number) + 1n });
      return event && event.id === BigInt(number) ? publishView(event) : undefined;
    }
    return undefined;
  };

  return {
    events,

    async listDeadLetters(filter, page) {
      const wantConsumers = filter.origin !== 'PUBLISH';
      const durables = ownConsumers().filter((durable) => filter.consumer === undefined || durable === filter.consumer);
      const consumer = wantConsumers ? (await Promise.all(durables.map(consumerLetters))).flat().map(consumerView) : [];
      // An outbox row that was revived is no longer dead: PUBLISH dead letters are all pending.
      const published = filter.origin !== 'CONSUMER' && filter.consumer === undefined && filter.state !== 'REDRIVEN' ? (await events.dead({ limit: maxScan })).map(publishView) : [];
      return [...consumer, ...published]
        .filter((view) => keep(view, filter) && (!page.after || isAfter(view, page.after)))
        .sort(newestFirst)
        .slice(0, page.limit);
    },

    getDeadLetter,

    async redrive(id, by) {
      const view = await getDeadLetter(id);
      if (!view) throw new RedriveRefusedError('NOT_FOUND', `dead letter ${id} not found (never was, or aged out of the dead-letter stream)`);
      const record: RedriveRecord = { actorJson: by.actorJson, time: now(), note: by.note, requestId: by.requestId };
      if (view.origin === 'PUBLISH') {
        if (!(await events.revive(view.event.id))) throw new RedriveRefusedError('ALREADY_REDRIVEN', `dead letter ${id} was already re-driven`);
        return { ...view, redrive: record };
      }
      const { letter } = view;
      if (letter.redrive) {
        if (letter.redrive.requestId === by.requestId) return view;
        throw new RedriveRefusedError('ALREADY_REDRIVEN', `dead letter ${id} was already re-driven at ${letter.redrive.time.toISOString()}`);
      }
      if (!queue || !options.bus) throw new RedriveRefusedError('CONSUMER_NOT_RUNNING', `consumer ${letter.consumer} does not run in this process`);
      try {
        await queue.redeliver(letter.consumer, redeliveryOf(letter));
      } catch (error) {
        if (error instanceof ConsumerNotRunningError) throw new RedriveRefusedError('CONSUMER_NOT_RUNNING', error.message);
        // Still pending: the cause is not removed yet; nothing was applied (the handler's transaction rolled back).
        throw new RedriveRefusedError('HANDLER_FAILED', `consumer ${letter.consumer} failed on the event again: ${errorText(error).slice(0, 500)}`);
      }
      // Recorded after the effect: a lost marker lets the same request be repeated, and the inbox keeps the effect to once.
      await options.bus.publish([redriveMarkerOf(letter, record)]);
      return consumerView({ ...letter, redrive: record });
    },
  };
};
