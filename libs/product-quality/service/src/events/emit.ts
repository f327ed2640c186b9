import type { EventMeta, EventType } from '@govern/contracts-common';
import type { SqlTx } from '@govern/platform-db';
import { appendToOutbox, type EventMessage, toOutgoing } from '@govern/platform-events';
import { newEventMeta } from '@govern/platform-runtime';
import type { Clock, IdGenerator } from '@govern/policy-core';

/** What caused the events a use case writes: the request_id of a mutation, or the event consumed (cascade). */
export interface EventCause {
  causationId: string;
  correlationId?: string;
}

export interface EventDeps {
  clock: Clock;
  ids: IdGenerator;
}

/** Events of one transaction, appended to the outbox in one statement (per thousand) when flushed. */
export class OutboxBatch {
  private readonly pending: ReturnType<typeof toOutgoing>[] = [];

  constructor(
    private readonly deps: EventDeps,
    private readonly cause: EventCause,
  ) {}

  meta(): EventMeta {
    return newEventMeta(this.deps, this.cause);
  }

  add<T extends EventMessage>(type: EventType<T>, message: Omit<T, 'meta'>): void {
    this.pending.push(toOutgoing(type, { ...message, meta: this.meta() } as T));
  }

  get size(): number {
    return this.pending.length;
  }

  async flush(tx: SqlTx): Promise<void> {
    if (this.pending.length === 0) return;
    await appendToOutbox(tx, this.pending.splice(0));
  }
}
