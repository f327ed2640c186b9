import { join } from 'node:path';
import { connectPrisma, type DatabaseConnection } from '@govern/platform-db';
import { PrismaClient } from './generated/prisma/client';

export { PrismaClient } from './generated/prisma/client';
export type { Prisma } from './generated/prisma/client';

/** The migrations of this service's database, in Prisma's layout. */
export const ConsumerExperienceMigrations = join(import.meta.dirname, '..', 'prisma', 'migrations');

export type ConsumerExperienceDatabase = DatabaseConnection<PrismaClient>;

export const connectConsumerExperienceDatabase = (options: { connectionString: string; poolSize?: number }): ConsumerExperienceDatabase =>
  connectPrisma((adapter) => new PrismaClient({ adapter }), { ...options, applicationName: 'consumer-experience' });
