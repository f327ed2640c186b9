import { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

/**
 * Prisma's query interpreter runs independent parts of one query plan at the same time (a read
 * with its relations, a nested write). Outside a transaction each goes to its own pooled
 * connection; inside one they all go to the transaction's single pg client, which queues them
 * and warns "Calling client.query() when the client is already executing a query" (pg 9 will
 * refuse). This adapter hands a transaction's statements to pg one after another, in the order
 * Prisma issued them: the connection ran them one at a time anyway, so nothing is slower.
 * Hand-written because neither Prisma nor adapter-pg offers it.
 */
export class SerialTransactionsPrismaPg extends PrismaPg {
  override async connect(): Promise<Adapter> {
    return serialiseTransactions(await super.connect());
  }

  override async connectToShadowDb(): Promise<Adapter> {
    return serialiseTransactions(await super.connectToShadowDb());
  }
}

const serialiseTransactions = (adapter: Adapter): Adapter => {
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => serialise(await start(isolationLevel));
  return adapter;
};

const serialise = (tx: Transaction): Transaction => {
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    return next;
  };
  const queryRaw = tx.queryRaw.bind(tx);
  const executeRaw = tx.executeRaw.bind(tx);
  tx.queryRaw = (query) => inTurn(() => queryRaw(query));
  tx.executeRaw = (query) => inTurn(() => executeRaw(query));
  return tx;
};
