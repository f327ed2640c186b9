import type { Sql, SqlTx } from '@govern/platform-db';
import {
  IDENTIFIER_KINDS,
  RingGraph,
  type GraphIdentifier,
  type IdentifierKind,
  type MerchantStatus,
  type RingCheckResult,
} from '@govern/merchant-access-domain';
import type { Logger } from 'pino';
import { SeqTracker } from './seq-tracker';

interface EntryRow {
  seq: bigint;
  merchant_id: string;
  identifier_kind: string | null;
  identifier_hash: string | null;
  status: string | null;
}

export interface RingGraphIndexOptions {
  /** Rows read per query, at start-up and when catching up. */
  pageSize?: number;
  /** How long a skipped seq may still commit: longer than any transaction of the service. */
  gapTtlMs?: number;
  maxGaps?: number;
  /** Wall-clock milliseconds for gap ageing (not the business clock: it measures transactions). */
  nowMs?: () => number;
}

const STATUSES: readonly MerchantStatus[] = ['ACTIVE', 'LISTING_RESTRICTED', 'SUSPENDED', 'REMOVED'];
const isStatus = (value: string | null): value is MerchantStatus => value !== null && (STATUSES as readonly string[]).includes(value);
const isKind = (value: string | null): value is IdentifierKind => value !== null && (IDENTIFIER_KINDS as readonly string[]).includes(value);

/** A unit of work's plain SQL (pipelined, no Prisma) or a Prisma client (start-up, reads outside a unit). */
type EntrySource = Sql | SqlTx;
const isSql = (db: EntrySource): db is Sql => typeof (db as Partial<Sql>).send === 'function';
const readRows = <Row>(db: EntrySource, text: string, values: unknown[]): Promise<Row[]> =>
  isSql(db) ? db.query<Row>(text, values) : db.$queryRawUnsafe<Row[]>(text, ...values);

/**
 * The service's ring graph: built once from `ring_graph_entries` at start-up, then kept up to
 * date in place. Before every link check the index reads the entries committed since (one indexed
 * query on `seq`, usually returning a few rows), this replica's own onboardings and status changes
 * included, so a removal anywhere is seen by the next check everywhere. Own changes are not applied
 * from the use cases directly: a unit of work may run its work and still roll back (a concurrent
 * retry of the same request_id won the claim), and only the log knows what committed. The graph is
 * never rebuilt per request.
 */
export class RingGraphIndex {
  private readonly tracker: SeqTracker;
  private readonly pageSize: number;
  private readonly nowMs: () => number;
  // Catch-ups run one at a time. A check needs one that started after the check asked for it:
  // `asked` counts requests, `covered` is the highest request a finished catch-up started after.
  private queue: Promise<void> = Promise.resolve();
  private asked = 0;
  private covered = 0;

  private constructor(
    private readonly graph: RingGraph,
    private readonly log: Logger,
    options: RingGraphIndexOptions,
  ) {
    this.pageSize = options.pageSize ?? 50_000;
    this.nowMs = options.nowMs ?? Date.now;
    this.tracker = new SeqTracker({ gapTtlMs: options.gapTtlMs ?? 60_000, maxGaps: options.maxGaps ?? 10_000 });
  }

  /** Loads the whole graph (sized from the table first, so the typed arrays grow once at most). */
  static async load(db: SqlTx, log: Logger, options: RingGraphIndexOptions = {}): Promise<RingGraphIndex> {
    const started = Date.now();
    const [counts] = await db.$queryRawUnsafe<{ merchants: bigint; identifiers: bigint }[]>(
      `SELECT (SELECT count(*) FROM merchants) AS merchants,
              (SELECT count(*) FROM ring_graph_entries WHERE identifier_hash IS NOT NULL) AS identifiers`,
    );
    const merchants = Number(counts?.merchants ?? 0n);
    const identifiers = Number(counts?.identifiers ?? 0n);
    const graph = new RingGraph({
      expectedMerchants: Math.max(1024, Math.ceil(merchants * 1.2)),
      expectedIdentifiers: Math.max(4096, Math.ceil(identifiers * 1.2)),
      expectedEdges: Math.max(4096, Math.ceil(identifiers * 1.2)),
    });
    const index = new RingGraphIndex(graph, log, options);
    await index.readNewEntries(db);
    // Only the newest values can belong to transactions still running at start-up.
    index.tracker.forgetGapsBelow(index.tracker.last - 1_000n);
    log.info({ ...graph.size, bytes: graph.bytes, ms: Date.now() - started }, 'ring graph loaded');
    return index;
  }

  /**
   * Reads the entries committed since the last catch-up (by any replica). Concurrent callers
   * share catch-ups: each waits for one that started after it called. `db` may be the caller's
   * transaction (the embedded database has a single connection): its plain SQL on a hot path, so
   * the check does not make Prisma join the unit.
   */
  catchUp(db: EntrySource): Promise<void> {
    const ticket = ++this.asked;
    const run = this.queue.then(async () => {
      if (this.covered >= ticket) return;
      const startedFor = this.asked;
      await this.readNewEntries(db);
      this.covered = startedFor;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Links of the identifiers in the graph as it stands (call `catchUp` first). */
  check(identifiers: readonly GraphIdentifier[], excludeMerchantId?: string): RingCheckResult {
    return this.graph.checkLinks(identifiers, excludeMerchantId === undefined ? {} : { excludeMerchantId });
  }

  get size(): { merchants: number; identifiers: number; edges: number } {
    return this.graph.size;
  }

  private async readNewEntries(db: EntrySource): Promise<void> {
    for (;;) {
      const gaps = this.tracker.gaps(this.nowMs()).map(String);
      const rows = await readRows<EntryRow>(
        db,
        `SELECT seq, merchant_id, identifier_kind, identifier_hash, status FROM ring_graph_entries
          WHERE seq > $1::bigint OR seq = ANY($2::bigint[])
          ORDER BY seq LIMIT $3`,
        [String(this.tracker.last), gaps, this.pageSize],
      );
      const now = this.nowMs();
      for (const row of rows) {
        this.apply(row);
        this.tracker.observe(BigInt(row.seq), now);
      }
      if (rows.length < this.pageSize) return;
    }
  }

  private apply(row: EntryRow): void {
    if (isKind(row.identifier_kind) && row.identifier_hash !== null) {
      this.graph.addMerchant(row.merchant_id, [{ kind: row.identifier_kind, key: row.identifier_hash }], this.graph.statusOf(row.merchant_id) ?? 'ACTIVE');
    } else if (isStatus(row.status)) {
      if (this.graph.has(row.merchant_id)) this.graph.setStatus(row.merchant_id, row.status);
      else this.graph.addMerchant(row.merchant_id, [], row.status);
    } else {
      this.log.warn({ seq: String(row.seq) }, 'ring graph entry with neither an identifier nor a status; skipped');
    }
  }
}
