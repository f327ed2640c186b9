import type pg from 'pg';

type Corkable = { cork?(): void; uncork?(): void };

const corked = new WeakSet<Corkable>();

/**
 * What a node-postgres client sends in this tick leaves in one socket write: node-postgres writes
 * each statement on its own (one writev per statement), so the socket is corked until the next
 * tick. Fewer writes cost less CPU (a fifth of RecordOrder's service CPU was in these writes), and
 * a server that runs whatever has arrived as one exchange (the embedded PGlite's wire server,
 * embedded-postgres.wire.mjs) runs BEGIN and the statements behind it together instead of
 * answering BEGIN alone while the rest is still on its way, holding its one session for a round
 * trip more. A client without a socket stream to cork sends as it always does.
 */
export const holdWritesUntilNextTick = (client: pg.ClientBase): void => {
  const stream = (client as unknown as { connection?: { stream?: Corkable } }).connection?.stream;
  if (!stream?.cork || !stream.uncork || corked.has(stream)) return;
  stream.cork();
  corked.add(stream);
  process.nextTick(() => {
    corked.delete(stream);
    stream.uncork?.();
  });
};
