/**
 * The Prisma `where` of a keyset page: the rows after the last one returned, in a list ordered by
 * (time, id). Every list RPC's page token is that key (platform-grpc's `timeIdPageToken`).
 *
 * "After (t, id)" is `time < t OR (time = t AND id < id)` newest first, but PostgreSQL cannot turn
 * that OR into a bound of an index on the time: it walks the index from the newest row and drops
 * every row the earlier pages returned. Page n of a list read all the rows of pages 1..n-1 again
 * (a page deep into 2 million orders: 1.7 million rows, 350 ms). The redundant `time <= t` beside
 * the OR is a bound the index scan starts from, so a page reads its own rows and the few that
 * share the cursor's time.
 *
 * Written here rather than with Prisma's `cursor` option: that one starts from a row found by its
 * unique key, which must still exist, while the page tokens carry the sort key itself.
 */
export type KeysetDirection = 'newestFirst' | 'oldestFirst';

type Bound<Op extends string> = { [K in Op]: Date };
type IdAfter<Id> = { lt: Id } | { gt: Id };

export type KeysetWhere<T extends string, I extends string, Id> = {
  AND?: [{ [K in T]: Bound<'lte'> | Bound<'gte'> }, { OR: [{ [K in T]: Bound<'lt'> | Bound<'gt'> }, { [K in T]: Date } & { [K in I]: IdAfter<Id> }] }];
};

/**
 * `where` entries for the rows after `last` ([time, id] of the previous page's last row; none on
 * the first page), in `direction` by `time` then `id`. Spread into the list's `where`: it is one
 * `AND`, so it sits beside the list's own filters, a time window on the same column included.
 */
export const keysetAfter = <const T extends string, const I extends string, Id extends string | bigint | number>(
  order: { time: T; id: I; direction: KeysetDirection },
  last: readonly [Date, Id] | undefined,
): KeysetWhere<T, I, Id> => {
  if (!last) return {};
  const [at, id] = last;
  const newestFirst = order.direction === 'newestFirst';
  const field = <K extends string, V>(key: K, value: V) => ({ [key]: value }) as { [P in K]: V };
  return {
    AND: [
      field(order.time, newestFirst ? { lte: at } : { gte: at }),
      { OR: [field(order.time, newestFirst ? { lt: at } : { gt: at }), { ...field(order.time, at), ...field(order.id, newestFirst ? { lt: id } : { gt: id }) }] },
    ],
  };
};
