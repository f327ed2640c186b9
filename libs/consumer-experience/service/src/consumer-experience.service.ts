import { ConsumerExperienceServiceDefinition, consumerExperienceDescriptorSet } from '@govern/contracts-consumer-experience';
import { streamOf } from '@govern/contracts-common';
import { connectConsumerExperienceDatabase, ConsumerExperienceMigrations, type PrismaClient } from '@govern/consumer-experience-data-access';
import type { ServiceDefinition } from '@govern/platform-runtime';

/**
 * The consumer-experience service as the platform runtime starts it: its database, its event stream,
 * and its gRPC handlers. Methods not implemented yet answer UNIMPLEMENTED.
 */
export const consumerExperienceService: ServiceDefinition<PrismaClient> = {
  name: 'consumer-experience',
  migrationsDir: ConsumerExperienceMigrations,
  connect: connectConsumerExperienceDatabase,
  streams: [streamOf('consumer_experience')],
  descriptorSets: [consumerExperienceDescriptorSet],
  async register({ server }) {
    server.add(ConsumerExperienceServiceDefinition, {});
  },
};
