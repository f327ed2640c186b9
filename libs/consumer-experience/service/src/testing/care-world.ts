import { GovernanceOpsServiceDefinition, streamOf } from '@govern/contracts-common';
import { closeServiceClient, type ServiceClient } from '@govern/platform-grpc';
import type { EventCollector } from '@govern/platform-service-testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { expectLedgerBalanced, startFixture, type Fixture } from './service-fixture';

/** What a care integration test works with: the service, its events and the decisions API. */
export interface CareWorld {
  f: Fixture;
  events: EventCollector;
  ops: ServiceClient<typeof GovernanceOpsServiceDefinition>;
}

/**
 * Registers, in the calling `describe`, a service started once for its tests, the collector of its
 * events and a GovernanceOps client, with the ledger checked balanced after every test. Read the
 * world's fields inside the tests (they are set once `beforeAll` ran).
 */
export const useCareWorld = (): CareWorld => {
  const world = {} as CareWorld;
  beforeAll(async () => {
    world.f = await startFixture();
    world.events = await world.f.sut.collect(streamOf('consumer_experience').name, ['govern.consumer_experience.>']);
    world.ops = world.f.sut.client(GovernanceOpsServiceDefinition, undefined, { defaultDeadlineMs: 20_000 });
  });
  afterEach(async () => expectLedgerBalanced(world.f.client));
  afterAll(async () => {
    if (world.ops) closeServiceClient(world.ops);
    await world.f?.stop();
  });
  return world;
};
