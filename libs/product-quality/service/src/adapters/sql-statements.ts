import type { ProductQualityTx } from '@govern/product-quality-data-access';
import type { SqlStatement } from '@govern/platform-db';

/*
 * Statements written with platform-db's `sql` tag (values named where they are used, sent as bind
 * parameters), run through the unit of work's Prisma transaction like the rest of the adapters.
 */

export const queryRows = <Row>(tx: ProductQualityTx, statement: SqlStatement): Promise<Row[]> => tx.$queryRawUnsafe<Row[]>(statement.text, ...statement.values);

/** Rows inserted, updated or deleted. */
export const execute = (tx: ProductQualityTx, statement: SqlStatement): Promise<number> => tx.$executeRawUnsafe(statement.text, ...statement.values);
