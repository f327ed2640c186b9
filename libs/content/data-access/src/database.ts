import { join } from 'node:path';
import { connectPrisma, type DatabaseConnection } from '@govern/platform-db';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export { PrismaClient } from './generated/prisma/client';
export type { Prisma } from './generated/prisma/client';

/** The transaction every use case of the service works in (runMutation, consumers, jobs). */
export type ContentTx = Prisma.TransactionClient;

/** The migrations of this service's database, in Prisma's layout. */
export const ContentMigrations = join(import.meta.dirname, '..', 'prisma', 'migrations');

export type ContentDatabase = DatabaseConnection<PrismaClient>;

export const connectContentDatabase = (options: { connectionString: string; poolSize?: number }): ContentDatabase =>
  connectPrisma((adapter) => new PrismaClient({ adapter }), { ...options, applicationName: 'content' });

/** Rows as the service reads them (named apart from the proto messages of the same names). */
export type {
  Appeal as AppealRow,
  ContentAssessment as ContentAssessmentRow,
  ContentItem as ContentItemRow,
  ContentProductLink as ContentProductLinkRow,
  CreditDeduction as CreditDeductionRow,
  Creator as CreatorRow,
  Livestream as LivestreamRow,
  Penalty as PenaltyRow,
} from './generated/prisma/client';
