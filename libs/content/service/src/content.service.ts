import { ContentServiceDefinition, contentDescriptorSet } from '@govern/contracts-content';
import { streamOf } from '@govern/contracts-common';
import { connectContentDatabase, ContentMigrations, type PrismaClient } from '@govern/content-data-access';
import type { ServiceDefinition } from '@govern/platform-runtime';

/**
 * The content service as the platform runtime starts it: its database, its event stream,
 * and its gRPC handlers. Methods not implemented yet answer UNIMPLEMENTED.
 */
export const contentService: ServiceDefinition<PrismaClient> = {
  name: 'content',
  migrationsDir: ContentMigrations,
  connect: connectContentDatabase,
  streams: [streamOf('content')],
  descriptorSets: [contentDescriptorSet],
  async register({ server }) {
    server.add(ContentServiceDefinition, {});
  },
};
