import { streamOf } from '@govern/contracts-common';
import {
  AfterSaleReason,
  AfterSaleType,
  ConsumerExperienceServiceDefinition,
  FulfilmentType,
  type RecordOrderRequest,
  type RequestAfterSaleRequest,
} from '@govern/contracts-consumer-experience';
import type { PrismaClient } from '@govern/consumer-experience-data-access';
import { closeServiceClient, createServiceClient, type ServiceClient } from '@govern/platform-grpc';
import { startService, type RunningService } from '@govern/platform-runtime';
import {
  devTokenVerifier,
  serverTransportOf,
  startServiceForTest,
  testClientCredentials,
  useForSuite,
  type EventCollector,
  type ServiceUnderTest,
} from '@govern/platform-service-testing';
import { HOUR, ManualClock } from '@govern/policy-core';
import pino from 'pino';
import { createConsumerExperienceService, type ConsumerExperienceOptions } from '../consumer-experience.service';

/**
 * Integration-test fixture: the service started the way production starts it (real gRPC, a fresh
 * PostgreSQL database, a JetStream namespace), a client, and helpers that speak the API.
 */
export type ConsumerExperienceClient = ServiceClient<ConsumerExperienceServiceDefinition>;

export interface Fixture {
  sut: ServiceUnderTest<PrismaClient>;
  client: ConsumerExperienceClient;
  clock: ManualClock;
  /** A fresh id per call: tests never collide on order ids or request ids. */
  id(prefix: string): string;
  /** A valid RecordOrder request: a fresh request and order id, an in-stock order paid an hour ago. */
  orderRequest(overrides?: Partial<RecordOrderRequest>): RecordOrderRequest;
  recordOrder(overrides?: Partial<RecordOrderRequest>): Promise<string>;
  /** A valid RequestAfterSale request of the order's buyer: a full refund-only request before dispatch (10,000 fen) unless told otherwise. */
  afterSaleRequest(request: Pick<RequestAfterSaleRequest, 'orderId' | 'buyerId'> & Partial<RequestAfterSaleRequest>): RequestAfterSaleRequest;
  /** A second process of the service on the same database and bus (the first must be stopped). */
  restart(): Promise<{ service: RunningService<PrismaClient>; client: ConsumerExperienceClient; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

export const START = '2026-11-01T00:00:00Z';

export const startFixture = async (options: ConsumerExperienceOptions = {}): Promise<Fixture> => {
  const definition = createConsumerExperienceService(options);
  const clock = new ManualClock(START);
  const sut = await startServiceForTest(definition, { clock });
  const client = sut.client(ConsumerExperienceServiceDefinition);
  let counter = 0;
  const id = (prefix: string): string => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const orderRequest = (overrides: Partial<RecordOrderRequest> = {}): RecordOrderRequest => {
    const orderId = overrides.orderId ?? id('order');
    return {
      requestId: id('req'),
      orderId,
      buyerId: 'buyer-1',
      merchantId: 'merchant-1',
      productId: 'product-1',
      skuId: 'sku-1',
      categoryCode: 'home.kitchen',
      attributedContentId: '',
      attributedCreatorId: '',
      amountFen: 10_000n,
      paidAt: new Date(clock.now().getTime() - HOUR),
      fulfilment: FulfilmentType.FULFILMENT_TYPE_IN_STOCK,
      returnExemptions: [],
      ...overrides,
    };
  };
  return {
    sut,
    client,
    clock,
    id,
    orderRequest,
    async recordOrder(overrides = {}) {
      const request = orderRequest(overrides);
      await client.recordOrder(request);
      return request.orderId;
    },
    afterSaleRequest: (request) => ({
      requestId: id('req'),
      type: AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY,
      reason: AfterSaleReason.AFTER_SALE_REASON_NOT_WANTED_BEFORE_DISPATCH,
      amountFen: 10_000n,
      description: '',
      evidenceRefs: [],
      goodsUnsealed: false,
      ...request,
    }),
    async restart() {
      const service = await startService(definition, {
        log: pino({ level: 'silent' }),
        clock,
        bus: sut.bus,
        databaseUrl: sut.database.url,
        poolSize: 4,
        migrate: true,
        host: '127.0.0.1',
        port: 0,
        transport: serverTransportOf(sut.pki, definition.name),
        tokens: devTokenVerifier(sut.pki),
        shutdownGraceMs: 2_000,
        relayListens: true,
        backgroundJobs: false,
      });
      const credentials = testClientCredentials(sut.pki, {}, service.server.policies);
      const restartedClient = createServiceClient(ConsumerExperienceServiceDefinition, service.address, { defaultDeadlineMs: 10_000, ...credentials });
      return {
        service,
        client: restartedClient,
        async stop() {
          closeServiceClient(restartedClient);
          await service.shutdown();
        },
      };
    },
    async stop() {
      closeServiceClient(client);
      await sut.stop();
    },
  };
};

/** The gRPC error a call failed with (code name, ErrorInfo reason, field violations). */
export { failureOf } from '@govern/platform-service-testing';

/** Every ledger transaction balanced and debits equal credits: checked after every test. */
export const expectLedgerBalanced = async (client: ConsumerExperienceClient): Promise<void> => {
  const { ledger } = await client.getFundLedger({});
  if (!ledger?.balanced || ledger.totalDebitsFen !== ledger.totalCreditsFen) {
    throw new Error(`ledger out of balance: debits ${ledger?.totalDebitsFen} credits ${ledger?.totalCreditsFen}`);
  }
};

/** A care timer firing twice: the completed care jobs made due again (as a restore or a replica's double claim would), then run. */
export const rearmCareTimers = async (f: Pick<Fixture, 'sut' | 'clock'>): Promise<void> => {
  await f.sut.db.$executeRawUnsafe(`UPDATE scheduled_jobs SET completed_at = NULL, due_at = $1 WHERE kind IN ('CARE_NUDGE', 'CARE_STEP_IN')`, f.clock.now());
  await f.sut.runDueJobs();
};

/** A fixture with every event the service publishes collected (govern.consumer_experience.>). */
export interface CollectingFixture {
  f: Fixture;
  events: EventCollector;
  stop(): Promise<void>;
}

/**
 * For a describe block: the service started with its events collected before the tests (handed to
 * `bind`), stopped after them; with `ledgerBalancedAfterEach`, the ledger checked after every test.
 */
export const useCollectingFixture = (bind: (suite: CollectingFixture) => void, options: { ledgerBalancedAfterEach?: boolean } = {}): void =>
  useForSuite(
    async () => {
      const f = await startFixture();
      const events = await f.sut.collect(streamOf('consumer_experience').name, ['govern.consumer_experience.>']);
      return { f, events, stop: () => f.stop() };
    },
    bind,
    options.ledgerBalancedAfterEach ? { afterEach: ({ f }) => expectLedgerBalanced(f.client) } : {},
  );
