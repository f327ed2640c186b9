import { join } from 'node:path';
import { connectPrisma, type DatabaseConnection } from '@govern/platform-db';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export { PrismaClient } from './generated/prisma/client';
export type {
  AffiliateChange as AffiliateChangeRow,
  AffiliateSweep as AffiliateSweepRow,
  Appeal as AppealRow,
  Application as ApplicationRow,
  Merchant as MerchantRow,
  Prisma,
  ReviewCase as ReviewCaseRow,
  Sanction as SanctionRow,
  ServiceMetricsReport as ServiceMetricsReportRow,
  StoreExperienceScore as StoreExperienceScoreRow,
  Violation as ViolationRow,
} from './generated/prisma/client';

/** The migrations of this service's database, in Prisma's layout. */
export const MerchantAccessMigrations = join(import.meta.dirname, '..', 'prisma', 'migrations');

export type MerchantAccessDatabase = DatabaseConnection<PrismaClient>;

/** A transaction of this database (what units of work, consumers and jobs hand to their work). */
export type MerchantAccessTx = Prisma.TransactionClient;

export const connectMerchantAccessDatabase = (options: { connectionString: string; poolSize?: number }): MerchantAccessDatabase =>
  connectPrisma((adapter) => new PrismaClient({ adapter }), { ...options, applicationName: 'merchant-access' });
