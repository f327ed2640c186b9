import { join } from 'node:path';
import { connectPrisma, type DatabaseConnection } from '@govern/platform-db';
import { type Prisma, PrismaClient } from './generated/prisma/client';

export { PrismaClient } from './generated/prisma/client';
export type { Prisma } from './generated/prisma/client';

/** Rows as Prisma reads them, named for what they are in the service. */
export type {
  Ban as BanRow,
  BanAppeal as BanAppealRow,
  Brand as BrandRow,
  BrandAuthorisation as BrandAuthorisationRow,
  InspectionCampaign as InspectionCampaignRow,
  InspectionSample as InspectionSampleRow,
  IpComplaint as IpComplaintRow,
  LabResult as LabResultRow,
  Listing as ListingRow,
  ListingEvaluation as ListingEvaluationRow,
  LotInspection as LotInspectionRow,
  LotSwitchingState as LotSwitchingStateRow,
  Merchant as MerchantRow,
  Product as ProductRow,
  QualityScoreRecord as QualityScoreRow,
} from './generated/prisma/client';

/** The transaction client every use case works in (runMutation, consumers, jobs). */
export type ProductQualityTx = Prisma.TransactionClient;

/** The migrations of this service's database, in Prisma's layout. */
export const ProductQualityMigrations = join(import.meta.dirname, '..', 'prisma', 'migrations');

export type ProductQualityDatabase = DatabaseConnection<PrismaClient>;

export const connectProductQualityDatabase = (options: { connectionString: string; poolSize?: number }): ProductQualityDatabase =>
  connectPrisma((adapter) => new PrismaClient({ adapter }), { ...options, applicationName: 'product-quality' });
