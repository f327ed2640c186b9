import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { EventMeta } from '@govern/contracts-common';
import { runInTransaction, type SqlTx, type TransactionalClient } from '@govern/platform-db';

/**
 * Reads the events a service produced from its outbox table, for operators (ListEvents,
 * GetEvent). The outbox is the source of truth of what the service emitted, but it is not an
 * archive: the relay deletes published rows older than its retention (7 days by default,
 * `events.outboxRetentionMs`), so what is readable is every event not yet published, every
 * event the bus refused (dead), and the published events of the retention period.
 *
 * Pages are newest first: by outbox id (commit order) in general, and by occurrence time, then
 * id, when a time window is asked, so that a window's page is read from the (occurred_at, id)
 * index however many newer events there are (platform migration 20261207500000; walking back by id,
 * a window a week old read every newer event first). The two orders agree but for events
 * committed out of their occurrence order, and each has its own page key (`EventPageKey`).
 *
 * Type, time window and state filter in SQL. Correlation id and resource live inside the
 * payload (`EventMeta meta = 1` and the event's own fields), which the table does not index:
 * SQL keeps only rows whose payload contains the searched bytes, and the rows left are
 * decoded and checked exactly. That scan is bounded per call (`maxScan`); a page cut short by
 * the bound carries a token to continue from where the scan stopped (AIP-158 allows short
 * pages).
 */

export type OutboxEventState = 'PENDING' | 'PUBLISHED' | 'DEAD';

export interface ProducedEvent {
  /** Outbox row id: ascending in commit order, the key of the newest-first pages. */
  id: bigint;
  eventId: string;
  eventType: string;
  subject: string;
  occurredAt: Date;
  publishedAt?: Date;
  deadAt?: Date;
  state: OutboxEventState;
  /** Failed publish tries and the bus's last refusal (dead letters of origin PUBLISH). */
  attempts: number;
  lastError?: string;
  meta?: EventMeta;
  payload: Uint8Array;
}

export interface ProducedEventFilter {
  eventType?: string;
  window?: { start: Date; end: Date };
  correlationId?: string;
  /** Kept when the event is about this resource; `resourcesOf` says what an event is about. */
  resource?: { type: string; id: string };
  state?: OutboxEventState;
}

export interface EventLogOptions {
  db: TransactionalClient<SqlTx>;
  /** The resources an event is about, from its type and payload (empty when it cannot tell). */
  resourcesOf?: (eventType: string, payload: Uint8Array) => { type: string; id: string }[];
  /** Most rows one list call decodes to apply payload filters; default 5,000. */
  maxScan?: number;
}

/**
 * Where a page continues (exclusive): below this outbox id, or, in a time window's pages, below
 * this (occurredAt, id). A window's list needs `occurredAt`; any other list reads `id` only.
 */
export interface EventPageKey {
  id: bigint;
  occurredAt?: Date;
}

export interface EventPage {
  events: ProducedEvent[];
  /** The key to continue below; undefined on the last page. */
  continueBefore?: EventPageKey;
}

interface OutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  subject: string;
  occurred_at: Date;
  published_at: Date | null;
  dead_at: Date | null;
  attempts: number;
  last_error: string | null;
  payload: Buffer;
}

// Statements name `outbox_events.id` in ORDER BY and keysets: a bare `id` in ORDER BY would be this
// text alias, in text order ('9' after '10').
const COLUMNS = 'id::text AS id, event_id, event_type, subject, occurred_at, published_at, dead_at, attempts, last_error, payload';
const SCAN_BATCH = 500;

/** `EventMeta meta = 1` of any Govern event, read from the wire without knowing the event's type. */
export const eventMetaOf = (payload: Uint8Array): EventMeta | undefined => {
  try {
    const reader = new BinaryReader(payload);
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      if (fieldNo === 1 && wireType === WireType.LengthDelimited) return EventMeta.decode(reader.bytes());
      reader.skip(wireType);
    }
  } catch {
    // A payload that does not parse has no readable meta; the record still shows its bytes.
  }
  return undefined;
};

const stateOf = (row: OutboxRow): OutboxEventState => (row.published_at ? 'PUBLISHED' : row.dead_at ? 'DEAD' : 'PENDING');

const eventOf = (row: OutboxRow): ProducedEvent => {
  const payload = new Uint8Array(row.payload);
  const event: ProducedEvent = {
    id: BigInt(row.id),
    eventId: row.event_id,
    eventType: row.event_type,
    subject: row.subject,
    occurredAt: row.occurred_at,
    state: stateOf(row),
    attempts: row.attempts,
    payload,
  };
  if (row.published_at) event.publishedAt = row.published_at;
  if (row.dead_at) event.deadAt = row.dead_at;
  if (row.last_error) event.lastError = row.last_error;
  const meta = eventMetaOf(payload);
  if (meta) event.meta = meta;
  return event;
};

const STATE_SQL: Record<OutboxEventState, string> = {
  PENDING: 'published_at IS NULL AND dead_at IS NULL',
  PUBLISHED: 'published_at IS NOT NULL',
  DEAD: 'dead_at IS NOT NULL',
};

