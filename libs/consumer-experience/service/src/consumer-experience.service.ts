import { ConsumerExperienceServiceDefinition, consumerExperienceDescriptorSet } from '@govern/contracts-consumer-experience';
import { streamOf } from '@govern/contracts-common';
import { connectConsumerExperienceDatabase, ConsumerExperienceMigrations, type PrismaClient } from '@govern/consumer-experience-data-access';
import type { ServiceDefinition } from '@govern/platform-runtime';
import { startInspectionFailuresConsumer } from './consumers/inspection-failures.consumer';
import { startMerchantStandingConsumer } from './consumers/merchant-standing.consumer';
import { createConsumerExperienceHandlers } from './grpc/consumer-experience.handlers';
import { createJobHandlers } from './jobs/consumer-experience.jobs';

/**
 * The consumer-experience service as the platform runtime starts it: its database, its event
 * stream (and the two it consumes), its gRPC handlers, its durable timers (promise clocks,
 * after-sale deadlines, debounced metric reports) and its consumers (critical lab failures,
 * merchant standing and removals).
 */
export const createConsumerExperienceService = (options: { cascadeChunkSize?: number } = {}): ServiceDefinition<PrismaClient> => ({
  name: 'consumer-experience',
  migrationsDir: ConsumerExperienceMigrations,
  connect: connectConsumerExperienceDatabase,
  streams: [streamOf('consumer_experience'), streamOf('product_quality'), streamOf('merchant_access')],
  descriptorSets: [consumerExperienceDescriptorSet],
  async register({ server, db, bus, log, clock, ids, eventsWritten, onStop, jobs }) {
    const deps = { clock, ids, ...(options.cascadeChunkSize ? { cascadeChunkSize: options.cascadeChunkSize } : {}) };
    server.add(ConsumerExperienceServiceDefinition, createConsumerExperienceHandlers({ ...deps, db, eventsWritten }));
    jobs(createJobHandlers(deps));
    const inspections = await startInspectionFailuresConsumer({ bus, db, log, deps });
    onStop('inspection failures consumer', () => inspections.stop());
    const standing = await startMerchantStandingConsumer({ bus, db, log, deps });
    onStop('merchant standing consumer', () => standing.stop());
  },
});

export const consumerExperienceService: ServiceDefinition<PrismaClient> = createConsumerExperienceService();
