/**
 * Renders deploy/nats/govern.conf from the event topology (libs/platform/auth):
 *   npx tsx deploy/nats/render-config.ts > deploy/nats/govern.conf
 * libs/platform/auth/src/nats/server-config.spec.ts fails while the two disagree.
 */
import { renderNatsServerConfig } from '@govern/platform-auth';

process.stdout.write(renderNatsServerConfig());