export interface EventLog {
  /**
   * Newest first, `limit` at most, below `before` when given: outbox id descending, or, with a
   * time window, occurrence time then id descending (`before` then needs its `occurredAt`).
   */
  list(filter: ProducedEventFilter, page: { limit: number; before?: EventPageKey }): Promise<EventPage>;
  /** One event by its id; undefined when it is not (or no longer) in the outbox. */
  get(eventId: string): Promise<ProducedEvent | undefined>;
  /** Events the bus refused too often (dead letters of origin PUBLISH), newest first. */
  dead(page: { limit: number; before?: bigint }): Promise<ProducedEvent[]>;
  /** Lets the relay try a dead row again (rejections start over); false when it is not dead. */
  revive(id: bigint): Promise<boolean>;
}

export const createEventLog = (options: EventLogOptions): EventLog => {
  const maxScan = options.maxScan ?? 5_000;
  const query = <T>(sql: string, ...values: unknown[]): Promise<T> => runInTransaction(options.db, (tx) => tx.$queryRawUnsafe<T>(sql, ...values));

  const matches = (event: ProducedEvent, filter: ProducedEventFilter): boolean => {
    if (filter.correlationId !== undefined && event.meta?.correlationId !== filter.correlationId) return false;
    const wanted = filter.resource;
    if (wanted) {
      const resources = options.resourcesOf?.(event.eventType, event.payload) ?? [];
      if (!resources.some((r) => r.type === wanted.type && r.id === wanted.id)) return false;
    }
    return true;
  };

  return {
    async list(filter, page) {
      const where: string[] = [];
      const values: unknown[] = [];
      const bind = (value: unknown): string => {
        values.push(value);
        return `$${values.length}`;
      };
      if (filter.eventType !== undefined) where.push(`event_type = ${bind(filter.eventType)}`);
      if (filter.window) where.push(`occurred_at >= ${bind(filter.window.start)}::timestamptz AND occurred_at < ${bind(filter.window.end)}::timestamptz`);
      if (filter.state) where.push(STATE_SQL[filter.state]);
      // Payload prefilters: the searched text appears verbatim (UTF-8) in the protobuf bytes.
      if (filter.correlationId !== undefined) where.push(`position(convert_to(${bind(filter.correlationId)}, 'UTF8') in payload) > 0`);
      if (filter.resource) where.push(`position(convert_to(${bind(filter.resource.id)}, 'UTF8') in payload) > 0`);
      const exact = filter.correlationId !== undefined || filter.resource !== undefined;
      const byTime = filter.window !== undefined;
      if (byTime && page.before !== undefined && page.before.occurredAt === undefined) throw new Error('a time window\'s page continues below an (occurredAt, id) key');
      const order = byTime ? 'occurred_at DESC, outbox_events.id DESC' : 'outbox_events.id DESC';
      const found: ProducedEvent[] = [];
      let before = page.before;
      let scanned = 0;
      const keyOf = (event: ProducedEvent): EventPageKey => (byTime ? { id: event.id, occurredAt: event.occurredAt } : { id: event.id });
      for (;;) {
        const batch = exact ? Math.min(SCAN_BATCH, maxScan - scanned) : page.limit + 1 - found.length;
        // The filters' values stay bound; the key's and the batch's are bound afresh each round.
        const filterValues = values.length;
        const keyset =
          before === undefined
            ? []
            : byTime
              ? [`(occurred_at, outbox_events.id) < (${bind(before.occurredAt)}::timestamptz, ${bind(before.id.toString())}::bigint)`]
              : [`outbox_events.id < ${bind(before.id.toString())}::bigint`];
        const clause = [...where, ...keyset];
        const rows = await query<OutboxRow[]>(
          `SELECT ${COLUMNS} FROM outbox_events ${clause.length ? `WHERE ${clause.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${bind(batch)}`,
          ...values,
        );
        values.length = filterValues;
        for (const row of rows) {
          scanned++;
          const event = eventOf(row);
          before = keyOf(event);
          if (!matches(event, filter)) continue;
          found.push(event);
          if (found.length > page.limit) {
            found.pop();
            const last = found.at(-1);
            return { events: found, ...(last ? { continueBefore: keyOf(last) } : {}) };
          }
        }
        if (rows.length < batch) return { events: found };
        // The scan bound stops here; the token continues below the last row looked at.
        if (exact && scanned >= maxScan) return { events: found, ...(before !== undefined ? { continueBefore: before } : {}) };
      }
    },

    async get(eventId) {
      const rows = await query<OutboxRow[]>(`SELECT ${COLUMNS} FROM outbox_events WHERE event_id = $1`, eventId);
      return rows[0] ? eventOf(rows[0]) : undefined;
    },

    async dead(page) {
      const rows = await query<OutboxRow[]>(
        `SELECT ${COLUMNS} FROM outbox_events WHERE dead_at IS NOT NULL AND id < $1::bigint ORDER BY outbox_events.id DESC LIMIT $2`,
        (page.before ?? 2n ** 63n - 1n).toString(),
        page.limit,
      );
      return rows.map(eventOf);
    },

    async revive(id) {
      const updated = await runInTransaction(options.db, (tx) =>
        tx.$executeRawUnsafe(`UPDATE outbox_events SET dead_at = NULL, rejections = 0 WHERE id = $1::bigint AND dead_at IS NOT NULL`, id.toString()),
      );
      return updated > 0;
    },
  };
};
