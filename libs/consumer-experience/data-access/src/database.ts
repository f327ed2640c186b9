import { join } from 'node:path';
import { connectPrisma, type DatabaseConnection } from '@govern/platform-db';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export { PrismaClient } from './generated/prisma/client';
export type { Prisma } from './generated/prisma/client';
export type {
  AfterSale as AfterSaleRow,
  AfterSaleChange as AfterSaleChangeRow,
  BuyerContact as BuyerContactRow,
  CareCase as CareCaseRow,
  Complaint as ComplaintRow,
  Compensation as CompensationRow,
  LedgerEntry as LedgerEntryRow,
  MerchantDeposit as MerchantDepositRow,
  MerchantStanding as MerchantStandingRow,
  Order as OrderRow,
  Refund as RefundRow,
  Review as ReviewRow,
  Shipment as ShipmentRow,
} from './generated/prisma/client';

/** The transaction client every use case works in (what `runMutation`, consumers and jobs hand over). */
export type ConsumerExperienceTx = Prisma.TransactionClient;

/** The migrations of this service's database, in Prisma's layout. */
export const ConsumerExperienceMigrations = join(import.meta.dirname, '..', 'prisma', 'migrations');

export type ConsumerExperienceDatabase = DatabaseConnection<PrismaClient>;

export const connectConsumerExperienceDatabase = (options: { connectionString: string; poolSize?: number }): ConsumerExperienceDatabase =>
  connectPrisma((adapter) => new PrismaClient({ adapter }), { ...options, applicationName: 'consumer-experience' });
