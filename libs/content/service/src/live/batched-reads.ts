interface Waiter<T> {
  resolve: (value: T | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads by id, many at a time: the ids asked for while no read is under way go out together on
 * the next turn of the event loop, and those asked for during a read go together in the one right
 * after it (at most `maxBatch` ids a read, one read at a time).
 *
 * Why: when a service starts or a client fleet reconnects, every signal stream opens at once and
 * each names a session to resume. Read one by one, 200 sessions took 200 reads queueing for a pool
 * of 10 connections, and the signals behind them waited seconds (the livestream bench's start-up).
 * Read together, they take a few set-based statements on one connection, and a stream opening
 * alone still waits for one read only.
 *
 * Why not the `dataloader` package: it batches what is asked within one tick and runs its batches
 * concurrently, but a reconnect storm arrives over many socket reads (many ticks), so it would send
 * many small reads at once into the pool, which is the queue this avoids; holding the ids that
 * arrive during a read for the next one is the part that matters here.
 */
export class BatchedReads<T> {
  private readonly waiting = new Map<string, Waiter<T>[]>();
  private scheduled = false;
  private reading = false;

  /** `read` returns what it found by id; an id it leaves out is answered `undefined`. */
  constructor(
    private readonly read: (ids: string[]) => Promise<ReadonlyMap<string, T>>,
    private readonly maxBatch = 500,
  ) {}

  get(id: string): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const waiters = this.waiting.get(id);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(id, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.reading) return;
    this.scheduled = true;
    // setImmediate, not a microtask: the messages that came in on the same socket read join.
    setImmediate(() => {
      this.scheduled = false;
      void this.readNext();
    });
  }

  private async readNext(): Promise<void> {
    if (this.reading || this.waiting.size === 0) return;
    const batch = new Map<string, Waiter<T>[]>();
    for (const [id, waiters] of this.waiting) {
      if (batch.size >= this.maxBatch) break;
      batch.set(id, waiters);
    }
    for (const id of batch.keys()) this.waiting.delete(id);
    this.reading = true;
    try {
      const found = await this.read([...batch.keys()]);
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(found.get(id));
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    } finally {
      this.reading = false;
      if (this.waiting.size > 0) this.schedule();
    }
  }
}
