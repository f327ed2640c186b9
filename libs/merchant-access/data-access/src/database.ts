import { join } from 'node:path';
import { connectPrisma, type DatabaseConnection } from '@govern/platform-db';
import { PrismaClient } from './generated/prisma/client';

export { PrismaClient } from './generated/prisma/client';
export type { Prisma } from './generated/prisma/client';

/** The migrations of this service's database, in Prisma's layout. */
export const MerchantAccessMigrations = join(import.meta.dirname, '..', 'prisma', 'migrations');

export type MerchantAccessDatabase = DatabaseConnection<PrismaClient>;

export const connectMerchantAccessDatabase = (options: { connectionString: string; poolSize?: number }): MerchantAccessDatabase =>
  connectPrisma((adapter) => new PrismaClient({ adapter }), { ...options, applicationName: 'merchant-access' });
