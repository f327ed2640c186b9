import type { EventMeta, EventType } from '@govern/contracts-common';
import { appendToOutbox, toOutgoing, type OutgoingEvent } from '@govern/platform-events';
import { newEventMeta } from '@govern/platform-runtime';
import type { SqlTx } from '@govern/platform-db';
import type { Clock, IdGenerator } from '@govern/policy-core';

/**
 * The events one transaction publishes: use cases add them as they decide, and the batch is
 * written to the outbox once, before commit (one INSERT per thousand events). Every event of
 * the batch has the same cause: the request or the event that started the transaction.
 */
export class EventBatch {
  private readonly pending: OutgoingEvent[] = [];

  constructor(
    private readonly deps: { clock: Clock; ids: IdGenerator },
    private readonly cause: { causationId: string; correlationId?: string },
  ) {}

  add<T extends { meta?: EventMeta | undefined }>(type: EventType<T>, message: Omit<T, 'meta'>): void {
    this.pending.push(toOutgoing(type, { ...message, meta: newEventMeta(this.deps, this.cause) } as T));
  }

  get size(): number {
    return this.pending.length;
  }

  /** Appends the events to the outbox in `tx`; returns how many were written. */
  async write(tx: SqlTx): Promise<number> {
    const count = this.pending.length;
    if (count > 0) await appendToOutbox(tx, this.pending.splice(0));
    return count;
  }
}
