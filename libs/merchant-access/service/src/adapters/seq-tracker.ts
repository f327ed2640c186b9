/**
 * Follows an append-only table by its BIGSERIAL column across replicas. Sequence values are
 * taken at insert but become visible at commit, so a reader that only asks for `seq > last`
 * would skip a row whose transaction committed after a later one. The tracker remembers every
 * value it jumped over (a gap) and asks for those again until they show up or are older than
 * any transaction can run (a rolled-back insert leaves a gap for good).
 */
export class SeqTracker {
  private lastSeen = 0n;
  /** Gap value -> when it was first noticed (ms). */
  private readonly openGaps = new Map<bigint, number>();

  constructor(private readonly options: { gapTtlMs: number; maxGaps: number }) {}

  get last(): bigint {
    return this.lastSeen;
  }

  /** Gaps still worth asking for at `nowMs`; older ones are dropped. */
  gaps(nowMs: number): bigint[] {
    for (const [seq, since] of this.openGaps) {
      if (nowMs - since > this.options.gapTtlMs) this.openGaps.delete(seq);
    }
    return [...this.openGaps.keys()];
  }

  /** Records a row read in ascending order of seq (gap rows first, as the query orders them). */
  observe(seq: bigint, nowMs: number): void {
    if (seq <= this.lastSeen) {
      this.openGaps.delete(seq);
      return;
    }
    // Nearest first: a bound on memory (a flood of aborted inserts must not grow the list
    // without end) should drop the oldest values, which are the least likely to still commit.
    for (let missing = seq - 1n; missing > this.lastSeen; missing--) {
      if (this.openGaps.size >= this.options.maxGaps) break;
      this.openGaps.set(missing, nowMs);
    }
    this.lastSeen = seq;
  }

  /**
   * Forgets gaps below `seq`. After the start-up load only the newest values can belong to
   * transactions still running; the older gaps are rolled-back inserts of the past.
   */
  forgetGapsBelow(seq: bigint): void {
    for (const gap of this.openGaps.keys()) if (gap < seq) this.openGaps.delete(gap);
  }
}
